/**
 * Undoing an event whose block was reorged away, as far as that is still possible: a request
 * not acted on forgets its creation, a fill or claim not built on is forgotten; anything a
 * transaction of ours already followed is only recorded (the chain decides its fate).
 *
 * @module
 */

import type { EventRef } from "./messages.ts";
import type { RequestActorState } from "./request_state.ts";

/** Undoes the effect of the event at `ref` on `s` where still possible. */
export function undoEvent(s: RequestActorState, ref: EventRef, nowMs: number): RequestActorState {
  const at = new Date(nowMs).toISOString();
  const seen = s.seen.filter((k) => k !== ref.key);
  const early = s.early.filter((e) => e.ref.key !== ref.key);
  if (early.length !== s.early.length) return { ...s, seen, early };
  if (seen.length === s.seen.length) return s;
  const note = (
    reason: string,
  ) => [...s.history, { state: s.fsm, at, block: ref.blockNumber, reason }];
  if (s.request?.key === ref.key) {
    const acted = s.ownFill !== undefined || Object.keys(s.pending).length > 0 ||
      s.fsm !== "pending";
    if (acted) return { ...s, seen, history: note("RequestCreated reorged after we acted on it") };
    return {
      ...s,
      seen,
      created: false,
      request: undefined,
      deferred: true,
      reason: "RequestCreated removed by a reorg",
      history: note("RequestCreated removed by a reorg"),
    };
  }
  if (s.fill?.key === ref.key) {
    // a fill reorged away: the request is open again unless our own fill or claim followed it
    const reopen = s.fsm === "filled" && s.ownFill === undefined;
    return {
      ...s,
      seen,
      fill: undefined,
      fillBlocked: undefined,
      fsm: reopen ? "pending" : s.fsm,
      history: note("RequestFilled removed by a reorg"),
    };
  }
  const claim = Object.values(s.claims).find((c) => c.key === ref.key);
  if (claim && !claim.txPending) {
    const { [claim.claimId]: _, ...claims } = s.claims;
    return { ...s, seen, claims, history: note(`ClaimMade ${claim.claimId} removed by a reorg`) };
  }
  return { ...s, seen, history: note(`event ${ref.key} removed by a reorg`) };
}
