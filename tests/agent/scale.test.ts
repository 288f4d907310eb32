import assert from "node:assert/strict";
import { requestRouterBehaviors } from "../../actors/requests.ts";
import { paths } from "../../lib/agent/messages.ts";
import { ActorSystem } from "../../lib/runtime/mod.ts";
import type { Behavior } from "../../lib/runtime/types.ts";
import { tempKv } from "../support/kv.ts";
import { waitFor } from "../support/wait.ts";
import { created, fixtureSettings, L1, ref, SRC, TGT, view } from "./fixtures.ts";

const sink: Behavior = {
  kind: "sink",
  version: 1,
  persist: false,
  initial: () => null,
  handle: (s) => ({ state: s }),
};

Deno.test("1,000 waiting requests take a view per block; finished ones are passivated", async () => {
  const t = await tempKv();
  const system = await ActorSystem.start({
    kv: t.kv,
    behaviors: [...requestRouterBehaviors(fixtureSettings()), sink],
  });
  try {
    system.spawn(paths.requests, "requests");
    system.spawn(paths.status, "sink");
    system.spawn(paths.txSender(TGT), "sink");
    system.send(paths.requests, {
      type: "Policy",
      policy: { pausedChains: [TGT], draining: false },
    });
    const now = Date.now();
    const nowS = Math.floor(now / 1000);
    for (const c of [SRC, TGT, L1]) {
      system.send(paths.requests, { type: "View", view: view(c, now) });
    }
    const N = 1000;
    for (let i = 0; i < N; i++) {
      const id = `0x${i.toString(16).padStart(64, "0")}`;
      // half wait on the paused chain (subscribed), half are unsafe (ignored, passivated)
      const validUntil = i % 2 === 0 ? nowS + 3600 : nowS + 100;
      system.send(paths.requests, {
        type: "route",
        id,
        msg: {
          type: "Event",
          event: { ...created({ validUntil }), requestId: id as `0x${string}` },
          ref: ref(SRC, nowS),
        },
      });
    }
    type S = { subs: Record<string, number[]> };
    const subscribed = () =>
      [...system.paths()].filter((p) => /^\/requests\/s\d+$/.test(p))
        .reduce((n, p) => n + Object.keys(system.stateOf<S>(p)?.subs ?? {}).length, 0);
    await waitFor(
      () => subscribed() === N / 2,
      "half subscribed",
      20_000,
    );
    await waitFor(() => system.counts.passive >= N / 2, "the ignored half passivated", 20_000);
    const before = system.metrics.messages;
    const started = performance.now();
    for (let b = 0; b < 10; b++) {
      system.send(paths.requests, { type: "View", view: view(TGT, Date.now(), { head: 101 + b }) });
    }
    await waitFor(
      () => system.metrics.messages - before >= 10 * (N / 2 + 1),
      "views handled",
      20_000,
    );
    const ms = performance.now() - started;
    assert.ok(ms < 15_000, `10 views to 500 requests took ${Math.round(ms)} ms`);
    assert.ok(system.metrics.messages - before < 10 * (N + 65), "passivated requests got no views");
    assert.equal(system.metrics.writeFailures, 0);
  } finally {
    await system.stop();
    await t.cleanup();
  }
});
