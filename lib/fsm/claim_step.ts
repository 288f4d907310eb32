/**
 * The per-claim routine of the agent in one function: given the view, the single next thing to
 * do. It strings together the decisions of `strategy.ts` in the reference agent's order, so an
 * actor handles a claim with one call and one `switch`.
 *
 * @module
 */

import {
  challengeDecision,
  type ClaimDecisionView,
  invalidationDecision,
  isHonestClaimOfOther,
  l1ThresholdReached,
  resolutionDecision,
  withdrawDecision,
} from "./strategy.ts";
import type { Hex } from "./address.ts";

/** The next step for one claim. */
export type ClaimStep =
  /** Apply a claim-machine trigger (no transaction). */
  | { readonly kind: "trigger"; readonly trigger: "start_challenge" | "ignore" }
  /** Send `FillManager.invalidateFill` for the claim's fill id, then apply `start_challenge`. */
  | { readonly kind: "invalidate" }
  /** Send `withdraw(claimId)`. */
  | { readonly kind: "withdraw"; readonly as: "claimer" | "challenger" }
  /** Relay the proof transaction through L1. */
  | { readonly kind: "resolve"; readonly proof: "fill" | "invalidation"; readonly txHash: Hex }
  /** Send `challengeClaim(claimId)` with `stake` wei. */
  | { readonly kind: "challenge"; readonly stake: bigint }
  /** The claim is finished: forget it. */
  | { readonly kind: "drop" }
  /** Nothing to do now; `reason` says what is awaited. */
  | { readonly kind: "wait"; readonly reason: string };

/**
 * Decides the next step for a claim, in this order: ignored claims rest; a started claim is
 * invalidated if it looks false (after the back-off) and then started; withdrawn claims are
 * dropped; an L1-invalidated claim may be withdrawn from; an honest claim of another LP is
 * ignored; a pending transaction is awaited; otherwise withdraw if we can, else escalate to L1
 * when the threshold is reached, else challenge (or defend).
 *
 * @example
 * ```ts
 * const step = nextClaimStep(view);
 * if (step.kind === "challenge") send(challengeClaim(claimId), step.stake);
 * ```
 */
export function nextClaimStep(view: ClaimDecisionView): ClaimStep {
  switch (view.state) {
    case "ignored":
      return { kind: "wait", reason: "ignored" };
    case "withdrawn":
      return { kind: "drop" };
    case "started": {
      const d = invalidationDecision(view);
      if (d.act) return { kind: "invalidate" };
      if (d.reason === "back_off" || d.reason === "stale_view") {
        return { kind: "wait", reason: `invalidation: ${d.reason}` };
      }
      return { kind: "trigger", trigger: "start_challenge" };
    }
    case "invalidated_l1_resolved": {
      const w = withdrawDecision(view);
      return w.act
        ? { kind: "withdraw", as: w.as }
        : { kind: "wait", reason: `withdraw: ${w.reason}` };
    }
    case "claimer_winning":
    case "challenger_winning":
      break;
  }
  if (isHonestClaimOfOther(view)) return { kind: "trigger", trigger: "ignore" };
  if (view.transactionPending) return { kind: "wait", reason: "transaction_pending" };
  const w = withdrawDecision(view);
  if (w.act) return { kind: "withdraw", as: w.as };
  if (l1ThresholdReached(view)) {
    const r = resolutionDecision(view);
    if (r.act) return { kind: "resolve", proof: r.proof, txHash: r.txHash };
    return { kind: "wait", reason: `withdraw: ${w.reason}; resolve: ${r.reason}` };
  }
  const c = challengeDecision(view);
  if (c.act) return { kind: "challenge", stake: c.stake };
  return { kind: "wait", reason: `withdraw: ${w.reason}; challenge: ${c.reason}` };
}
