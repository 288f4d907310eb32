/**
 * tern's actor runtime: reducer actors over nact mailboxes, supervised, snapshotted to Deno KV.
 *
 * @example
 * ```ts
 * import { ActorSystem, type Behavior } from "./mod.ts";
 * const counter: Behavior<{ n: number }, { type: "inc" }> = {
 *   kind: "counter",
 *   version: 1,
 *   initial: () => ({ n: 0 }),
 *   handle: (s) => ({ state: { n: s.n + 1 } }),
 * };
 * const kv = await Deno.openKv("/tmp/example.kv");
 * const system = await ActorSystem.start({ kv, behaviors: [counter] });
 * system.spawn("/c", "counter");
 * system.send("/c", { type: "inc" });
 * await system.stop();
 * kv.close();
 * ```
 *
 * @module
 */

export * from "./types.ts";
export { ActorSystem, type SystemOptions } from "./system.ts";
export { AskTimeoutError } from "./asks.ts";
export { type ActorInfo, RuntimeMetrics } from "./metrics.ts";
export { hostClock, type RuntimeClock } from "./timer_wheel.ts";
export { admitRestart, backoffDelay, restartSet, supervisionSpec } from "./supervision.ts";
export { childPath, parentOf } from "./context.ts";
export { shardOf } from "./shard.ts";
export {
  type RouteMsg,
  shardedChildPath,
  type ShardedOptions,
  shardedSupervisor,
} from "./sharded.ts";
