/**
 * Samples what the metrics show as levels rather than events: requests by state and the
 * coordinator outbox depth, read from an inspection source and written into gauges.
 *
 * @module
 */

import { agentMetrics, type MetricsRegistry } from "../metrics.ts";
import { type InspectSource, requestsOf } from "./model.ts";

/** One sample. */
export interface InspectorSample {
  requestsByState: Record<string, number>;
  outboxDepth: number;
}

/** A sampling job over `source` that updates `metrics` and returns what it saw. */
export function metricsSampler(
  source: InspectSource,
  metrics: MetricsRegistry,
): () => Promise<InspectorSample> {
  const m = agentMetrics(metrics);
  return async () => {
    const byState: Record<string, number> = {};
    for (const r of await requestsOf(source)) byState[r.state] = (byState[r.state] ?? 0) + 1;
    m.requests.reset();
    for (const [state, n] of Object.entries(byState)) m.requests.set({ state }, n);
    const depth = (await source.outbox()).reduce((a, o) => a + o.depth, 0);
    m.outboxDepth.set({}, depth);
    return { requestsByState: byState, outboxDepth: depth };
  };
}
