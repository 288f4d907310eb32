/**
 * The inspector actor: samples level metrics (requests by state, outbox depth) on a timer, as a
 * task, and keeps the last sample for `/actors/inspector`. The HTTP server itself is started
 * beside the actor system by `startInspector` (lib/inspector/server.ts).
 *
 * @module
 */

import type { Behavior } from "../lib/runtime/mod.ts";
import type { InspectorSample } from "../lib/inspector/sampler.ts";

/** Behavior kind of the inspector actor. */
export const INSPECTOR_KIND = "inspector";

/** Messages of the inspector actor. */
export type InspectorMsg =
  | { type: "sample" }
  | { type: "sampled"; sample: InspectorSample }
  | { type: "sample_failed"; error: string };

/** State of the inspector actor. */
export interface InspectorState {
  periodMs: number;
  lastSampleAt: number | null;
  last: InspectorSample | null;
  failures: number;
  lastError?: string;
}

/**
 * The inspector behavior; `sample` is the job run as a task (see `metricsSampler`), every
 * `periodMs` (the spawn init, default 5 s).
 */
export function inspectorBehavior(
  sample: () => Promise<InspectorSample>,
): Behavior<InspectorState, InspectorMsg> {
  return {
    kind: INSPECTOR_KIND,
    version: 1,
    // Derived data only: nothing to recover after a restart.
    persist: false,
    initial: (init) => ({
      periodMs: (init as { periodMs?: number } | undefined)?.periodMs ?? 5000,
      lastSampleAt: null,
      last: null,
      failures: 0,
    }),
    onStart: () => ({ type: "sample" }),
    summary: (s) =>
      s.last === null
        ? "no sample yet"
        : `requests ${Object.values(s.last.requestsByState).reduce((a, b) => a + b, 0)}, ` +
          `outbox ${s.last.outboxDepth}`,
    handle(state, msg, ctx) {
      switch (msg.type) {
        case "sample":
          return {
            state,
            effects: [
              ctx.task(
                "sample",
                () => sample(),
                (r): InspectorMsg =>
                  r.ok
                    ? { type: "sampled", sample: r.value as InspectorSample }
                    : { type: "sample_failed", error: r.error },
                { timeoutMs: state.periodMs },
              ),
              ctx.setTimer("sample", state.periodMs, { type: "sample" }),
            ],
          };
        case "sampled":
          return { state: { ...state, last: msg.sample, lastSampleAt: ctx.now() } };
        case "sample_failed":
          return { state: { ...state, failures: state.failures + 1, lastError: msg.error } };
      }
    },
  };
}
