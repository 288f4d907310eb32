/**
 * Behaviors used by the runtime tests.
 *
 * @module
 */

import type { Behavior, Effect, ReplyTo, SupervisionSpec } from "../../lib/runtime/mod.ts";

/** Messages of the test counter. */
export type CounterMsg =
  | { type: "inc"; by?: number }
  | { type: "boom" }
  | { type: "get"; replyTo: ReplyTo }
  | { type: "notify"; to: string }
  | { type: "arm"; name: string; delayMs: number }
  | { type: "disarm"; name: string }
  | { type: "fired"; name: string }
  | { type: "sleep" }
  | { type: "spawn"; name: string }
  | { type: "kill"; path: string }
  | { type: "farewell"; to: string }
  | { type: "external"; label: string }
  | { type: "emitted"; label: string };

/** State of the test counter: `sum` always equals n(n+1)/2-style bookkeeping of `n` increments. */
export interface CounterState {
  n: number;
  log: string[];
}

/** Called when an `external` task runs: the effect has left, with the state `n` it recorded. */
export type ReleaseProbe = (path: string, label: string, n: number) => Promise<void>;

/** A counter with every kind of effect, for runtime tests. */
export function counterBehavior(
  kind = "counter",
  supervision?: Partial<SupervisionSpec>,
  extra: Partial<Behavior<CounterState, CounterMsg>> = {},
  probe: ReleaseProbe = () => Promise.resolve(),
): Behavior<CounterState, CounterMsg> {
  return {
    ...extra,
    kind,
    version: 1,
    supervision,
    initial: () => ({ n: 0, log: [] }),
    summary: (s) => `n=${s.n}`,
    handle(state, msg, ctx) {
      switch (msg.type) {
        case "inc":
          return { state: { ...state, n: state.n + (msg.by ?? 1) } };
        case "boom":
          // Effects built before the throw must never be applied.
          ctx.send("/observer", { type: "inc" });
          throw new Error("boom requested");
        case "get":
          return { state, effects: [ctx.reply(msg.replyTo, state.n)] };
        case "notify":
          return { state, effects: [ctx.send(msg.to, { type: "inc" })] };
        case "arm":
          return {
            state,
            effects: [ctx.setTimer(msg.name, msg.delayMs, { type: "fired", name: msg.name })],
          };
        case "disarm":
          return { state, effects: [ctx.cancelTimer(msg.name)] };
        case "fired":
          return { state: { ...state, log: [...state.log, `fired:${msg.name}`] } };
        case "sleep":
          return { state, effects: [ctx.passivate()] };
        case "spawn":
          return { state, effects: [ctx.spawn(msg.name, kind)] };
        case "kill":
          return { state, effects: [ctx.stop(msg.path)] };
        case "farewell":
          // The stop is listed first on purpose: the send beside it must still leave.
          return { state, effects: [ctx.stop(), ctx.send(msg.to, { type: "inc" })] };
        case "external": {
          const n = state.n + 1;
          const path = ctx.self;
          const effect: Effect = ctx.task(
            "emit",
            () => probe(path, msg.label, n),
            () => ({ type: "emitted", label: msg.label }),
            { durable: true },
          );
          return { state: { ...state, n }, effects: [effect] };
        }
        case "emitted":
          return { state: { ...state, log: [...state.log, `emitted:${msg.label}`] } };
      }
    },
  };
}
