/**
 * StatusHub (`/status`): every request, claim and transaction state change passes through here.
 * It keeps the counts the demo, the metrics and readiness show (requests by state, ignore and
 * defer reasons, fill latency, the latest view of each chain) and forwards each report to the
 * coordinator link's persistent outbox when a link is configured.
 *
 * @module
 */

import type { Behavior } from "../lib/runtime/mod.ts";
import { type AppendStatus, paths, type StatusReport } from "../lib/agent/messages.ts";
import { emptyTally, type StatusTally, tallyReport } from "../lib/agent/status_tally.ts";

/** Messages the StatusHub accepts. */
export type StatusMsg = StatusReport;

/** Init of the StatusHub. */
export interface StatusInit {
  /** Forward every report to `/link/queue`. */
  forwardToLink: boolean;
}

/** State of the StatusHub: the tally and whether reports go to the link. */
export interface StatusState extends StatusTally {
  forwardToLink: boolean;
}

/** The StatusHub behavior (kind `"status"`). */
export const statusBehavior: Behavior<StatusState, StatusMsg> = {
  kind: "status",
  version: 1,
  initial: (init) => ({
    ...emptyTally(),
    forwardToLink: (init as StatusInit | undefined)?.forwardToLink ?? false,
  }),
  handle(state, msg, ctx) {
    const next = { ...state, ...tallyReport(state, msg) };
    if (!state.forwardToLink) return { state: next };
    const append: AppendStatus = { type: "AppendStatus", report: msg };
    // Held until this hub's snapshot (with the report counted) is durable: the queue then owns it.
    return { state: next, effects: [ctx.send(paths.queue, append, { durable: true })] };
  },
  summary: (s) =>
    `seen=${s.requests.seen} filled=${s.requests.filled} claimed=${s.requests.claimed} ` +
    `withdrawn=${s.requests.withdrawn} ignored=${s.requests.ignored}`,
};
