import assert from "node:assert/strict";
import { keccak256 } from "viem";
import { paths } from "../../lib/agent/messages.ts";
import type { TxSenderState } from "../../actors/tx_sender.ts";
import { mine } from "../../scripts/devnet/anvil.ts";
import { waitFor } from "../support/wait.ts";
import {
  CHAIN_ID,
  minedNonce,
  OTHER,
  type RawTxProxy,
  startHarness,
  startRawTxProxy,
} from "./harness.ts";

const SENDER = paths.txSender(CHAIN_ID);

Deno.test("a stop after the write-ahead but before the broadcast sends the same transaction after restart", async () => {
  let proxy: RawTxProxy | undefined;
  const h = await startHarness({}, [], (anvil) => {
    proxy ??= startRawTxProxy(anvil.rpcHttp);
    return proxy.url;
  });
  try {
    proxy!.mode = "hold";
    h.sendTx("fill:r1", OTHER);
    await waitFor(() => proxy!.raws.length === 1, "the broadcast to reach the proxy");
    const raw = proxy!.raws[0];
    // the signed transaction is in the durable snapshot before any broadcast starts
    const stored = h.system.stateOf<TxSenderState>(SENDER)!.records["fill:r1"];
    assert.equal(stored.attempts[0].raw, raw);
    assert.equal(await minedNonce(h), 0, "nothing reached the chain");
    await h.system.stop();
    // empty blocks lower the base fee: a transaction signed anew would differ from the stored one
    await mine(h.anvil.rpcHttp, 5);
    await h.tkv.reopen();
    await h.restart({}, h.anvil.rpcHttp);
    const o = await h.waitOutcome("fill:r1");
    assert.equal(o.status, "mined");
    assert.equal(o.hash, keccak256(raw), "the same signed transaction, not a new one");
    assert.equal(await minedNonce(h), 1, "exactly one transaction with that nonce");
    assert.equal(h.outcomes.length, 1);
  } finally {
    await h.stop();
    await proxy?.stop();
  }
});

Deno.test("a stop after a broadcast whose reply was lost confirms the mined transaction after restart", async () => {
  let proxy: RawTxProxy | undefined;
  const h = await startHarness({}, [], (anvil) => {
    proxy ??= startRawTxProxy(anvil.rpcHttp);
    return proxy.url;
  });
  try {
    proxy!.mode = "lose";
    h.sendTx("fill:r2", OTHER);
    await waitFor(async () => (await minedNonce(h)) === 1, "the transaction to be mined");
    const raw = proxy!.raws[0];
    await h.system.stop();
    await h.tkv.reopen();
    await h.restart({}, h.anvil.rpcHttp);
    const o = await h.waitOutcome("fill:r2");
    assert.equal(o.status, "mined");
    assert.equal(o.hash, keccak256(raw));
    assert.equal(await minedNonce(h), 1, "no second transaction");
    h.sendTx("fill:r2", OTHER); // the repeat after restart re-reports, sends nothing
    await waitFor(() => h.outcomes.length === 2, "the repeated outcome");
    assert.equal(await minedNonce(h), 1);
  } finally {
    await h.stop();
    await proxy?.stop();
  }
});

Deno.test("SIGKILL after the write-ahead, before the broadcast: after restart exactly one transaction is mined", async () => {
  const h = await startHarness();
  const proxy = startRawTxProxy(h.anvil.rpcHttp);
  let child: Deno.ChildProcess | undefined;
  try {
    await h.system.stop();
    h.tkv.kv.close();
    proxy.mode = "hold";
    child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("./crash_child.ts", import.meta.url).pathname,
        h.tkv.path,
        proxy.url,
        String(CHAIN_ID),
        "fill:crash",
        OTHER,
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitFor(
      () => proxy.raws.length === 1,
      "the child's broadcast to reach the proxy",
      20_000,
    );
    child.kill("SIGKILL");
    await child.status;
    child = undefined;
    const raw = proxy.raws[0];
    assert.equal(await minedNonce(h), 0, "nothing reached the chain");
    await mine(h.anvil.rpcHttp, 5); // a transaction signed anew would carry other fees
    await h.tkv.reopen();
    await h.restart({}, h.anvil.rpcHttp);
    // the outcome goes to the child's replyTo; the chain and the state tell what happened
    await waitFor(async () => (await minedNonce(h)) === 1, "the stored transaction to be mined");
    await waitFor(
      () =>
        h.system.stateOf<TxSenderState>(SENDER)?.done.some((d) => d.id === "fill:crash") ===
          true,
      "the outcome to be recorded",
    );
    const done = h.system.stateOf<TxSenderState>(SENDER)!.done.find((d) => d.id === "fill:crash")!;
    assert.equal(done.status, "mined");
    assert.equal(done.hash, keccak256(raw), "the transaction signed before the crash");
    assert.equal(await minedNonce(h), 1, "exactly one transaction with that nonce");
  } finally {
    if (child) {
      child.kill("SIGKILL");
      await child.status;
    }
    await h.stop();
    await proxy.stop();
  }
});
