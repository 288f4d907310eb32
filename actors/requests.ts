/**
 * The request router at `/requests`: routes each request's messages to its RequestActor under
 * sharded supervision (`/requests/<shard>/<requestId>`, spawned on first use), keeps the latest
 * view of every chain and the operator's fill policy, and forwards views and policy only to the
 * requests that subscribed (those with a step waiting on a view), so an idle or passivated
 * request costs nothing per block.
 *
 * @module
 */

import type { ChainView, FillPolicy, RequestMsg, RouterMsg } from "../lib/agent/messages.ts";
import type { AgentSettings } from "../lib/agent/settings.ts";
import type { Clock } from "../lib/clock.ts";
import { shardedChildPath, shardedSupervisor } from "../lib/runtime/sharded.ts";
import { shardOf } from "../lib/runtime/shard.ts";
import type { Behavior, Effect } from "../lib/runtime/types.ts";
import { requestBehavior } from "./request.ts";

/** State of the router. */
export interface RouterState {
  /** Latest view per chain id. */
  views: Record<string, ChainView>;
  policy: FillPolicy;
  /** Subscribed request ids and the chain ids they want views of. */
  subs: Record<string, number[]>;
  routed: number;
}

/** Number of shards under the router. */
export const REQUEST_SHARDS = 64;

/** The router behavior (kind `requests`); its shards are kind `requests-shard`. */
export function requestRouterBehavior(shards = REQUEST_SHARDS): Behavior<RouterState, RouterMsg> {
  return {
    kind: "requests",
    version: 1,
    initial: () => ({
      views: {},
      policy: { pausedChains: [], draining: false },
      subs: {},
      routed: 0,
    }),
    summary: (s) =>
      `routed=${s.routed} subscribed=${Object.keys(s.subs).length} chains=${
        Object.keys(s.views).join(",")
      }${s.policy.draining ? " draining" : ""}${
        s.policy.pausedChains.length ? ` paused=${s.policy.pausedChains.join(",")}` : ""
      }`,
    handle(state, msg, ctx) {
      const child = (id: string) => shardedChildPath(ctx.self, id, shards);
      const to = (id: string, m: RequestMsg): Effect => ctx.send(child(id), m);
      switch (msg.type) {
        case "route": {
          const id = msg.id.toLowerCase();
          return {
            state: { ...state, routed: state.routed + 1 },
            effects: [
              ctx.spawn(shardOf(id, shards), "requests-shard"),
              ctx.send(child(id), msg.msg, { ensure: { kind: "request", init: { id } } }),
            ],
          };
        }
        case "View": {
          const effects: Effect[] = [];
          for (const [id, chains] of Object.entries(state.subs)) {
            if (chains.includes(msg.view.chainId)) {
              effects.push(to(id, { type: "View", view: msg.view }));
            }
          }
          return {
            state: { ...state, views: { ...state.views, [String(msg.view.chainId)]: msg.view } },
            effects,
          };
        }
        case "Subscribe": {
          // the new subscriber gets the policy and the latest views at once
          const effects: Effect[] = [to(msg.id, { type: "Policy", policy: state.policy })];
          for (const c of msg.chainIds) {
            const v = state.views[String(c)];
            if (v) effects.push(to(msg.id, { type: "View", view: v }));
          }
          return { state: { ...state, subs: { ...state.subs, [msg.id]: msg.chainIds } }, effects };
        }
        case "Unsubscribe": {
          const { [msg.id]: _, ...subs } = state.subs;
          return { state: { ...state, subs } };
        }
        case "Policy":
          return {
            state: { ...state, policy: msg.policy },
            effects: Object.keys(state.subs).map((id) =>
              to(id, { type: "Policy", policy: msg.policy })
            ),
          };
        case "Resync":
          return {
            state,
            effects: Object.keys(state.subs).map((id) => to(id, { type: "Resync" })),
          };
      }
    },
  };
}

/**
 * Every behavior the request side needs: the router (`requests`, spawn it at `/requests`), its
 * shards (`requests-shard`) and the RequestActor (`request`).
 */
export function requestRouterBehaviors(
  settings: AgentSettings,
  opts: { clock?: Clock; shards?: number } = {},
): Behavior[] {
  const shards = opts.shards ?? REQUEST_SHARDS;
  const [, shard] = shardedSupervisor({ kind: "requests", childKind: "request", shards });
  return [
    requestRouterBehavior(shards) as Behavior,
    shard,
    requestBehavior({ settings, clock: opts.clock }) as Behavior,
  ];
}
