import assert from "node:assert/strict";
import { ActorSystem, type Behavior } from "../../lib/runtime/mod.ts";
import { KvSchemaError } from "../../lib/kv/schema.ts";
import { tempKv } from "../support/kv.ts";
import { waitFor } from "../support/wait.ts";
import { counterBehavior, type CounterState } from "./fixtures.ts";

async function dump(kv: Deno.Kv): Promise<string> {
  const rows: unknown[] = [];
  for await (const e of kv.list({ prefix: [] })) rows.push([e.key, e.value, e.versionstamp]);
  return JSON.stringify(rows);
}

Deno.test("state and pending timers survive a restart of the whole system", async () => {
  const t = await tempKv();
  let system = await ActorSystem.start({ kv: t.kv, behaviors: [counterBehavior()] });
  system.spawn("/c", "counter");
  system.send("/c", { type: "inc", by: 7 });
  system.send("/c", { type: "arm", name: "later", delayMs: 300 });
  system.send("/c", { type: "arm", name: "never", delayMs: 100 });
  system.send("/c", { type: "disarm", name: "never" });
  await waitFor(() => system.info("/c")?.timers.join() === "later", "timer armed");
  await system.stop();
  system = await ActorSystem.start({ kv: await t.reopen(), behaviors: [counterBehavior()] });
  try {
    assert.equal(system.stateOf<CounterState>("/c")?.n, 7);
    assert.deepEqual(system.info("/c")?.timers, ["later"]);
    await waitFor(
      () => system.stateOf<CounterState>("/c")!.log.includes("fired:later"),
      "re-armed timer fired",
    );
    assert.deepEqual(system.stateOf<CounterState>("/c")!.log, ["fired:later"]);
    await system.flush();
    const stored = JSON.parse((await system.store.get("/c"))!.data);
    assert.deepEqual(stored.timers, {}, "a fired timer is gone from the snapshot");
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("an idle actor is passivated and a message brings it back from KV", async () => {
  const t = await tempKv();
  const sleepy = counterBehavior("sleepy", undefined, { passivateAfterMs: 30 });
  const system = await ActorSystem.start({ kv: t.kv, behaviors: [sleepy] });
  try {
    system.spawn("/s", "sleepy");
    system.send("/s", { type: "inc", by: 4 });
    await waitFor(() => system.statusOf("/s") === "passive", "passivated");
    assert.equal(system.stateOf("/s"), undefined, "no state held in memory");
    assert.equal(system.info("/s")?.summary, "n=4");
    assert.equal((await system.store.get("/s"))?.passive, true);
    system.send("/s", { type: "inc" });
    await waitFor(() => system.stateOf<CounterState>("/s")?.n === 5, "re-activated with its state");
    assert.equal(system.metrics.activations, 1);
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("a passivated actor with a timer wakes when it is due, also after a system restart", async () => {
  const t = await tempKv();
  let system = await ActorSystem.start({ kv: t.kv, behaviors: [counterBehavior()] });
  system.spawn("/w", "counter");
  system.send("/w", { type: "arm", name: "alarm", delayMs: 250 });
  system.send("/w", { type: "sleep" });
  await waitFor(() => system.statusOf("/w") === "passive", "passivated");
  await system.stop();
  system = await ActorSystem.start({ kv: await t.reopen(), behaviors: [counterBehavior()] });
  try {
    assert.equal(system.statusOf("/w"), "passive", "recovered as passive: not loaded");
    await waitFor(
      () => system.stateOf<CounterState>("/w")?.log.includes("fired:alarm") ?? false,
      "woken",
    );
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("a KV written by a newer schema stops start-up with a clear error and stays untouched", async () => {
  const t = await tempKv();
  let system = await ActorSystem.start({ kv: t.kv, behaviors: [counterBehavior()] });
  system.spawn("/c", "counter");
  system.send("/c", { type: "inc" });
  await waitFor(() => system.stateOf<CounterState>("/c")?.n === 1, "n=1");
  await system.stop();
  // The same actor kind, but this build only knows version 0 of it: the KV holds a newer schema.
  const older: Behavior = { ...counterBehavior(), version: 0 } as Behavior;
  const before = await dump(t.kv);
  await assert.rejects(
    ActorSystem.start({ kv: t.kv, behaviors: [older] }),
    (e) =>
      e instanceof KvSchemaError && e.stored === 1 && e.supported === 0 &&
      /counter/.test(e.message) && /\/c/.test(e.message),
  );
  assert.equal(await dump(t.kv), before, "KV unchanged");
  // A store layout newer than this build is refused the same way.
  await t.kv.set(["tern", "$meta"], { format: 99 });
  const withMeta = await dump(t.kv);
  await assert.rejects(
    ActorSystem.start({ kv: t.kv, behaviors: [counterBehavior()] }),
    (e) => e instanceof KvSchemaError && e.stored === 99,
  );
  assert.equal(await dump(t.kv), withMeta);
  system = await ActorSystem.start({ kv: t.kv, behaviors: [counterBehavior()], skipRecovery: true })
    .catch((e) => e);
  assert.ok(system instanceof KvSchemaError);
  await t.cleanup();
});

Deno.test("an older snapshot is migrated when the behavior knows how", async () => {
  const t = await tempKv();
  const v1 = await ActorSystem.start({ kv: t.kv, behaviors: [counterBehavior()] });
  v1.spawn("/c", "counter");
  v1.send("/c", { type: "inc", by: 2 });
  await waitFor(() => v1.stateOf<CounterState>("/c")?.n === 2, "n=2");
  await v1.stop();
  const v2 = {
    ...counterBehavior(),
    version: 2,
    migrate: (old: unknown) => ({ ...(old as CounterState), n: (old as CounterState).n * 10 }),
  } as Behavior;
  const system = await ActorSystem.start({ kv: t.kv, behaviors: [v2] });
  try {
    assert.equal(system.stateOf<CounterState>("/c")?.n, 20);
    await system.flush();
    assert.equal((await system.store.get("/c"))?.v, 2);
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("group commit writes many snapshots per commit", async () => {
  const t = await tempKv();
  const system = await ActorSystem.start({ kv: t.kv, behaviors: [counterBehavior()] });
  try {
    for (let i = 0; i < 2000; i++) system.spawn(`/g/${i}`, "counter");
    for (let r = 0; r < 5; r++) {
      for (let i = 0; i < 2000; i++) system.send(`/g/${i}`, { type: "inc" });
    }
    await waitFor(
      () => system.stateOf<CounterState>("/g/1999")?.n === 5 && system.metrics.messages === 10_000,
      "all handled",
    );
    await system.flush();
    const { commits, written } = system.store.stats;
    assert.ok(written >= 2000, `written ${written}`);
    assert.ok(commits * 50 < written, `${commits} commits for ${written} snapshots`);
    let n = 0;
    for await (const e of system.store.list("/g")) n += JSON.parse(e.data).state.n;
    assert.equal(n, 10_000);
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("a snapshot above KV's value limit is refused and the actor restarts from the last one", async () => {
  const t = await tempKv();
  const hog: Behavior<{ blob: string }, { type: "grow"; bytes: number }> = {
    kind: "hog",
    version: 1,
    initial: () => ({ blob: "" }),
    handle: (_s, m) => ({ state: { blob: "x".repeat(m.bytes) } }),
  };
  const system = await ActorSystem.start({
    kv: t.kv,
    behaviors: [hog],
    rootSupervision: { backoffMinMs: 1, backoffMaxMs: 2, jitter: 0 },
  });
  try {
    system.spawn("/h", "hog");
    system.send("/h", { type: "grow", bytes: 1000 });
    await waitFor(() => system.stateOf<{ blob: string }>("/h")?.blob.length === 1000, "1000");
    await system.flush();
    system.send("/h", { type: "grow", bytes: 100_000 });
    await waitFor(() => system.metrics.writeFailures === 1, "write refused");
    await waitFor(
      () => system.info("/h")?.restarts === 1 && system.statusOf("/h") === "active",
      "restart",
    );
    assert.equal(system.stateOf<{ blob: string }>("/h")?.blob.length, 1000);
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("stop is bounded even when a task hangs, and parks it", async () => {
  const t = await tempKv();
  const hanging: Behavior<{ started: boolean }, { type: "go" } | { type: "done" }> = {
    kind: "hanging",
    version: 1,
    initial: () => ({ started: false }),
    handle: (s, m, ctx) =>
      m.type === "go"
        ? {
          state: { started: true },
          effects: [ctx.task("hang", () => new Promise<never>(() => {}), () => ({ type: "done" }))],
        }
        : { state: s },
  };
  const system = await ActorSystem.start({ kv: t.kv, behaviors: [hanging] });
  system.spawn("/h", "hanging");
  system.send("/h", { type: "go" });
  await waitFor(() => system.stateOf<{ started: boolean }>("/h")?.started === true, "started");
  const began = performance.now();
  const res = await system.stop({ timeoutMs: 500 });
  assert.ok(performance.now() - began < 1500);
  assert.equal(res.flushed, true);
  assert.equal(system.send("/h", { type: "go" }), false, "intake stopped");
  await t.cleanup();
});
