/** The inspector's HTTP endpoints against a real server on port 0 over a live actor system. */

import assert from "node:assert/strict";
import { ActorSystem, type Behavior } from "../../lib/runtime/mod.ts";
import { INSPECTOR_KIND, inspectorBehavior, type InspectorState } from "../../actors/inspector.ts";
import { metricsSampler } from "../../lib/inspector/sampler.ts";
import { systemSource } from "../../lib/inspector/sources.ts";
import { waitFor } from "../support/wait.ts";
import { agentMetrics, MetricsRegistry } from "../../lib/metrics.ts";
import { InspectorConfigError, startInspector } from "../../lib/inspector/server.ts";
import { tempKv } from "../support/kv.ts";
import { CLAIMER, fixtureBehaviors, populate, REQ_A, REQ_B, spawnFixture } from "./fixtures.ts";

async function withInspector(
  token: string | undefined,
  run: (url: string, system: ActorSystem) => Promise<void>,
) {
  const t = await tempKv();
  const system = await ActorSystem.start({ kv: t.kv, behaviors: fixtureBehaviors });
  const metrics = new MetricsRegistry();
  agentMetrics(metrics).fills.inc({ chain: "902", result: "ok" });
  let ready = false;
  const insp = await startInspector({
    system,
    kv: t.kv,
    port: 0,
    token,
    metrics,
    readiness: () => ({ ready, checks: { chains: ready ? "ok" : "catching up" } }),
  });
  try {
    await spawnFixture(system);
    const { Outbox } = await import("../../lib/link/outbox.ts");
    const ob = await Outbox.open(t.kv, { agentId: "lp-1" });
    await ob.append([{ kind: "x" }]);
    ready = true;
    await run(insp.url, system);
  } finally {
    await insp.stop();
    await system.stop();
    await t.cleanup();
  }
}

Deno.test("health, readiness, metrics, actors, requests, claims, outbox, page", async () => {
  await withInspector(undefined, async (url) => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const j = async (p: string, status = 200) => {
      const r = await fetch(url + p);
      assert.equal(r.status, status, p);
      return await r.json();
    };
    assert.deepEqual(await j("/healthz"), { ok: true });
    assert.deepEqual(await j("/readyz"), { ready: true, checks: { chains: "ok" } });

    const m = await fetch(url + "/metrics");
    assert.match(m.headers.get("content-type")!, /text\/plain; version=0\.0\.4/);
    const text = await m.text();
    assert.match(text, /^tern_fills_total\{chain="902",result="ok"\} 1$/m);
    assert.match(text, /^tern_actors\{status="active"\} 5$/m);
    assert.match(text, /^tern_actor_messages_total \d+$/m);
    assert.match(text, /^tern_kv_commit_latency_seconds_count \d+$/m);
    assert.match(text, /^# TYPE tern_kv_commit_latency_seconds histogram$/m);

    const actors = await j("/actors");
    const req = actors.find((a: { path: string }) => a.path === `/requests/s01/${REQ_A}`);
    assert.equal(req.kind, "request");
    assert.equal(req.summary, "claimed 901→902");
    assert.equal(req.restarts, 0);
    assert.equal(req.mailbox, 0);

    assert.equal((await j("/actors?kind=request")).length, 2);
    assert.equal((await j("/actors?under=/requests/s01")).length, 4);
    assert.equal((await j("/actors?limit=1")).length, 1);

    const tree = await j("/tree");
    assert.equal(tree.length, 1);
    assert.equal(tree[0].path, "/requests");
    assert.equal(tree[0].children[0].children.length, 2);

    const one = await j(`/actors/requests/s01/${REQ_A}`);
    assert.equal(one.state.fsm, "claimed");
    assert.equal(one.state.history.length, 3);
    await j("/actors/nope", 404);

    const all = await j("/requests");
    assert.deepEqual(all.map((r: { id: string }) => r.id), [REQ_A, REQ_B]);
    assert.deepEqual((await j("/requests?state=pending")).map((r: { id: string }) => r.id), [
      REQ_B,
    ]);
    assert.equal((await j("/requests?chain=901")).length, 2);
    assert.equal((await j("/requests?chain=5")).length, 0);
    const detail = await j(`/requests/${REQ_A}`);
    assert.deepEqual(detail.history.map((h: { state: string }) => h.state), [
      "pending",
      "filled",
      "claimed",
    ]);
    assert.equal(detail.history[1].block, 42);
    assert.equal(detail.claims[0].claimer, CLAIMER);
    await j("/requests/0x00", 404);

    const claims = await j("/claims");
    assert.equal(claims.length, 1);
    assert.equal(claims[0].state, "claimer_winning");
    const outbox = await j("/outbox");
    assert.equal(outbox[0].agentId, "lp-1");
    assert.equal(outbox[0].depth, 1);
    assert.equal(outbox[0].lastAckedSeq, 0);

    const page = await fetch(url + "/");
    assert.match(await page.text(), /<title>tern inspector<\/title>/);
  });
});

Deno.test("a token guards every endpoint but /healthz", async () => {
  await withInspector("s3cret-token", async (url) => {
    assert.equal((await fetch(url + "/healthz").then((r) => r.json())).ok, true);
    for (const p of ["/readyz", "/metrics", "/actors", "/requests", "/claims", "/outbox"]) {
      const r = await fetch(url + p);
      await r.body?.cancel();
      assert.equal(r.status, 401, p);
      const w = await fetch(url + p, { headers: { authorization: "Bearer wrong" } });
      await w.body?.cancel();
      assert.equal(w.status, 401, p);
    }
    const ok = await fetch(url + "/actors", {
      headers: { authorization: "Bearer s3cret-token" },
    });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
  });
});

Deno.test("readyz answers 503 while not ready; a non-loopback bind needs a token", async () => {
  const t = await tempKv();
  await populate(t.kv);
  const system = await ActorSystem.start({ kv: t.kv, behaviors: fixtureBehaviors });
  try {
    const metrics = new MetricsRegistry();
    await assert.rejects(
      startInspector({
        system,
        kv: t.kv,
        bind: "0.0.0.0",
        port: 0,
        metrics,
        readiness: () => ({ ready: true, checks: {} }),
      }),
      (e: unknown) =>
        e instanceof InspectorConfigError && /not loopback and has no token/.test(e.message) &&
        /token_env/.test(e.hint ?? ""),
    );
    const insp = await startInspector({
      system,
      kv: t.kv,
      port: 0,
      metrics,
      readiness: () => ({ ready: false, checks: { keystore: "locked" } }),
    });
    try {
      const r = await fetch(insp.url + "/readyz");
      assert.equal(r.status, 503);
      assert.deepEqual(await r.json(), { ready: false, checks: { keystore: "locked" } });
      // Recovered actors are listed after a restart.
      const reqs = await fetch(insp.url + "/requests").then((x) => x.json());
      assert.equal(reqs.length, 2);
    } finally {
      await insp.stop();
    }
    // A restarted inspector reuses the process's registry.
    const again = await startInspector({
      system,
      kv: t.kv,
      port: 0,
      metrics,
      readiness: () => ({ ready: true, checks: {} }),
    });
    try {
      const text = await fetch(again.url + "/metrics").then((r) => r.text());
      assert.equal(text.match(/^# TYPE tern_actors gauge$/gm)?.length, 1);
    } finally {
      await again.stop();
    }
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("the inspector actor samples requests by state and outbox depth into gauges", async () => {
  const t = await tempKv();
  await populate(t.kv);
  const metrics = new MetricsRegistry();
  const ref: { system?: ActorSystem } = {};
  const sample = () => metricsSampler(systemSource(ref.system!, t.kv), metrics)();
  const system = ref.system = await ActorSystem.start({
    kv: t.kv,
    behaviors: [...fixtureBehaviors, inspectorBehavior(sample) as Behavior],
  });
  try {
    system.spawn("/inspector", INSPECTOR_KIND, { periodMs: 60_000 });
    await waitFor(
      () => system.stateOf<InspectorState>("/inspector")?.last != null,
      "first sample",
      10_000,
    );
    const s = system.stateOf<InspectorState>("/inspector")!;
    assert.deepEqual(s.last, { requestsByState: { claimed: 1, pending: 1 }, outboxDepth: 1 });
    assert.equal(system.info("/inspector")!.summary, "requests 2, outbox 1");
    const text = metrics.render();
    assert.match(text, /^tern_requests\{state="claimed"\} 1$/m);
    assert.match(text, /^tern_outbox_depth 1$/m);
  } finally {
    await system.stop();
    await t.cleanup();
  }
});
