/**
 * Who wins a claim and what one `withdraw(participant, claimId)` pays, as the RequestManager
 * decides it. An executable model to predict and check on-chain results; no I/O.
 *
 * @module
 */

import { type Address, addressKey, type Hex, sameAddress, sameHash } from "./address.ts";
import { challengerStakeOf, type ClaimGame } from "./game.ts";

/** A claim as stored on chain: its game plus what has been paid out of its pot. */
export interface ClaimRecord extends ClaimGame {
  /** Wei already paid out of this claim (`claimerStake + challengerStakeTotal` when done). */
  readonly withdrawnAmount: bigint;
}

/** Where a request's deposit is: still held, refunded after expiry, or paid to a claim. */
export type DepositState =
  | { readonly kind: "held" }
  | { readonly kind: "refunded" }
  | { readonly kind: "paid"; readonly claimer: Address; readonly fillId: Hex };

/** The request facts claim resolution reads. */
export interface RequestSettlement {
  /** Set by L1 resolution: the true filler and fill id. */
  readonly l1Resolution?: { readonly filler: Address; readonly fillId: Hex };
  /** Fill ids proven not to exist (L1 invalidation). */
  readonly invalidFillIds: readonly Hex[];
  /** The deposit's whereabouts (`withdrawClaimId`). */
  readonly deposit: DepositState;
}

/** Which of the four resolution rules decided a claim. */
export type ResolutionRule = "l1_resolved" | "fill_invalidated" | "deposit_paid" | "stakes";

/** The block a withdrawal happens in and the contract owner (who gets unchallenged false stakes). */
export interface WithdrawContext {
  /** Source-chain block timestamp, Unix s. */
  readonly timestamp: number;
  /** `owner()` of the RequestManager. */
  readonly owner: Address;
}

/** Whether a claim is valid, and by which rule; or the revert of a too-early withdrawal. */
export type ClaimValidity =
  | { readonly ok: true; readonly valid: boolean; readonly rule: ResolutionRule }
  | { readonly ok: false; readonly reason: string };

/**
 * Resolves a claim by the contract's priority: L1 resolution, then invalidated fill id, then a
 * deposit already paid to another claim, then (only from termination on) the stakes, where a
 * tie goes to the challengers.
 */
export function claimValidity(
  claim: ClaimGame,
  request: RequestSettlement,
  timestamp: number,
): ClaimValidity {
  const resolved = request.l1Resolution;
  if (resolved) {
    const valid = sameAddress(resolved.filler, claim.claimer) &&
      sameHash(resolved.fillId, claim.fillId);
    return { ok: true, valid, rule: "l1_resolved" };
  }
  if (request.invalidFillIds.some((id) => sameHash(id, claim.fillId))) {
    return { ok: true, valid: false, rule: "fill_invalidated" };
  }
  const deposit = request.deposit;
  if (deposit.kind === "paid") {
    const valid = sameAddress(deposit.claimer, claim.claimer) &&
      sameHash(deposit.fillId, claim.fillId);
    return { ok: true, valid, rule: "deposit_paid" };
  }
  // an expiry refund compares with an empty claim on chain, which never matches
  if (deposit.kind === "refunded") return { ok: true, valid: false, rule: "deposit_paid" };
  if (timestamp < claim.termination) return { ok: false, reason: "Claim period not finished" };
  return { ok: true, valid: claim.claimerStake > claim.challengerStakeTotal, rule: "stakes" };
}

/** What one withdrawal pays: wei to `recipient`, and whether the deposit goes to the claimer. */
export interface Payout {
  /** Who receives the wei (the claimer, a challenger, or the owner). */
  readonly recipient: Address;
  /** Wei sent to `recipient`. */
  readonly amount: bigint;
  /** True when this call also transfers `amount + lpFee` tokens to the claimer. */
  readonly deposit: boolean;
  /** Whether the claim resolved valid. */
  readonly valid: boolean;
  /** The resolution rule that decided it. */
  readonly rule: ResolutionRule;
}

/** A payout, or the contract's revert string. */
export type PayoutResult =
  | ({ readonly ok: true } & Payout)
  | { readonly ok: false; readonly reason: string };

/**
 * What `withdraw(participant, claimId)` pays.
 *
 * Valid claim: everything to the claimer, whoever calls. Invalid with challengers: the
 * participant gets twice its stake, the last challenger adjusted by the stake difference.
 * Invalid without challengers: the claimer's stake to the owner.
 *
 * @example
 * ```ts
 * // claimStake 100: claim 100, C1 101, claimer +110, C2 111 → C1 gets 202, C2 gets 220
 * claimPayout(claim, request, c2, { timestamp: claim.termination, owner });
 * ```
 */
export function claimPayout(
  claim: ClaimRecord,
  request: RequestSettlement,
  participant: Address,
  at: WithdrawContext,
): PayoutResult {
  const pot = claim.claimerStake + claim.challengerStakeTotal;
  if (claim.withdrawnAmount >= pot) return { ok: false, reason: "Claim already withdrawn" };
  const validity = claimValidity(claim, request, at.timestamp);
  if (!validity.ok) return validity;
  const { valid, rule } = validity;
  // The contract hands over the deposit whenever the stake recipient is the claimer and the
  // deposit is still held; that is the valid case (and, as a quirk, an owner who is the claimer).
  const pay = (recipient: Address, amount: bigint): PayoutResult => ({
    ok: true,
    recipient,
    amount,
    deposit: request.deposit.kind === "held" && sameAddress(recipient, claim.claimer),
    valid,
    rule,
  });
  if (valid) return pay(claim.claimer, pot);
  if (claim.challengerStakeTotal === 0n) return pay(at.owner, claim.claimerStake);
  const own = challengerStakeOf(claim, participant);
  if (own === 0n) return { ok: false, reason: "Challenger has nothing to withdraw" };
  let amount = 2n * own;
  if (sameAddress(participant, claim.lastChallenger)) {
    // the last challenger's stake paid for the claimer's lead, or overshot it
    amount += claim.claimerStake - claim.challengerStakeTotal;
  }
  return pay(participant, amount);
}

/** The claim and request after a withdrawal, with what it paid; or the revert string. */
export type WithdrawResult =
  | {
    readonly ok: true;
    readonly claim: ClaimRecord;
    readonly request: RequestSettlement;
    readonly payout: Payout;
  }
  | { readonly ok: false; readonly reason: string };

/**
 * Models a whole `withdraw` call: the payout plus its effects (the recipient's challenger stake
 * zeroed, `withdrawnAmount` raised, the pot bound checked, the deposit marked paid).
 */
export function withdrawClaim(
  claim: ClaimRecord,
  request: RequestSettlement,
  participant: Address,
  at: WithdrawContext,
): WithdrawResult {
  const result = claimPayout(claim, request, participant, at);
  if (!result.ok) return result;
  const { ok: _ok, ...payout } = result;
  const withdrawnAmount = claim.withdrawnAmount + payout.amount;
  if (withdrawnAmount > claim.claimerStake + claim.challengerStakeTotal) {
    return { ok: false, reason: "Amount to withdraw too large" };
  }
  const key = addressKey(payout.recipient);
  const challengerStakes = challengerStakeOf(claim, key) > 0n
    ? { ...claim.challengerStakes, [key]: 0n }
    : claim.challengerStakes;
  const nextRequest: RequestSettlement = payout.deposit
    ? { ...request, deposit: { kind: "paid", claimer: claim.claimer, fillId: claim.fillId } }
    : request;
  return {
    ok: true,
    claim: { ...claim, challengerStakes, withdrawnAmount },
    request: nextRequest,
    payout,
  };
}
