import assert from "node:assert/strict";
import { ActorSystem, AskTimeoutError, type Behavior } from "../../lib/runtime/mod.ts";
import { tempKv } from "../support/kv.ts";
import { waitFor } from "../support/wait.ts";
import { counterBehavior, type CounterState } from "./fixtures.ts";

const quiet = { backoffMinMs: 1, backoffMaxMs: 5, jitter: 0 };

Deno.test("a throwing handler leaves state unchanged and applies no effect", async () => {
  const t = await tempKv();
  const system = await ActorSystem.start({
    kv: t.kv,
    behaviors: [counterBehavior()],
    rootSupervision: { ...quiet, intensity: 100 },
  });
  try {
    system.spawn("/c", "counter");
    system.spawn("/observer", "counter");
    system.send("/c", { type: "inc", by: 5 });
    await waitFor(() => system.stateOf<CounterState>("/c")?.n === 5, "n=5");
    // A restart reloads the last durable snapshot: make n=5 durable first.
    await system.flush();
    system.send("/c", { type: "boom" });
    system.send("/c", { type: "inc" });
    await waitFor(() => system.stateOf<CounterState>("/c")?.n === 6, "n=6 after the failure");
    assert.equal(system.metrics.failures, 1);
    assert.equal(
      system.stateOf<CounterState>("/observer")?.n,
      0,
      "the send built before the throw was not applied",
    );
    assert.equal(system.info("/c")?.restarts, 1);
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("a restart reloads the last durable snapshot", async () => {
  const t = await tempKv();
  const system = await ActorSystem.start({
    kv: t.kv,
    behaviors: [counterBehavior()],
    rootSupervision: { ...quiet, intensity: 100 },
  });
  try {
    system.spawn("/c", "counter");
    system.send("/c", { type: "inc", by: 3 });
    await waitFor(() => system.stateOf<CounterState>("/c")?.n === 3, "n=3");
    await system.whenDurable("/c");
    const stored = await system.store.get("/c");
    assert.equal(JSON.parse(stored!.data).state.n, 3);
    system.send("/c", { type: "boom" });
    await waitFor(
      () => system.info("/c")?.restarts === 1 && system.statusOf("/c") === "active",
      "restart",
    );
    assert.equal(system.stateOf<CounterState>("/c")?.n, 3);
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("ask replies go to the asker by correlation id, under many concurrent asks", async () => {
  const t = await tempKv();
  const system = await ActorSystem.start({ kv: t.kv, behaviors: [counterBehavior()] });
  try {
    for (let i = 0; i < 100; i++) {
      system.spawn(`/c${i}`, "counter");
      system.send(`/c${i}`, { type: "inc", by: i });
    }
    const answers = await Promise.all(
      Array.from(
        { length: 20_000 },
        (_, k) =>
          system.ask<number>(`/c${k % 100}`, (replyTo) => ({ type: "get", replyTo }), 30_000),
      ),
    );
    answers.forEach((n, k) => assert.equal(n, k % 100));
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("an ask without a reply fails with a timeout naming the actor", async () => {
  const t = await tempKv();
  const system = await ActorSystem.start({ kv: t.kv, behaviors: [counterBehavior()] });
  try {
    system.spawn("/c", "counter");
    await assert.rejects(
      system.ask("/c", () => ({ type: "inc" }), 50),
      (e) => e instanceof AskTimeoutError && e.message.includes("/c"),
    );
    await assert.rejects(
      system.ask("/nobody", () => ({ type: "inc" }), 50),
      /no actor at \/nobody/,
    );
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("a durable effect leaves only after the snapshot recording it is durable", async () => {
  const t = await tempKv();
  const seen: { label: string; n: number; storedN: number }[] = [];
  const order: string[] = [];
  const probe = async (path: string, label: string, n: number) => {
    order.push(label); // release order, taken before the probe's own await
    const stored = await t.kv.get<{ data: string }>(["tern", "snap", ...path.split("/").slice(1)]);
    seen.push({ label, n, storedN: JSON.parse(stored.value!.data).state.n });
  };
  const system = await ActorSystem.start({
    kv: t.kv,
    behaviors: [counterBehavior("counter", undefined, {}, probe)],
  });
  try {
    system.spawn("/c", "counter");
    for (let i = 0; i < 50; i++) system.send("/c", { type: "external", label: `e${i}` });
    await waitFor(() => seen.length === 50, "50 releases");
    assert.deepEqual(order, Array.from({ length: 50 }, (_, i) => `e${i}`));
    for (const r of seen) {
      assert.ok(r.storedN >= r.n, `${r.label} left before n=${r.n} was durable`);
    }
    await waitFor(
      () => system.stateOf<CounterState>("/c")!.log.length === 50,
      "task outcomes delivered back",
    );
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("a message to an unknown path is a dead letter, and ensure spawns the target", async () => {
  const t = await tempKv();
  const system = await ActorSystem.start({ kv: t.kv, behaviors: [counterBehavior()] });
  try {
    assert.equal(system.send("/ghost", { type: "inc" }), false);
    assert.equal(system.metrics.deadLetters, 1);
    assert.equal(system.send("/made", { type: "inc" }, { ensure: { kind: "counter" } }), true);
    await waitFor(
      () => system.stateOf<CounterState>("/made")?.n === 1,
      "ensured actor got the message",
    );
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("stop removes the actor and its subtree, including their snapshots", async () => {
  const t = await tempKv();
  const system = await ActorSystem.start({ kv: t.kv, behaviors: [counterBehavior()] });
  try {
    system.spawn("/p", "counter");
    system.spawn("/killer", "counter");
    system.send("/p", { type: "spawn", name: "kid" });
    await waitFor(() => system.statusOf("/p/kid") === "active", "child spawned");
    await system.flush();
    assert.ok(await system.store.get("/p/kid"));
    system.send("/killer", { type: "kill", path: "/p" });
    await waitFor(() => system.statusOf("/p") === "absent", "p stopped");
    assert.equal(system.statusOf("/p/kid"), "absent");
    await system.flush();
    assert.equal(await system.store.get("/p"), null);
    assert.equal(await system.store.get("/p/kid"), null);
    assert.equal(system.send("/p", { type: "inc" }), false);
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("an actor that stops itself still sends the messages of the same step", async () => {
  const t = await tempKv();
  const system = await ActorSystem.start({ kv: t.kv, behaviors: [counterBehavior()] });
  try {
    system.spawn("/leaver", "counter");
    system.spawn("/observer", "counter");
    system.send("/leaver", { type: "farewell", to: "/observer" });
    await waitFor(() => system.statusOf("/leaver") === "absent", "leaver stopped");
    await waitFor(() => system.stateOf<CounterState>("/observer")?.n === 1, "farewell delivered");
  } finally {
    await system.stop();
    await t.cleanup();
  }
});

Deno.test("onStart is told why the actor started: spawn, activation, restart, recovery", async () => {
  type S = { starts: string[] };
  type M = { type: "started"; reason: string } | { type: "sleep" } | { type: "boom" } | {
    type: "poke";
  };
  const starter: Behavior<S, M> = {
    kind: "starter",
    version: 1,
    initial: () => ({ starts: [] }),
    onStart: (_s, reason) => ({ type: "started", reason }),
    handle(s, msg, ctx) {
      if (msg.type === "started") return { state: { starts: [...s.starts, msg.reason] } };
      if (msg.type === "sleep") return { state: s, effects: [ctx.passivate()] };
      if (msg.type === "boom") throw new Error("boom");
      return { state: s };
    },
  };
  const t = await tempKv();
  let system = await ActorSystem.start({
    kv: t.kv,
    behaviors: [starter as Behavior],
    rootSupervision: quiet,
  });
  const starts = () => system.stateOf<S>("/s")?.starts ?? [];
  try {
    system.spawn("/s", "starter");
    await waitFor(() => starts().length === 1, "spawned");
    await system.flush();
    system.send("/s", { type: "sleep" });
    await waitFor(() => system.statusOf("/s") === "passive", "passivated");
    system.send("/s", { type: "poke" });
    await waitFor(() => starts().length === 2, "activated");
    await system.flush();
    system.send("/s", { type: "boom" });
    await waitFor(() => starts().length === 3, "restarted");
    await system.flush();
    await system.stop();
    system = await ActorSystem.start({ kv: await t.reopen(), behaviors: [starter as Behavior] });
    await waitFor(() => starts().length === 4, "recovered");
    assert.deepEqual(starts(), ["spawn", "activation", "restart", "recovery"]);
  } finally {
    await system.stop();
    await t.cleanup();
  }
});
