import assert from "node:assert/strict";
import {
  requestRouterBehavior,
  requestRouterBehaviors,
  requestShardBehavior,
} from "../../actors/requests.ts";
import type { RouterMsg } from "../../lib/agent/messages.ts";
import { ActorCtx } from "../../lib/runtime/context.ts";
import { shardOf } from "../../lib/runtime/shard.ts";
import type { Behavior, Effect } from "../../lib/runtime/types.ts";
import { fixtureSettings, L1, REQ, SRC, TGT, view } from "./fixtures.ts";

function drive<S>(b: Behavior<S, RouterMsg>, self: string, init?: unknown) {
  let state = b.initial(init, self);
  const ctx = new ActorCtx(self, "/", new Map(), () => 0);
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

const shard = `/requests/${shardOf(REQ, 64)}`;
const child = `${shard}/${REQ}`;
const sendsTo = (effects: Effect[], to: string) =>
  effects.flatMap((e) => e.kind === "send" && e.to === to ? [e.msg as { type: string }] : []);

Deno.test("route spawns the shard once and ensures a request actor under it", () => {
  const r = drive(requestRouterBehavior(), "/requests");
  r.send({ type: "View", view: view(SRC, 0) });
  const effects = r.send({ type: "route", id: REQ, msg: { type: "Resync" } });
  const spawn = effects[0];
  assert.equal(spawn.kind, "spawn");
  assert.deepEqual(spawn.kind === "spawn" && Object.keys((spawn.init as { views: object }).views), [
    String(SRC),
  ]);
  const send = effects[1];
  assert.equal(send.kind === "send" && send.to, child);
  assert.deepEqual(send.kind === "send" && send.ensure, { kind: "request", init: { id: REQ } });
  const again = r.send({ type: "route", id: REQ, msg: { type: "Resync" } });
  assert.equal(again.filter((e) => e.kind === "spawn").length, 0);
});

Deno.test("the router passes views, policy and resync to every shard", () => {
  const r = drive(requestRouterBehavior(), "/requests");
  r.send({ type: "route", id: REQ, msg: { type: "Resync" } });
  assert.equal(sendsTo(r.send({ type: "View", view: view(TGT, 0) }), shard).length, 1);
  assert.equal(
    sendsTo(r.send({ type: "Policy", policy: { pausedChains: [], draining: true } }), shard)
      .length,
    1,
  );
  assert.deepEqual(sendsTo(r.send({ type: "Resync" }), shard), [{ type: "Resync" }]);
  assert.equal(r.state.policy.draining, true);
});

Deno.test("a shard forwards views only to subscribers; a new subscriber gets policy and views", () => {
  const s = drive(requestShardBehavior(), shard);
  s.send({ type: "View", view: view(SRC, 0) });
  s.send({ type: "Policy", policy: { pausedChains: [TGT], draining: false } });
  assert.deepEqual(s.send({ type: "View", view: view(TGT, 0) }), [], "nobody subscribed");
  const onSub = s.send({ type: "Subscribe", id: REQ, chainIds: [SRC, TGT] });
  assert.deepEqual(sendsTo(onSub, child).map((m) => m.type), ["Policy", "View", "View"]);
  assert.equal(sendsTo(s.send({ type: "View", view: view(TGT, 0) }), child).length, 1);
  assert.equal(sendsTo(s.send({ type: "View", view: view(L1, 0) }), child).length, 0);
  assert.deepEqual(sendsTo(s.send({ type: "Resync" }), child), [{ type: "Resync" }]);
  s.send({ type: "Unsubscribe", id: REQ });
  assert.equal(s.send({ type: "View", view: view(TGT, 0) }).length, 0);
});

Deno.test("requestRouterBehaviors registers router, shard and request kinds", () => {
  const kinds = requestRouterBehaviors(fixtureSettings()).map((b) => b.kind);
  assert.deepEqual(kinds, ["requests", "requests-shard", "request"]);
});
