/**
 * Sharded supervision for large populations: a router actor owns `shards` shard supervisors, and
 * each child lives under the shard its id hashes to (`<router>/<shard>/<id>`), so no supervisor
 * holds more than a fraction of the population and a restart storm stays within one shard.
 *
 * @module
 */

import { shardOf } from "./shard.ts";
import type { Behavior, SupervisionSpec } from "./types.ts";

/** A message for the router: deliver `msg` to child `id`, spawning it when absent. */
export interface RouteMsg {
  type: "route";
  /** The child's id; becomes its name (no "/" allowed). */
  id: string;
  /** The message for the child. */
  msg: unknown;
  /** Init argument when the child has to be spawned. */
  init?: unknown;
}

/** Options of {@link shardedSupervisor}. */
export interface ShardedOptions {
  /** Kind of the router behavior. */
  kind: string;
  /** Kind of the children. */
  childKind: string;
  /** Number of shards (default 64). */
  shards?: number;
  /** Supervision each shard applies to its children. */
  supervision?: Partial<SupervisionSpec>;
}

/** The path of child `id` under a sharded router at `router`. */
export function shardedChildPath(router: string, id: string, shards = 64): string {
  return `${router}/${shardOf(id, shards)}/${id}`;
}

/**
 * Behaviors of a sharded supervisor: the router (kind `opts.kind`) and its shards
 * (kind `${opts.kind}-shard`). Register both with the system.
 *
 * @example
 * ```ts
 * const [router, shard] = shardedSupervisor({ kind: "requests", childKind: "request" });
 * // system.spawn("/requests", "requests");
 * // system.send("/requests", { type: "route", id: "req:0xab", msg: { type: "Created" } });
 * ```
 */
export function shardedSupervisor(opts: ShardedOptions): [Behavior, Behavior] {
  const shards = opts.shards ?? 64;
  const shardKind = `${opts.kind}-shard`;
  const router: Behavior<{ routed: number }, RouteMsg> = {
    kind: opts.kind,
    version: 1,
    initial: () => ({ routed: 0 }),
    summary: (s) => `routed=${s.routed}`,
    handle(state, msg, ctx) {
      const shard = shardOf(msg.id, shards);
      return {
        state: { routed: state.routed + 1 },
        effects: [
          ctx.spawn(shard, shardKind),
          ctx.send(`${ctx.self}/${shard}/${msg.id}`, msg.msg, {
            ensure: { kind: opts.childKind, init: msg.init },
          }),
        ],
      };
    },
  };
  const shard: Behavior<Record<string, never>, unknown> = {
    kind: shardKind,
    version: 1,
    supervision: opts.supervision,
    initial: () => ({}),
    handle: (state) => ({ state }),
  };
  return [router as Behavior, shard as Behavior];
}
