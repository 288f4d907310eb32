/**
 * Test support for the chain watcher: a recording `/requests` router that acknowledges events
 * (or not, when told), and watcher inits for devnet chains.
 *
 * @module
 */
import type { Address, ChainView, EventRef, RouterMsg } from "../../lib/agent/messages.ts";
import { DEFAULT_LIMITS } from "../../lib/chain/cursor.ts";
import type { WatcherInit } from "../../lib/chain/setup.ts";
import type { Behavior } from "../../lib/runtime/mod.ts";

/** What the stub router received, with wall-clock arrival times. */
export interface RouterLog {
  events: { id: string; ref: EventRef; type: string; at: number; batch: number }[];
  removed: EventRef[];
  views: ChainView[];
  /** Acknowledge events (default true). */
  ack: boolean;
}

/** A new, empty log. */
export function routerLog(): RouterLog {
  return { events: [], removed: [], views: [], ack: true };
}

/** A stateless router at `/requests` that records into `log` and acknowledges events. */
export function stubRouter(log: RouterLog): Behavior<null, RouterMsg> {
  return {
    kind: "stub-router",
    version: 1,
    persist: false,
    initial: () => null,
    handle(state, msg, ctx) {
      if (msg.type === "View") {
        log.views.push(msg.view);
        return { state };
      }
      if (msg.type !== "route") return { state };
      const m = msg.msg;
      if (m.type === "EventRemoved") {
        log.removed.push(m.ref);
        return { state };
      }
      if (m.type !== "Event") return { state };
      log.events.push({
        id: msg.id,
        ref: m.ref,
        type: m.event.type,
        at: performance.now(),
        batch: m.ack?.batch ?? 0,
      });
      if (!log.ack || !m.ack) return { state };
      const ack = { type: "EventAck", batch: m.ack.batch, key: m.ref.key };
      return { state, effects: [ctx.send(m.ack.to, ack)] };
    },
  };
}

/** A watcher init with test-friendly timings. */
export function testInit(
  over: Partial<WatcherInit> & { chainId: number; lp: Address },
): WatcherInit {
  return {
    role: "l1",
    otherChainIds: [],
    tokens: [],
    startBlock: 0,
    confirmations: 0,
    pollPeriodMs: 100,
    rpcTimeoutMs: 500,
    maxBlocksPerQuery: 1000,
    ackTimeoutMs: 2_000,
    paramsRefreshMs: 60_000,
    limits: DEFAULT_LIMITS,
    ...over,
  };
}
