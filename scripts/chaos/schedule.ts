/**
 * The seeded fault schedule of a chaos run: when the agent is killed, when the coordinator
 * restarts, when the one SIGTERM is sent and when the RPC outage starts.
 *
 * @module
 */
import { prng } from "../devnet/prng.ts";

/** One scheduled fault, `atMs` after the traffic starts. */
export type ChaosEvent =
  | { atMs: number; kind: "kill-agent"; restartAfterMs: number }
  | { atMs: number; kind: "restart-coordinator" }
  | { atMs: number; kind: "sigterm-agent" }
  | { atMs: number; kind: "blackhole"; forMs: number };

/** Inputs of {@link planSchedule}. */
export interface ScheduleOptions {
  /** How long the traffic lasts, ms; faults are spread over it and a little after. */
  spanMs: number;
  kills: number;
  coordinatorRestarts: number;
  /** Length of the RPC outage, ms (0: none). */
  blackholeMs: number;
  seed: number;
}

/**
 * Seeded, time-ordered faults. Kills fall in [5%, 110%] of the span (so some hit the tail of
 * the work), the SIGTERM in the middle third, coordinator restarts over the whole span, and the
 * outage starts in the first half.
 *
 * @example
 * planSchedule({ spanMs: 60_000, kills: 10, coordinatorRestarts: 5, blackholeMs: 20_000, seed: 1 });
 */
export function planSchedule(o: ScheduleOptions): ChaosEvent[] {
  const rng = prng(o.seed ^ 0xc4a05);
  const at = (from: number, to: number) => Math.round(o.spanMs * (from + rng.next() * (to - from)));
  const events: ChaosEvent[] = [];
  for (let i = 0; i < o.kills; i++) {
    events.push({ atMs: at(0.05, 1.1), kind: "kill-agent", restartAfterMs: rng.int(100, 1500) });
  }
  for (let i = 0; i < o.coordinatorRestarts; i++) {
    events.push({ atMs: at(0, 1), kind: "restart-coordinator" });
  }
  events.push({ atMs: at(0.33, 0.66), kind: "sigterm-agent" });
  if (o.blackholeMs > 0) events.push({ atMs: at(0, 0.5), kind: "blackhole", forMs: o.blackholeMs });
  return events.sort((a, b) => a.atMs - b.atMs);
}
