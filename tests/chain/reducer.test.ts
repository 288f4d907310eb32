import assert from "node:assert/strict";
import { chainWatcherBehavior, type WatcherMsg } from "../../actors/chain_watcher.ts";
import type { Hex, RouterMsg } from "../../lib/agent/messages.ts";
import type { DecodedEvent } from "../../lib/chain/decode.ts";
import { ChainRpc } from "../../lib/chain/rpc.ts";
import type { WatcherState } from "../../lib/chain/watch.ts";
import { ActorCtx } from "../../lib/runtime/context.ts";
import type { Effect } from "../../lib/runtime/mod.ts";
import { testInit } from "./support.ts";

const SELF = "/chain:7/watcher";
const rpc = new ChainRpc({ chainId: 7, urls: ["http://127.0.0.1:9/"], timeoutMs: 100 });
const behavior = chainWatcherBehavior({ rpcFor: () => rpc });
const ctx = new ActorCtx(SELF, "/chain:7", new Map(), () => 5_000);
const init = testInit({
  chainId: 7,
  lp: "0x000000000000000000000000000000000000dead",
  role: "rollup",
  requestManager: "0x00000000000000000000000000000000000000aa",
  fillManager: "0x00000000000000000000000000000000000000bb",
  startBlock: 10,
});
const h = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;

function started(): { state: WatcherState; effects: Effect[] } {
  const s = behavior.initial(init, SELF);
  const step = behavior.handle(s, { type: "Start" }, ctx);
  return { state: step.state, effects: step.effects ?? [] };
}

function step(s: WatcherState, msg: WatcherMsg) {
  const r = behavior.handle(s, msg, ctx);
  return { state: r.state, effects: r.effects ?? [] };
}

const sends = (effects: Effect[]) =>
  effects.flatMap((e) => e.kind === "send" ? [e.msg as RouterMsg] : []);
const tasks = (effects: Effect[]) => effects.flatMap((e) => e.kind === "task" ? [e.name] : []);

function event(n: number): DecodedEvent {
  return {
    id: h(99),
    event: { type: "DepositWithdrawn", requestId: h(99), receiver: "0x" + "11".repeat(20) as Hex },
    ref: {
      chainId: 7,
      blockNumber: n,
      blockHash: h(n),
      logIndex: 0,
      txHash: h(1),
      timestamp: 100 + n,
      key: `${h(n)}:0`,
    },
  };
}

Deno.test("the reducer only describes I/O: start polls and arms the tick", () => {
  const { state, effects } = started();
  assert.deepEqual(tasks(effects), ["poll"]);
  assert.ok(effects.some((e) => e.kind === "setTimer" && e.name === "tick"));
  assert.equal(state.busy.poll, true);
});

Deno.test("a head from a lagging endpoint never lowers the known head", () => {
  let { state } = started();
  state = step(state, {
    type: "Polled",
    url: "a",
    result: { ok: true, value: { head: 50, tipMatches: null } },
  }).state;
  assert.equal(state.head, 50);
  const r = step({ ...state, busy: { ...state.busy, poll: true } }, {
    type: "Polled",
    url: "b",
    result: { ok: true, value: { head: 20, tipMatches: null } },
  });
  assert.equal(r.state.head, 50);
  assert.equal(r.state.rpcUrl, "b");
});

Deno.test("a failed poll reports the chain down in a view", () => {
  const { state } = started();
  const r = step(state, {
    type: "Polled",
    url: "http://x",
    result: { ok: false, error: "timeout", timedOut: true, aborted: false },
  });
  const views = sends(r.effects).filter((m) => m.type === "View");
  assert.equal(views.length, 1);
  assert.equal(views[0].type === "View" && views[0].view.rpcOk, false);
  assert.equal(r.state.rpcOk, false);
});

Deno.test("events are routed by request id with an ack addressed to the watcher", () => {
  let { state } = started();
  state = step(state, {
    type: "Polled",
    url: "a",
    result: { ok: true, value: { head: 12, tipMatches: null } },
  }).state;
  assert.equal(state.busy.read, true, "a read of [10, 12] started");
  const r = step(state, {
    type: "Read",
    from: 10,
    url: "a",
    result: {
      ok: true,
      value: {
        kind: "ok",
        read: {
          to: { n: 12, h: h(12) },
          ts: 112,
          events: [event(11)],
          blocks: [{ n: 11, h: h(11) }],
        },
        paramsChanged: false,
        ms: 3,
      },
    },
  });
  const routed = sends(r.effects).filter((m) => m.type === "route");
  assert.deepEqual(routed, [{
    type: "route",
    id: h(99),
    msg: { type: "Event", event: event(11).event, ref: event(11).ref, ack: { to: SELF, batch: 1 } },
  }]);
  assert.equal(r.state.pos.cursor, null, "the cursor waits for the ack");
  const acked = step(r.state, { type: "EventAck", batch: 1, key: event(11).ref.key });
  assert.deepEqual(acked.state.pos.cursor, { n: 12, h: h(12) });
});

Deno.test("a read that no longer follows the tip is dropped", () => {
  let { state } = started();
  state = step(state, {
    type: "Polled",
    url: "a",
    result: { ok: true, value: { head: 12, tipMatches: null } },
  }).state;
  const r = step(state, {
    type: "Read",
    from: 11, // the tip is 9: a read from 11 would skip block 10
    url: "a",
    result: {
      ok: true,
      value: {
        kind: "ok",
        read: { to: { n: 12, h: h(12) }, ts: 112, events: [event(11)], blocks: [] },
        paramsChanged: false,
        ms: 3,
      },
    },
  });
  assert.equal(sends(r.effects).filter((m) => m.type === "route").length, 0);
  assert.equal(r.state.pos.tip, null);
});

Deno.test("a changed tip hash at a poll starts a fork search and suspends reading", () => {
  let { state } = started();
  state = {
    ...state,
    busy: { ...state.busy, poll: true },
    pos: { ...state.pos, tip: { n: 10, h: h(10) } },
  };
  const r = step(state, {
    type: "Polled",
    url: "a",
    result: { ok: true, value: { head: 15, tipMatches: false } },
  });
  assert.ok(tasks(r.effects).includes("fork"));
  assert.ok(!tasks(r.effects).includes("read"));
  assert.equal(r.state.forkPending, true);
});

Deno.test("a range the node refuses as too large is shrunk and read again at once", () => {
  let { state } = started();
  state = step(state, {
    type: "Polled",
    url: "a",
    result: { ok: true, value: { head: 500, tipMatches: null } },
  }).state;
  const before = state.range;
  const r = step(state, {
    type: "Read",
    from: 10,
    url: "a",
    result: {
      ok: false,
      error: "query returned more than 10000 results",
      timedOut: false,
      aborted: false,
    },
  });
  assert.equal(r.state.range, Math.floor(before / 5));
  assert.ok(tasks(r.effects).includes("read"));
  assert.equal(r.state.rpcOk, true, "a refusal is not an outage");
});
