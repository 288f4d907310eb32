/**
 * The agent's decisions on one claim: invalidate it, challenge (or defend) it, escalate to L1,
 * withdraw from it. Pure rules over an explicit {@link ClaimDecisionView}; the reference
 * agent's rules, plus a freshness guard (never act on a stale view of a chain the decision
 * reads). Every refusal carries a reason the agent logs and reports.
 *
 * Times: `wallClock`, `challengeBackOffUntil` and fill/invalidation timestamps are Unix seconds
 * compared on the local wall clock, as the reference agent does; `sourceChainTime` and the
 * claim's `termination` are source-chain time.
 *
 * @module
 */

import { type Address, type Hex, sameAddress, sameHash } from "./address.ts";
import type { ClaimState } from "./claim.ts";
import {
  challengerStakeOf,
  type ClaimGame,
  isWinning,
  leadingSide,
  minimumMoveStake,
} from "./game.ts";

/** What the agent knows when it decides about one claim. */
export interface ClaimDecisionView {
  /** The agent's address. */
  readonly agent: Address;
  /** The claim's state in the agent's claim machine. */
  readonly state: ClaimState;
  /** The claim's game as rebuilt from its ClaimMade events. */
  readonly game: ClaimGame;
  /** `RequestManager.claimStake()`. */
  readonly claimStake: bigint;
  /** Estimated cost of an L1 resolution in wei (see {@link l1CostFromGasPrice}). */
  readonly l1Cost: bigint;
  /**
   * The fill of the claim's request as seen on the target chain (by anyone), or our own fill
   * as known from its receipt before the event is read; absent when no fill is known.
   */
  readonly fill?: {
    readonly filler: Address;
    readonly fillId: Hex;
    readonly txHash: Hex;
    /** Block timestamp of the fill, or the proof timestamp once the proof was posted. */
    readonly timestamp: number;
  };
  /** A FillInvalidated for the claim's fill id, if seen on the target chain. */
  readonly invalidation?: { readonly txHash: Hex; readonly timestamp: number };
  /** RequestResolved for the claim's request, if seen on the source chain. */
  readonly l1Resolution?: { readonly filler: Address; readonly fillId: Hex };
  /** `chains[targetChainId].finalityPeriod`, seconds. */
  readonly targetFinalityPeriod: number;
  /** Latest read source-chain block timestamp. */
  readonly sourceChainTime: number;
  /** Latest read target-chain block timestamp (0 when unknown). */
  readonly targetChainTime?: number;
  /** Local wall clock, seconds. */
  readonly wallClock: number;
  /** Wall-clock time before which the claim is not acted against ({@link challengeBackOff}). */
  readonly challengeBackOffUntil: number;
  /** A challenge or withdrawal of ours for this claim is not yet reflected in events. */
  readonly transactionPending: boolean;
  /** An L1 relay of this claim's proof is already running. */
  readonly resolutionInFlight?: boolean;
  /** Our own withdrawal of this claim was seen (ClaimStakeWithdrawn to us). */
  readonly withdrawnByUs?: boolean;
  /** Whether each chain was read recently and its RPC answers. */
  readonly fresh: { readonly source: boolean; readonly target: boolean };
}

/**
 * The claim-machine state a game's lead corresponds to. After a ClaimMade the agent applies
 * `challenge` only when this differs from the machine's state (every legal move flips the lead,
 * so a ClaimMade that does not is a duplicate).
 */
export function contestedStateOf(game: ClaimGame): "claimer_winning" | "challenger_winning" {
  return leadingSide(game) === "claimer" ? "claimer_winning" : "challenger_winning";
}

/** `int(1_000_000 * gasPrice * 1.25)`: the reference agent's L1 resolution cost estimate. */
export function l1CostFromGasPrice(l1GasPrice: bigint): bigint {
  return l1GasPrice * 1_250_000n;
}

/** Back-off for a new claim: now, plus `fillWaitTime` if no fill was seen yet. */
export function challengeBackOff(
  wallClock: number,
  fillSeen: boolean,
  fillWaitTime: number,
): number {
  return fillSeen ? wallClock : wallClock + fillWaitTime;
}

/** Whether the claim names the filler and fill id of the fill the agent saw. */
export function claimMatchesFill(view: ClaimDecisionView): boolean {
  return view.fill !== undefined && sameAddress(view.game.claimer, view.fill.filler) &&
    sameHash(view.game.fillId, view.fill.fillId);
}

/** A claim that matches a fill by another LP: honest, and none of our business. */
export function isHonestClaimOfOther(view: ClaimDecisionView): boolean {
  return claimMatchesFill(view) && !sameAddress(view.fill?.filler, view.agent);
}

/** The proof a challenge relies on: the fill if one was seen, else the claim's invalidation. */
export function proofOf(
  view: ClaimDecisionView,
): { kind: "fill" | "invalidation"; txHash: Hex; timestamp: number } | undefined {
  if (view.fill) return { kind: "fill", txHash: view.fill.txHash, timestamp: view.fill.timestamp };
  if (view.invalidation) return { kind: "invalidation", ...view.invalidation };
  return undefined;
}

/**
 * Whether a proof timestamp is final: past it by more than the finality period, on the wall clock
 * or on the target chain's own clock (the chain's clock is what its finality is measured in; the
 * two agree on live chains, and a test chain whose time was moved forward stays usable).
 */
export function proofIsFinal(view: ClaimDecisionView, timestamp: number): boolean {
  const now = Math.max(view.wallClock, view.targetChainTime ?? 0);
  return now > timestamp + view.targetFinalityPeriod;
}

/**
 * What reaching L1 would earn us: as claimer all challenger stakes; as challenger our stake,
 * less what the last challenger overshot (or plus the claimer's lead it did not cover).
 */
export function l1Reward(view: ClaimDecisionView): bigint {
  const g = view.game;
  if (sameAddress(g.claimer, view.agent)) return g.challengerStakeTotal;
  const own = challengerStakeOf(g, view.agent);
  if (own === 0n) return 0n;
  return sameAddress(g.lastChallenger, view.agent)
    ? own - (g.challengerStakeTotal - g.claimerStake)
    : own;
}

/** Whether escalating to L1 pays: `reward > l1Cost`. */
export function l1ThresholdReached(view: ClaimDecisionView): boolean {
  return l1Reward(view) > view.l1Cost;
}

/**
 * Stake for our next move: the minimum for the side to move; from the second move of the game
 * on at least `claimStake + l1Cost − ownChallengerStake`, so the opponent must put in more than
 * an L1 resolution costs to continue. (As claimer our challenger stake is 0.)
 */
export function challengeStake(view: ClaimDecisionView): bigint {
  const g = view.game;
  const minimum = minimumMoveStake(g, view.claimStake);
  if (g.challengerStakeTotal === 0n) return minimum;
  const sized = view.claimStake + view.l1Cost - challengerStakeOf(g, view.agent);
  return sized > minimum ? sized : minimum;
}

/** A decision to act, or a reason not to. */
export type Decision<T extends object, R extends string> =
  | ({ readonly act: true } & T)
  | { readonly act: false; readonly reason: R };

const decline = <R extends string>(reason: R) => ({ act: false, reason }) as const;

const inGame = (s: ClaimState) => s === "claimer_winning" || s === "challenger_winning";

/** Why the agent does not invalidate a claim. */
export type InvalidationRefusal =
  | "not_started"
  | "own_claim"
  | "stale_view"
  | "claim_matches_fill"
  | "fill_id_is_real"
  | "request_l1_resolved"
  | "already_invalidated"
  | "back_off";

/**
 * For a claim still `started`: send a non-fill proof (`FillManager.invalidateFill`) when the
 * claim's fill id is not the fill we saw (or we saw none), once the back-off has passed. Never
 * for a fill id that is a real fill: that call reverts `"Fill valid"`, and such a claim is
 * false only by its claimer, which L1 resolution of the real fill proves. Never against our
 * own claim.
 */
export function invalidationDecision(
  view: ClaimDecisionView,
): Decision<Record<never, never>, InvalidationRefusal> {
  if (view.state !== "started") return decline("not_started");
  // our claim may be made from our fill's receipt before its RequestFilled is read
  if (sameAddress(view.game.claimer, view.agent)) return decline("own_claim");
  if (!view.fresh.source || !view.fresh.target) return decline("stale_view");
  if (claimMatchesFill(view)) return decline("claim_matches_fill");
  if (view.fill && sameHash(view.fill.fillId, view.game.fillId)) return decline("fill_id_is_real");
  if (view.l1Resolution) return decline("request_l1_resolved");
  if (view.invalidation) return decline("already_invalidated");
  if (view.wallClock < view.challengeBackOffUntil) return decline("back_off");
  return { act: true };
}

/** Why the agent does not challenge (or defend) a claim now. */
export type ChallengeRefusal =
  | "not_in_game"
  | "stale_view"
  | "honest_claim"
  | "transaction_pending"
  | "request_l1_resolved"
  | "l1_threshold_reached"
  | "no_proof"
  | "proof_not_final"
  | "claim_terminated"
  | "back_off"
  | "already_winning"
  | "challengers_lead"
  | "joins_only_unfilled";

/**
 * Whether to send `challengeClaim` now, and with what stake. Covers both challenger moves and
 * our defence of our own claim (a claimer move is the same call).
 *
 * Never while we lead (so never against our own leading claim), never against an honest claim
 * of another LP, never before the proof (the fill we saw, else the invalidation) is final,
 * never after termination or L1 resolution, never on a stale view, not before the back-off.
 * A third party joins only while the claimer leads, and joins an already challenged claim only
 * when no fill was seen. Once the L1 threshold is reached, the answer is L1, not more stake.
 */
export function challengeDecision(
  view: ClaimDecisionView,
): Decision<{ readonly stake: bigint }, ChallengeRefusal> {
  const g = view.game;
  if (!inGame(view.state)) return decline("not_in_game");
  if (!view.fresh.source || !view.fresh.target) return decline("stale_view");
  if (isHonestClaimOfOther(view)) return decline("honest_claim");
  if (view.transactionPending) return decline("transaction_pending");
  if (view.l1Resolution) return decline("request_l1_resolved");
  if (l1ThresholdReached(view)) return decline("l1_threshold_reached");
  const proof = proofOf(view);
  if (!proof) return decline("no_proof");
  if (!proofIsFinal(view, proof.timestamp)) return decline("proof_not_final");
  if (view.sourceChainTime >= g.termination) return decline("claim_terminated");
  if (view.wallClock < view.challengeBackOffUntil) return decline("back_off");
  if (isWinning(g, view.agent)) return decline("already_winning");
  const isClaimer = sameAddress(g.claimer, view.agent);
  if (!isClaimer && challengerStakeOf(g, view.agent) === 0n) {
    if (leadingSide(g) !== "claimer") return decline("challengers_lead");
    if (view.fill && g.challengerStakeTotal > 0n) return decline("joins_only_unfilled");
  }
  return { act: true, stake: challengeStake(view) };
}

/** Why the agent does not start an L1 resolution now. */
export type ResolutionRefusal =
  | "not_in_game"
  | "stale_view"
  | "honest_claim"
  | "transaction_pending"
  | "below_l1_threshold"
  | "no_proof"
  | "already_l1_resolved"
  | "resolution_in_flight"
  | "proof_not_final";

/**
 * Whether to relay the claim's proof through L1 now: the fill's proof (RequestResolved) if a
 * fill was seen, else the claim's non-fill proof (FillInvalidatedResolved). Only once the L1
 * threshold is reached, the proof is final, no relay for it is running and its result is not
 * already known.
 */
export function resolutionDecision(
  view: ClaimDecisionView,
): Decision<{ readonly proof: "fill" | "invalidation"; readonly txHash: Hex }, ResolutionRefusal> {
  if (!inGame(view.state)) return decline("not_in_game");
  if (!view.fresh.source || !view.fresh.target) return decline("stale_view");
  if (isHonestClaimOfOther(view)) return decline("honest_claim");
  if (view.transactionPending) return decline("transaction_pending");
  if (!l1ThresholdReached(view)) return decline("below_l1_threshold");
  const proof = proofOf(view);
  if (!proof) return decline("no_proof");
  if (proof.kind === "fill" && view.l1Resolution) return decline("already_l1_resolved");
  if (view.resolutionInFlight) return decline("resolution_in_flight");
  if (!proofIsFinal(view, proof.timestamp)) return decline("proof_not_final");
  return { act: true, proof: proof.kind, txHash: proof.txHash };
}

/** Why the agent does not withdraw from a claim now. */
export type WithdrawRefusal =
  | "not_in_game"
  | "stale_view"
  | "transaction_pending"
  | "already_withdrawn"
  | "resolved_against_us"
  | "invalidated_not_challenger"
  | "claim_not_terminated"
  | "not_winning";

/**
 * Whether to call `withdraw(claimId)` now, and in which role. After L1 resolution: as claimer
 * when the resolution names us and our fill id, as challenger when it contradicts the claim.
 * After L1 invalidation: only as challenger. Otherwise from termination on (source chain time),
 * when we are among the winning addresses.
 */
export function withdrawDecision(
  view: ClaimDecisionView,
): Decision<{ readonly as: "claimer" | "challenger" }, WithdrawRefusal> {
  const g = view.game;
  const invalidated = view.state === "invalidated_l1_resolved";
  if (!inGame(view.state) && !invalidated) return decline("not_in_game");
  if (!view.fresh.source) return decline("stale_view");
  if (view.withdrawnByUs) return decline("already_withdrawn");
  if (view.transactionPending) return decline("transaction_pending");
  const isClaimer = sameAddress(g.claimer, view.agent);
  const hasStake = challengerStakeOf(g, view.agent) > 0n;
  const resolved = view.l1Resolution;
  if (resolved) {
    const claimValid = sameAddress(resolved.filler, g.claimer) &&
      sameHash(resolved.fillId, g.fillId);
    if (isClaimer && claimValid) return { act: true, as: "claimer" };
    if (hasStake && !claimValid) return { act: true, as: "challenger" };
    return decline("resolved_against_us");
  }
  if (invalidated) {
    return hasStake ? { act: true, as: "challenger" } : decline("invalidated_not_challenger");
  }
  if (view.sourceChainTime < g.termination) return decline("claim_not_terminated");
  if (!isWinning(g, view.agent)) return decline("not_winning");
  return { act: true, as: isClaimer ? "claimer" : "challenger" };
}

/**
 * Whether a ClaimStakeWithdrawn paying `recipient` ends our interest in the claim (so the
 * claim may take `withdraw`): when it paid us, or paid the claimer (a valid claim pays
 * everything at once), or we hold no challenger stake. Unlike the reference agent, another
 * challenger's withdrawal does not end it while our own share is still to collect.
 */
export function withdrawalEndsOurInterest(view: ClaimDecisionView, recipient: Address): boolean {
  return sameAddress(recipient, view.agent) || sameAddress(recipient, view.game.claimer) ||
    challengerStakeOf(view.game, view.agent) === 0n;
}
