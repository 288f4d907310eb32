/**
 * Readiness of a running agent for `/readyz`: every chain's watcher answers and has read to
 * within a few blocks of its head, and the coordinator link (when configured) is connected or at
 * least queueing. Read from the watchers' live state, the way inspection reads it.
 *
 * @module
 */

import type { ActorSystem } from "../runtime/mod.ts";
import { synced, type WatcherState } from "../chain/watch.ts";
import { paths } from "./messages.ts";

/** One check of {@link readiness}. */
export interface ReadinessCheck {
  ok: boolean;
  detail: string;
}

/** Whether the agent is ready, with every check by name. */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, ReadinessCheck>;
}

/** Blocks a watcher may lag behind its head, beyond its confirmations, and still be ready. */
export const READY_MAX_BLOCK_LAG = 5;

/** Checks every watcher in `chainIds` and, when given, the link's state. */
export function readiness(
  system: ActorSystem,
  chainIds: readonly number[],
  linkState?: () => "connected" | "queueing" | "refused",
): ReadinessReport {
  const checks: Record<string, ReadinessCheck> = {};
  for (const id of chainIds) {
    const s = system.stateOf<WatcherState>(paths.watcher(id));
    if (!s) {
      checks[`chain:${id}`] = { ok: false, detail: "no watcher running" };
      continue;
    }
    // The L1 watcher reads no logs: its head and RPC are what matter.
    const lag = s.head < 0
      ? Infinity
      : s.init.role === "l1"
      ? 0
      : s.head - synced(s) - s.init.confirmations;
    const ok = s.rpcOk && lag <= READY_MAX_BLOCK_LAG;
    checks[`chain:${id}`] = {
      ok,
      detail: s.head < 0
        ? `no head read yet${s.lastError ? ` (${s.lastError})` : ""}`
        : `synced ${synced(s)}/${s.head}, rpc ${s.rpcOk ? "ok" : "failing"} at ${s.rpcUrl}` +
          (s.rpcOk ? "" : s.lastError ? `: ${s.lastError}` : ""),
    };
  }
  if (linkState) {
    const state = linkState();
    checks.link = { ok: state !== "refused", detail: state };
  }
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}
