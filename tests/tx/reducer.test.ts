import assert from "node:assert/strict";
import { privateKeyToAccount } from "viem/accounts";
import {
  type TxRecord,
  txSenderBehaviors,
  type TxSenderMsg,
  type TxSenderState,
} from "../../actors/tx_sender.ts";
import { ActorCtx } from "../../lib/runtime/context.ts";
import type { Behavior, Effect, TimerSpec } from "../../lib/runtime/types.ts";
import { LP_KEY, OTHER } from "./harness.ts";

// The reducer alone: no chain is called (tasks are values and are never run here).
const behavior = txSenderBehaviors({
  publicClientFor: () => {
    throw new Error("no RPC in reducer tests");
  },
  account: privateKeyToAccount(LP_KEY),
})[0] as Behavior<TxSenderState, TxSenderMsg>;
const ctx = new ActorCtx("/chain:1/tx", "/chain:1", new Map<string, TimerSpec>(), () => 1_000);
const taskNames = (fx: Effect[] = []) =>
  fx.flatMap((e) => (e.kind === "task" ? [e.name] : [])).sort();

function record(id: string, over: Partial<TxRecord>): TxRecord {
  return {
    id,
    purpose: "fill",
    replyTo: "/req",
    to: OTHER,
    value: "0",
    phase: "sent",
    busy: false,
    attempts: [],
    accepted: false,
    fails: 0,
    lost: 0,
    ...over,
  };
}

Deno.test("on restart a signed-but-unsent record keeps its nonce and later ones are re-broadcast", () => {
  const s0: TxSenderState = {
    ...behavior.initial({ chainId: 1 }, "/chain:1/tx"),
    nonce: 7,
    syncing: true,
    polling: true,
    records: {
      x: record("x", {
        phase: "signing",
        busy: true,
        nonce: 5,
        data: "0x",
        gas: "21000",
        fees: { maxFeePerGas: "10", maxPriorityFeePerGas: "1" },
      }),
      y: record("y", {
        nonce: 6,
        busy: true,
        attempts: [{
          hash: "0x01",
          raw: "0x02",
          maxFeePerGas: "10",
          maxPriorityFeePerGas: "1",
          at: 0,
        }],
      }),
    },
  };
  const step = behavior.handle(s0, { type: "Resume" }, ctx);
  assert.equal(step.state.records.x.nonce, 5, "x keeps nonce 5: a new one would leave a hole");
  assert.equal(step.state.records.x.phase, "signing");
  assert.deepEqual(taskNames(step.effects), ["nonce", "poll", "send:y", "sign:x"]);
  const send = step.effects!.find((e) => e.kind === "task" && e.name === "send:y");
  assert.equal(send?.kind === "task" && send.durable, true, "broadcasts wait for durability");
  // the chain says 5 (x never reached it): the next nonce is still past y's
  const synced = behavior.handle(step.state, { type: "Synced", nonce: 5 }, ctx);
  assert.equal(synced.state.nonce, 7);
});

Deno.test("an estimate that reverts finishes the record with its reason and takes no nonce", () => {
  const s0: TxSenderState = { ...behavior.initial({ chainId: 1 }, "/t"), nonce: 3 };
  const sent = behavior.handle(s0, {
    type: "SendTx",
    id: "fill:a",
    purpose: "fill",
    to: OTHER,
    data: "0x",
    value: "0",
    replyTo: "/req",
  }, ctx);
  assert.deepEqual(taskNames(sent.effects), ["prepare:fill:a"]);
  const step = behavior.handle(sent.state, {
    type: "Prepared",
    id: "fill:a",
    result: { reverted: "Already filled" },
  }, ctx);
  assert.equal(step.state.nonce, 3);
  assert.deepEqual(step.state.records, {});
  const reply = step.effects!.find((e) => e.kind === "send");
  assert.ok(reply && reply.kind === "send" && reply.durable);
  assert.deepEqual(reply.kind === "send" && reply.msg, {
    type: "TxOutcome",
    id: "fill:a",
    purpose: "fill",
    status: "reverted",
    reason: "Already filled",
  });
});

Deno.test("a snapshot of another account is refused with the cause and the fix", () => {
  const s0: TxSenderState = {
    ...behavior.initial({ chainId: 1 }, "/chain:1/tx"),
    address: "0x0000000000000000000000000000000000000001",
  };
  assert.throws(
    () => behavior.handle(s0, { type: "Resume" }, ctx),
    /holds transactions of account 0x0+1, but the configured account is 0xf39f.*data directory/,
  );
});
