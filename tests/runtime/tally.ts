/**
 * A behavior whose every state carries a self-check: `sum` is always n(n+1)/2, so a torn or
 * invented state is detectable after a crash.
 *
 * @module
 */

import type { Behavior } from "../../lib/runtime/mod.ts";

/** State of a tally actor. */
export interface TallyState {
  n: number;
  sum: number;
}

/** A tally that reports each count through `report` once that count is durable. */
export function tallyBehavior(
  report: (line: string) => void,
): Behavior<TallyState, { type: "add" } | { type: "reported" }> {
  return {
    kind: "tally",
    version: 1,
    initial: () => ({ n: 0, sum: 0 }),
    handle(state, msg, ctx) {
      if (msg.type === "reported") return { state };
      const n = state.n + 1;
      const path = ctx.self;
      return {
        state: { n, sum: state.sum + n },
        effects: [
          ctx.task(
            "report",
            () => {
              report(`D ${path} ${n}`);
              return Promise.resolve();
            },
            () => ({ type: "reported" }),
            { durable: true },
          ),
        ],
      };
    },
  };
}
