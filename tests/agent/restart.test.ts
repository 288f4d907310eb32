import assert from "node:assert/strict";
import { requestRouterBehaviors } from "../../actors/requests.ts";
import { paths, type SendTx, type StatusReport } from "../../lib/agent/messages.ts";
import type { RequestActorState } from "../../lib/agent/request_state.ts";
import { ActorSystem } from "../../lib/runtime/mod.ts";
import { shardedChildPath } from "../../lib/runtime/sharded.ts";
import type { Behavior } from "../../lib/runtime/types.ts";
import { tempKv } from "../support/kv.ts";
import { waitFor } from "../support/wait.ts";
import { created, fixtureSettings, L1, ref, REQ, SRC, TGT, view } from "./fixtures.ts";

/** Records what reaches it (not persisted). */
function recorder(kind: string, into: unknown[]): Behavior {
  return {
    kind,
    version: 1,
    persist: false,
    initial: () => null,
    handle: (s, m) => {
      into.push(m);
      return { state: s };
    },
  };
}

Deno.test("after a restart a request with a fill in flight reports its state and sends no second fill", async () => {
  const t = await tempKv();
  const settings = fixtureSettings();
  const sent: SendTx[] = [];
  const reports: StatusReport[] = [];
  const behaviors = () => [
    ...requestRouterBehaviors(settings),
    recorder("rec-tx", sent as unknown[]),
    recorder("rec-status", reports as unknown[]),
  ];
  const path = shardedChildPath(paths.requests, REQ);
  let system = await ActorSystem.start({ kv: t.kv, behaviors: behaviors() });
  try {
    system.spawn(paths.requests, "requests");
    system.spawn(paths.status, "rec-status");
    system.spawn(paths.txSender(TGT), "rec-tx");
    const now = Date.now();
    for (const c of [SRC, TGT, L1]) {
      system.send(paths.requests, { type: "View", view: view(c, now) });
    }
    const nowS = Math.floor(now / 1000);
    system.send(paths.requests, {
      type: "route",
      id: REQ,
      msg: { type: "Event", event: created({ validUntil: nowS + 3600 }), ref: ref(SRC, nowS) },
    });
    await waitFor(() => sent.some((m) => m.purpose === "fill"), "fill sent");
    await system.stop();

    sent.length = 0;
    reports.length = 0;
    await t.reopen();
    system = await ActorSystem.start({ kv: t.kv, behaviors: behaviors() });
    system.spawn(paths.status, "rec-status");
    system.spawn(paths.txSender(TGT), "rec-tx");
    await waitFor(() => reports.some((r) => r.id === REQ && r.state === "pending"), "status again");
    const s = system.stateOf<RequestActorState>(path);
    assert.ok(s && Object.keys(s.pending).includes(`fill:${REQ}`), "the fill is still awaited");
    system.send(path, { type: "TxOutcome", id: `fill:${REQ}`, purpose: "fill", status: "mined" });
    // filled, and nothing to do until our RequestFilled is read: the actor may passivate
    await waitFor(() => reports.some((r) => r.id === REQ && r.state === "filled"), "filled");
    assert.equal(sent.filter((m) => m.purpose === "fill").length, 0, "no second fill");
  } finally {
    await system.stop();
    await t.cleanup();
  }
});
