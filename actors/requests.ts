/**
 * The request router at `/requests` and its shards at `/requests/<shard>`: requests are routed
 * to their RequestActor (`/requests/<shard>/<requestId>`, spawned on first use) under sharded
 * supervision. The router keeps the latest view of every chain and the operator's fill policy
 * and passes them to the shards; each shard keeps the subscriptions of its own requests and
 * forwards views only to those (a request subscribes while a step waits on a view), so an idle
 * or passivated request costs nothing per block and no snapshot holds more than a shard's share
 * of the subscriptions.
 *
 * @module
 */

import type { ChainView, FillPolicy, RequestMsg, RouterMsg } from "../lib/agent/messages.ts";
import type { AgentSettings } from "../lib/agent/settings.ts";
import type { Clock } from "../lib/clock.ts";
import { shardOf } from "../lib/runtime/shard.ts";
import type { Behavior, Effect, SupervisionSpec } from "../lib/runtime/types.ts";
import { requestBehavior } from "./request.ts";

/** State of the router. */
export interface RouterState {
  /** Latest view per chain id. */
  views: Record<string, ChainView>;
  policy: FillPolicy;
  /** Shard names spawned so far. */
  shards: string[];
  routed: number;
}

/** State of one shard: the subscriptions of its requests, and what it forwards to them. */
export interface ShardState {
  views: Record<string, ChainView>;
  policy: FillPolicy;
  /** Subscribed request ids and the chain ids they want views of. */
  subs: Record<string, number[]>;
}

/** Number of shards under the router. */
export const REQUEST_SHARDS = 64;

const NO_POLICY: FillPolicy = { pausedChains: [], draining: false };

/** The router behavior (kind `requests`). Accepts {@link RouterMsg}. */
export function requestRouterBehavior(shards = REQUEST_SHARDS): Behavior<RouterState, RouterMsg> {
  return {
    kind: "requests",
    version: 1,
    initial: () => ({ views: {}, policy: NO_POLICY, shards: [], routed: 0 }),
    summary: (s) =>
      `routed=${s.routed} shards=${s.shards.length} chains=${Object.keys(s.views).join(",")}${
        s.policy.draining ? " draining" : ""
      }${s.policy.pausedChains.length ? ` paused=${s.policy.pausedChains.join(",")}` : ""}`,
    handle(state, msg, ctx) {
      const toShards = (m: unknown): Effect[] =>
        state.shards.map((s) => ctx.send(`${ctx.self}/${s}`, m));
      switch (msg.type) {
        case "route": {
          const id = msg.id.toLowerCase();
          const shard = shardOf(id, shards);
          const effects: Effect[] = [];
          let next: RouterState = { ...state, routed: state.routed + 1 };
          if (!state.shards.includes(shard)) {
            // a new shard starts with what every shard knows
            effects.push(
              ctx.spawn(shard, "requests-shard", { views: state.views, policy: state.policy }),
            );
            next = { ...next, shards: [...state.shards, shard] };
          }
          effects.push(
            ctx.send(`${ctx.self}/${shard}/${id}`, msg.msg, {
              ensure: { kind: "request", init: { id } },
            }),
          );
          return { state: next, effects };
        }
        case "View":
          return {
            state: { ...state, views: { ...state.views, [String(msg.view.chainId)]: msg.view } },
            effects: toShards(msg),
          };
        case "Policy":
          return { state: { ...state, policy: msg.policy }, effects: toShards(msg) };
        case "Resync":
          return { state, effects: toShards(msg) };
        case "Subscribe":
        case "Unsubscribe": {
          // requests subscribe at their shard; one that addressed the router is passed on
          const shard = `${ctx.self}/${shardOf(msg.id, shards)}`;
          return { state, effects: [ctx.send(shard, msg)] };
        }
      }
    },
  };
}

/** A shard (kind `requests-shard`): supervises its requests and forwards views to subscribers. */
export function requestShardBehavior(
  supervision?: Partial<SupervisionSpec>,
): Behavior<ShardState, RouterMsg> {
  return {
    kind: "requests-shard",
    version: 1,
    supervision,
    initial: (init) => {
      const i = init as Partial<ShardState> | undefined;
      return { views: i?.views ?? {}, policy: i?.policy ?? NO_POLICY, subs: {} };
    },
    summary: (s) => `subscribed=${Object.keys(s.subs).length}`,
    handle(state, msg, ctx) {
      const to = (id: string, m: RequestMsg): Effect => ctx.send(`${ctx.self}/${id}`, m);
      switch (msg.type) {
        case "View": {
          const effects: Effect[] = [];
          for (const [id, chains] of Object.entries(state.subs)) {
            if (chains.includes(msg.view.chainId)) effects.push(to(id, msg));
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
            effects: Object.keys(state.subs).map((id) => to(id, msg)),
          };
        case "Resync":
          return { state, effects: Object.keys(state.subs).map((id) => to(id, msg)) };
        case "route":
          return { state };
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
  opts: { clock?: Clock; shards?: number; supervision?: Partial<SupervisionSpec> } = {},
): Behavior[] {
  const shards = opts.shards ?? REQUEST_SHARDS;
  return [
    requestRouterBehavior(shards) as Behavior,
    requestShardBehavior(opts.supervision) as Behavior,
    requestBehavior({ settings, clock: opts.clock }) as Behavior,
  ];
}
