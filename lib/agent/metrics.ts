/**
 * The agent's Prometheus metrics: RPC latency observed as calls happen, and the protocol counts
 * (fills, claims, challenges, withdrawals, transaction failures, requests by state) copied from
 * the StatusHub's tally each time `/metrics` is rendered, so actors stay pure reducers.
 *
 * @example
 * ```ts
 * const metrics = createAgentMetrics();
 * const rpc = chainRpcFor(chain, { onCall: metrics.onRpcCall });
 * // after the system started:
 * metrics.attach(system);
 * ```
 *
 * @module
 */

import { agentMetrics, MetricsRegistry } from "../metrics.ts";
import type { ActorSystem } from "../runtime/mod.ts";
import type { RpcCallInfo } from "../chain/rpc.ts";
import { paths } from "./messages.ts";
import type { StatusTally } from "./status_tally.ts";

/** The agent's registry and its feeds. */
export interface AgentMetrics {
  readonly registry: MetricsRegistry;
  /** Pass to every ChainRpc as `onCall`. */
  onRpcCall(info: RpcCallInfo): void;
  /** Starts copying counts from the running system's StatusHub (the outbox depth is sampled by
   * the inspector actor). */
  attach(system: ActorSystem): void;
}

const PURPOSE_COUNTER = {
  fill: "fills",
  claim: "claims",
  challenge: "challenges",
  withdraw: "withdrawals",
} as const;

/** A fresh registry with the agent's metrics. */
export function createAgentMetrics(): AgentMetrics {
  const registry = new MetricsRegistry();
  const m = agentMetrics(registry);
  const rpcErrors = registry.counter("tern_rpc_errors_total", "RPC calls that failed", ["chain"]);
  const reports = registry.counter("tern_status_reports_total", "State changes reported");
  return {
    registry,
    onRpcCall(info) {
      m.rpcLatency.observe({ chain: info.chainId }, info.ms / 1000);
      if (!info.ok) rpcErrors.inc({ chain: info.chainId });
    },
    attach(system) {
      registry.collect(() => {
        const t = system.stateOf<StatusTally>(paths.status);
        if (!t) return;
        reports.setTotal({}, t.reports);
        for (const [key, n] of Object.entries(t.txStates)) {
          const [chain, purpose, state] = key.split(":");
          if (state === "mined" || state === "reverted") {
            if (purpose === "fill") m.fills.setTotal({ chain, result: state }, n);
            else if (state === "mined" && purpose in PURPOSE_COUNTER) {
              m[PURPOSE_COUNTER[purpose as keyof typeof PURPOSE_COUNTER]].setTotal({ chain }, n);
            }
          }
          if (state === "reverted" || state === "failed") {
            m.txFailures.setTotal({ chain, reason: `${purpose}:${state}` }, n);
          }
        }
      });
    },
  };
}
