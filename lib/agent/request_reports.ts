/**
 * Status reports of a RequestActor: its request's and claims' state changes (with the state left,
 * so counting consumers count each transition once) and the outcomes of its transactions.
 *
 * @module
 */

import type { ClaimRecord, RequestActorState } from "./request_state.ts";
import type { StatusReport, TxOutcome } from "./messages.ts";

const requestReport = (
  s: RequestActorState,
  at: string,
  extra: Record<string, unknown>,
): StatusReport => {
  const last = s.history[s.history.length - 1];
  return {
    type: "Status",
    kind: "request",
    id: s.id,
    state: s.fsm,
    chainId: s.sourceChainId,
    at,
    details: {
      reason: s.reason,
      deferred: s.deferred,
      targetChainId: s.targetChainId,
      amount: s.amount,
      tx: last?.tx,
      block: last?.block,
      ...extra,
    },
  };
};

const claimReport = (s: RequestActorState, c: ClaimRecord, at: string): StatusReport => {
  const last = c.history[c.history.length - 1];
  return {
    type: "Status",
    kind: "claim",
    id: c.claimId,
    state: c.fsm,
    chainId: s.sourceChainId,
    at,
    details: {
      requestId: c.requestId,
      claimer: c.claimer,
      reason: c.reason,
      claimerStake: c.game.claimerStake,
      challengerStakeTotal: c.game.challengerStakeTotal,
      termination: c.game.termination,
      tx: last?.tx,
    },
  };
};

/**
 * Status reports for what changed between `a` and `b` (everything when `resend`). `from` names
 * the state left, `resend` marks a repeat, so counting consumers count each transition once.
 */
export function reports(
  a: RequestActorState,
  b: RequestActorState,
  at: string,
  resend: boolean,
  lp: string,
) {
  const out: StatusReport[] = [];
  // Before its RequestCreated a request is only kept events: nothing to report yet.
  if (!b.created) return out;
  if (
    resend || a.fsm !== b.fsm || reasonKind(a.reason) !== reasonKind(b.reason) ||
    a.deferred !== b.deferred || a.created !== b.created
  ) {
    const filledBy = b.fill ? (b.fill.filler.toLowerCase() === lp ? "us" : "other") : undefined;
    const from = a.created && a.fsm !== b.fsm ? a.fsm : a.created ? b.fsm : undefined;
    out.push(requestReport(b, at, { filledBy, from, resend: resend || undefined }));
  }
  for (const c of Object.values(b.claims)) {
    const old = a.claims[c.claimId];
    if (resend || !old || old.fsm !== c.fsm || reasonKind(old.reason) !== reasonKind(c.reason)) {
      out.push(claimReport(b, c, at));
    }
  }
  return out;
}

/**
 * What a reason says, without its changing detail: `stale_view: chain 5: RPC not answering` and
 * `stale_view: chain 5: view older than 10 s` are one reason for the coordinator, so a chain whose
 * views flap between the two does not send a report per view.
 */
export function reasonKind(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  const parts = reason.split(": ");
  return parts.length > 2 ? parts.slice(0, 2).join(": ") : reason;
}

/** The outcome of one of our transactions, as a status report. */
export function txReport(s: RequestActorState, o: TxOutcome, at: string): StatusReport {
  // fills, approvals and non-fill proofs go to the target chain; the rest to the source chain
  const onTarget = o.purpose === "fill" || o.purpose === "approve" || o.purpose === "invalidate";
  return {
    type: "Status",
    kind: "tx",
    id: o.id,
    state: o.status,
    chainId: onTarget && s.targetChainId !== undefined ? s.targetChainId : s.sourceChainId,
    at,
    details: {
      requestId: s.id,
      purpose: o.purpose,
      hash: o.hash,
      blockNumber: o.blockNumber,
      reason: o.reason,
    },
  };
}
