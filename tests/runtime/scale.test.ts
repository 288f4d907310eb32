import assert from "node:assert/strict";
import { ActorSystem, shardedChildPath, shardedSupervisor } from "../../lib/runtime/mod.ts";
import { tempKv } from "../support/kv.ts";
import { waitFor } from "../support/wait.ts";
import { counterBehavior, type CounterState } from "./fixtures.ts";

Deno.test("100,000 actors live under sharded supervision, restart within their shard and recover", async () => {
  const t = await tempKv();
  const [router, shard] = shardedSupervisor({
    kind: "pop",
    childKind: "counter",
    shards: 64,
    supervision: { backoffMinMs: 1, backoffMaxMs: 2, jitter: 0 },
  });
  const behaviors = [router, shard, counterBehavior()];
  let system = await ActorSystem.start({ kv: t.kv, behaviors });
  const N = 100_000;
  try {
    system.spawn("/pop", "pop");
    for (let i = 0; i < N; i++) {
      system.send("/pop", { type: "route", id: `i${i}`, msg: { type: "inc", by: i } });
      if (i % 5000 === 0) await new Promise((r) => setTimeout(r, 0));
    }
    await waitFor(
      () => system.metrics.messages >= 2 * N,
      "every child handled its message",
      120_000,
    );
    assert.equal(system.childrenOf("/pop").length, 64);
    const sizes = system.childrenOf("/pop").map((s) => system.childrenOf(s).length);
    assert.equal(sizes.reduce((a, b) => a + b, 0), N);
    assert.ok(Math.max(...sizes) < 2 * (N / 64), `largest shard ${Math.max(...sizes)}`);
    const victim = shardedChildPath("/pop", "i777");
    assert.equal(system.stateOf<CounterState>(victim)?.n, 777);
    await system.flush();
    system.send(victim, { type: "boom" });
    await waitFor(() => system.metrics.restarts === 1, "victim restarted");
    await waitFor(() => system.statusOf(victim) === "active", "victim back");
    assert.equal(system.stateOf<CounterState>(victim)?.n, 777);
    await system.stop({ timeoutMs: 30_000 });
    system = await ActorSystem.start({ kv: await t.reopen(), behaviors });
    assert.equal(system.counts.active, N + 64 + 1);
    assert.equal(system.stateOf<CounterState>(shardedChildPath("/pop", "i99999"))?.n, 99_999);
  } finally {
    await system.stop({ timeoutMs: 30_000 });
    await t.cleanup();
  }
});
