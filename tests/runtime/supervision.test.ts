import assert from "node:assert/strict";
import {
  ActorSystem,
  admitRestart,
  backoffDelay,
  type Behavior,
  restartSet,
} from "../../lib/runtime/mod.ts";
import { tempKv } from "../support/kv.ts";
import { waitFor } from "../support/wait.ts";
import { counterBehavior, type CounterState } from "./fixtures.ts";

const fast = { backoffMinMs: 1, backoffMaxMs: 4, jitter: 0 };

/** A supervisor whose children are counters; it only spawns them. */
function supervisorBehavior(
  strategy: "one_for_one" | "one_for_all" | "rest_for_one",
  intensity = 10,
): Behavior<{ spawned: number }, { type: "spawn"; name: string }> {
  return {
    kind: `sup-${strategy}`,
    version: 1,
    supervision: { ...fast, strategy, intensity, periodMs: 60_000 },
    initial: () => ({ spawned: 0 }),
    handle: (s, m, ctx) => ({
      state: { spawned: s.spawned + 1 },
      effects: [ctx.spawn(m.name, "counter")],
    }),
  };
}

async function withTree(
  strategy: "one_for_one" | "one_for_all" | "rest_for_one",
  body: (system: ActorSystem) => Promise<void>,
  intensity = 10,
  onFatal?: (path: string, e: Error) => void,
) {
  const t = await tempKv();
  const system = await ActorSystem.start({
    kv: t.kv,
    behaviors: [counterBehavior(), supervisorBehavior(strategy, intensity)],
    rootSupervision: { ...fast, intensity: 1, periodMs: 60_000 },
    onFatal,
  });
  try {
    system.spawn("/sup", `sup-${strategy}`);
    for (const name of ["a", "b", "c"]) system.send("/sup", { type: "spawn", name });
    await waitFor(() => system.childrenOf("/sup").length === 3, "three children");
    for (const name of ["a", "b", "c"]) system.send(`/sup/${name}`, { type: "inc" });
    await waitFor(
      () => ["a", "b", "c"].every((n) => system.stateOf<CounterState>(`/sup/${n}`)?.n === 1),
      "children at n=1",
    );
    await system.flush();
    await body(system);
  } finally {
    await system.stop();
    await t.cleanup();
  }
}

const restarts = (s: ActorSystem) => ["a", "b", "c"].map((n) => s.info(`/sup/${n}`)!.restarts);

Deno.test("one-for-one restarts only the failed child", async () => {
  await withTree("one_for_one", async (system) => {
    system.send("/sup/b", { type: "boom" });
    await waitFor(() => system.metrics.restarts === 1, "one restart");
    await waitFor(() => system.statusOf("/sup/b") === "active", "b back");
    assert.deepEqual(restarts(system), [0, 1, 0]);
  });
});

Deno.test("one-for-all restarts every child of the supervisor", async () => {
  await withTree("one_for_all", async (system) => {
    system.send("/sup/b", { type: "boom" });
    await waitFor(() => system.metrics.restarts === 3, "three restarts");
    assert.deepEqual(restarts(system), [1, 1, 1]);
  });
});

Deno.test("rest-for-one restarts the failed child and those spawned after it", async () => {
  await withTree("rest_for_one", async (system) => {
    system.send("/sup/b", { type: "boom" });
    await waitFor(() => system.metrics.restarts === 2, "two restarts");
    assert.deepEqual(restarts(system), [0, 1, 1]);
  });
});

Deno.test("past the restart intensity the failure escalates to the parent", async () => {
  const fatal: string[] = [];
  await withTree(
    "one_for_one",
    async (system) => {
      // intensity 2: the third failure within the period escalates to /sup, whose own supervisor
      // (the root, intensity 1) restarts it together with its subtree.
      for (let i = 0; i < 3; i++) {
        system.send("/sup/a", { type: "boom" });
        await waitFor(() => system.metrics.failures >= i + 1, `failure ${i + 1}`);
        await waitFor(() => system.statusOf("/sup/a") === "active", "a back");
      }
      await waitFor(() => system.metrics.escalations === 1, "escalation");
      await waitFor(() => system.info("/sup")!.restarts === 1, "supervisor restarted");
      assert.equal(fatal.length, 0);
      // The root allows one restart; a second escalation in the period reaches onFatal.
      system.send("/sup/a", { type: "boom" });
      await waitFor(() => system.statusOf("/sup/a") === "active", "a back again");
      system.send("/sup/a", { type: "boom" });
      await waitFor(() => system.statusOf("/sup/a") === "active", "a back again");
      system.send("/sup/a", { type: "boom" });
      await waitFor(() => fatal.length === 1, "escalated past the root");
      assert.match(fatal[0], /\/sup exceeded restart intensity/);
    },
    2,
    (_path, e) => fatal.push(e.message),
  );
});

Deno.test("a crash loop never starves the event loop", async () => {
  const t = await tempKv();
  const looping: Behavior<{ n: number }, { type: "go" }> = {
    kind: "looping",
    version: 1,
    initial: () => ({ n: 0 }),
    onStart: () => ({ type: "go" }),
    handle: () => {
      throw new Error("always fails on start");
    },
  };
  const system = await ActorSystem.start({
    kv: t.kv,
    behaviors: [looping],
    rootSupervision: { intensity: 1_000_000, periodMs: 60_000, backoffMinMs: 1, backoffMaxMs: 1 },
  });
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 1);
  try {
    system.spawn("/loop", "looping");
    await waitFor(() => system.metrics.failures >= 50 && ticks >= 20, "failures and ticks");
  } finally {
    clearInterval(ticker);
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("supervision rules: restart sets, intensity window and backoff", () => {
  assert.deepEqual(restartSet("one_for_one", ["/a", "/b", "/c"], "/b"), ["/b"]);
  assert.deepEqual(restartSet("one_for_all", ["/a", "/b", "/c"], "/b"), ["/a", "/b", "/c"]);
  assert.deepEqual(restartSet("rest_for_one", ["/a", "/b", "/c"], "/b"), ["/b", "/c"]);
  let h: number[] = [];
  const spec = { intensity: 2, periodMs: 1000 };
  for (const [now, allowed] of [[0, true], [10, true], [20, false], [1015, true]] as const) {
    const v = admitRestart(h, now, spec);
    assert.equal(v.allowed, allowed, `at ${now}`);
    h = v.history;
  }
  const b = { backoffMinMs: 10, backoffMaxMs: 100, jitter: 0 };
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(b, n)), [10, 20, 40, 80, 100, 100]);
  const j = { ...b, jitter: 0.5 };
  assert.equal(backoffDelay(j, 1, () => 0), 5);
  assert.equal(backoffDelay(j, 1, () => 1), 15);
});
