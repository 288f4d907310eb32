/**
 * Measured in its own process so earlier benchmark phases cannot pre-grow the heap: the RSS and
 * heap growth from recovering the KV at `Deno.args[0]`, whose actors are all passivated, over a
 * baseline taken after one full scan of the same keys.
 * Prints one JSON line `{ rssMB, heapMB, passive }`.
 *
 * @module
 */

import { ActorSystem, type Behavior } from "../../lib/runtime/mod.ts";

const counter: Behavior<{ n: number }, unknown> = {
  kind: "bench-counter",
  version: 1,
  initial: () => ({ n: 0 }),
  handle: (s) => ({ state: s }),
};

// deno-lint-ignore no-explicit-any
const gc = (globalThis as any).gc as (() => void) | undefined;
const kv = await Deno.openKv(Deno.args[0]);
// Read every key once first, so the baseline already holds what the KV's own cache keeps after a
// full scan; the growth after that is what holding the actors costs.
let keys = 0;
for await (const _ of kv.list({ prefix: ["tern", "snap"] }, { batchSize: 1000 })) keys++;
if (keys === 0) throw new Error("no snapshots to recover");
gc?.();
const before = Deno.memoryUsage();
const system = await ActorSystem.start({ kv, behaviors: [counter] });
gc?.();
const after = Deno.memoryUsage();
const passive = system.counts.passive;
await system.stop({ timeoutMs: 30_000 });
kv.close();
console.log(JSON.stringify({
  rssMB: (after.rss - before.rss) / 2 ** 20,
  heapMB: (after.heapUsed - before.heapUsed) / 2 ** 20,
  passive,
}));
