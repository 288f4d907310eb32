import assert from "node:assert/strict";
import { requestRouterBehavior, requestRouterBehaviors } from "../../actors/requests.ts";
import type { RouterMsg } from "../../lib/agent/messages.ts";
import { ActorCtx } from "../../lib/runtime/context.ts";
import { shardedChildPath } from "../../lib/runtime/sharded.ts";
import type { Effect } from "../../lib/runtime/types.ts";
import { fixtureSettings, REQ, SRC, TGT, view } from "./fixtures.ts";

function router() {
  const b = requestRouterBehavior();
  let state = b.initial(undefined, "/requests");
  const ctx = new ActorCtx("/requests", "/", new Map(), () => 0);
  return {
    send(msg: RouterMsg): Effect[] {
      const step = b.handle(state, msg, ctx);
      state = step.state;
      return step.effects ?? [];
    },
    get state() {
      return state;
    },
  };
}

const child = shardedChildPath("/requests", REQ);
const sendsTo = (effects: Effect[], to: string) =>
  effects.flatMap((e) => e.kind === "send" && e.to === to ? [e.msg as { type: string }] : []);

Deno.test("route spawns the shard and ensures a request actor under it", () => {
  const r = router();
  const effects = r.send({ type: "route", id: REQ, msg: { type: "Resync" } });
  assert.equal(effects[0].kind, "spawn");
  const send = effects[1];
  assert.equal(send.kind, "send");
  assert.equal(send.kind === "send" && send.to, child);
  assert.deepEqual(send.kind === "send" && send.ensure, { kind: "request", init: { id: REQ } });
});

Deno.test("views go only to subscribers of that chain; a new subscriber gets policy and views", () => {
  const r = router();
  assert.deepEqual(r.send({ type: "View", view: view(SRC, 0) }), []);
  r.send({ type: "Policy", policy: { pausedChains: [TGT], draining: false } });
  const onSub = r.send({ type: "Subscribe", id: REQ, chainIds: [SRC, TGT] });
  assert.deepEqual(sendsTo(onSub, child).map((m) => m.type), ["Policy", "View"]);
  assert.equal(sendsTo(r.send({ type: "View", view: view(TGT, 0) }), child).length, 1);
  assert.equal(sendsTo(r.send({ type: "View", view: view(1, 0) }), child).length, 0);
  r.send({ type: "Unsubscribe", id: REQ });
  assert.equal(r.send({ type: "View", view: view(TGT, 0) }).length, 0);
});

Deno.test("policy and resync fan out to subscribed requests", () => {
  const r = router();
  r.send({ type: "Subscribe", id: REQ, chainIds: [SRC] });
  const p = r.send({ type: "Policy", policy: { pausedChains: [], draining: true } });
  assert.deepEqual(sendsTo(p, child), [{
    type: "Policy",
    policy: { pausedChains: [], draining: true },
  }]);
  assert.deepEqual(sendsTo(r.send({ type: "Resync" }), child), [{ type: "Resync" }]);
  assert.equal(r.state.policy.draining, true);
});

Deno.test("requestRouterBehaviors registers router, shard and request kinds", () => {
  const kinds = requestRouterBehaviors(fixtureSettings()).map((b) => b.kind);
  assert.deepEqual(kinds, ["requests", "requests-shard", "request"]);
});
