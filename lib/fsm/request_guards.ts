/**
 * Guards of the request machine: may we fill this pending request, may we claim this filled
 * one. Pure functions over an explicit view the caller assembles from config and chain reads.
 *
 * A refusal says whether it is `final` (the request should take the `ignore` trigger: it can
 * never become acceptable) or temporary (skip for now, look again later: balances can be topped
 * up, views refreshed).
 *
 * @module
 */

import { type Address, type Hex, sameAddress } from "./address.ts";

/** The largest uint256: the "-1" (unlimited) allowance of the reference configuration. */
export const MAX_UINT256: bigint = (1n << 256n) - 1n;

/** Everything the fill decision reads. Times are Unix seconds; amounts in token base units. */
export interface FillView {
  /** The request's source and target chains are both configured for this agent. */
  readonly chainsConfigured: boolean;
  /** The (source token, target token) pair is in one configured token class. */
  readonly tokenConfigured: boolean;
  /** The agent is in `allowedLps` of the source RequestManager and the target FillManager. */
  readonly lpWhitelisted: boolean;
  /** The source and target chains were read recently and their RPCs answer. */
  readonly viewFresh: boolean;
  /** The request's `validUntil`. */
  readonly validUntil: number;
  /** Latest read target-chain block timestamp. */
  readonly targetChainTime: number;
  /** Latest read source-chain block timestamp (the clock `validUntil` is set in), if known. */
  readonly sourceChainTime?: number;
  /** Local wall clock, seconds. */
  readonly wallClock: number;
  /** Configured unsafe fill time, seconds. */
  readonly unsafeFillTime: number;
  /** The amount to deliver. */
  readonly amount: bigint;
  /** The request's stored LP fee (source token units). */
  readonly lpFee: bigint;
  /** LP policy: least LP fee worth filling for (source token units); absent = any. */
  readonly minLpFee?: bigint;
  /** LP policy: largest amount to fill for this token; absent = no limit. */
  readonly maxAmount?: bigint;
  /** The agent's target-token balance. */
  readonly tokenBalance: bigint;
  /** LP policy: target-token balance always kept back. */
  readonly reserve: bigint;
  /** The agent's native balance on the source chain (it must afford the claim later). */
  readonly sourceNativeBalance: bigint;
  /** Configured minimum native balance on the source chain. */
  readonly minSourceBalance: bigint;
  /** Configured allowance: absent = the request amount, `"max"` = unlimited, else exact. */
  readonly configuredAllowance?: bigint | "max";
  /** Current on-chain `allowance(agent, FillManager)` of the target token. */
  readonly currentAllowance: bigint;
}

/** Why the agent will not fill (now or ever). */
export type FillRefusal =
  | "chain_not_configured"
  | "token_not_configured"
  | "lp_not_whitelisted"
  | "amount_above_max"
  | "fee_below_min"
  | "expired"
  | "unsafe"
  | "stale_view"
  | "insufficient_source_balance"
  | "insufficient_balance"
  | "allowance_below_amount";

/** The fill decision: go (approving first if needed), or a refusal with its finality. */
export type FillDecision =
  | { readonly ok: true; readonly approve?: bigint }
  | { readonly ok: false; readonly reason: FillRefusal; readonly final: boolean };

const finalRefusal = (reason: FillRefusal): FillDecision => ({ ok: false, reason, final: true });
const laterRefusal = (reason: FillRefusal): FillDecision => ({ ok: false, reason, final: false });

/**
 * Decides whether to fill a pending request.
 *
 * Order: configuration and policy (final), expiry by target chain time and the unsafe window
 * by wall clock (final: the request takes `ignore`), then the view's freshness, balances and
 * allowance (temporary). Expiry comes before the unsafe window, unlike the reference agent,
 * only so the logged reason is the more precise one; both lead to `ignore`.
 *
 * @example
 * ```ts
 * const d = canFill(view);
 * if (!d.ok && d.final) applyRequest("pending", "ignore");
 * ```
 */
export function canFill(view: FillView): FillDecision {
  if (!view.chainsConfigured) return finalRefusal("chain_not_configured");
  if (!view.tokenConfigured) return finalRefusal("token_not_configured");
  if (!view.lpWhitelisted) return finalRefusal("lp_not_whitelisted");
  if (view.maxAmount !== undefined && view.amount > view.maxAmount) {
    return finalRefusal("amount_above_max");
  }
  if (view.minLpFee !== undefined && view.lpFee < view.minLpFee) {
    return finalRefusal("fee_below_min");
  }
  if (view.targetChainTime >= view.validUntil) return finalRefusal("expired");
  // The latest of the clocks: a chain whose time runs ahead of ours must never make a fill look
  // safer than it is.
  const now = Math.max(view.wallClock, view.targetChainTime, view.sourceChainTime ?? 0);
  if (now >= view.validUntil - view.unsafeFillTime) return finalRefusal("unsafe");
  if (!view.viewFresh) return laterRefusal("stale_view");
  if (view.sourceNativeBalance < view.minSourceBalance) {
    return laterRefusal("insufficient_source_balance");
  }
  if (view.tokenBalance - view.reserve < view.amount) return laterRefusal("insufficient_balance");
  const allowance = view.configuredAllowance === undefined
    ? view.amount
    : view.configuredAllowance === "max"
    ? MAX_UINT256
    : view.configuredAllowance;
  if (allowance < view.amount) return laterRefusal("allowance_below_amount");
  return view.currentAllowance < view.amount ? { ok: true, approve: allowance } : { ok: true };
}

/** Everything the claim decision reads. Times are Unix seconds; amounts in wei. */
export interface ClaimView {
  /** The agent's address. */
  readonly agent: Address;
  /** Filler of the request as the agent knows it (from RequestFilled or its own receipt). */
  readonly filler?: Address;
  /** The fill id the claim will quote. */
  readonly fillId?: Hex;
  /** The request's `validUntil`. */
  readonly validUntil: number;
  /** `RequestManager.claimRequestExtension()`. */
  readonly claimRequestExtension: number;
  /** Latest read source-chain block timestamp. */
  readonly sourceChainTime: number;
  /** The deposit was already paid out or refunded (DepositWithdrawn seen). */
  readonly depositWithdrawn: boolean;
  /** The source chain was read recently and its RPC answers. */
  readonly viewFresh: boolean;
  /** The agent's native balance on the source chain. */
  readonly nativeBalance: bigint;
  /** `RequestManager.claimStake()`. */
  readonly claimStake: bigint;
}

/** Why the agent will not claim (now or ever). */
export type ClaimRefusal =
  | "fill_not_seen"
  | "not_our_fill"
  | "no_fill_id"
  | "claim_window_closed"
  | "deposit_withdrawn"
  | "stale_view"
  | "insufficient_stake_balance";

/** The claim decision. */
export type ClaimDecision =
  | { readonly ok: true; readonly fillId: Hex }
  | { readonly ok: false; readonly reason: ClaimRefusal; readonly final: boolean };

/**
 * Decides whether to claim a filled request: only our own fill, only while the source chain's
 * time is before `validUntil + claimRequestExtension` (afterwards the request takes `ignore`),
 * only while the deposit is there, on a fresh view, with the stake at hand.
 */
export function canClaim(view: ClaimView): ClaimDecision {
  if (view.filler === undefined) return { ok: false, reason: "fill_not_seen", final: false };
  if (!sameAddress(view.filler, view.agent)) {
    return { ok: false, reason: "not_our_fill", final: true };
  }
  if (view.fillId === undefined) return { ok: false, reason: "no_fill_id", final: false };
  if (view.sourceChainTime >= view.validUntil + view.claimRequestExtension) {
    return { ok: false, reason: "claim_window_closed", final: true };
  }
  if (view.depositWithdrawn) return { ok: false, reason: "deposit_withdrawn", final: true };
  if (!view.viewFresh) return { ok: false, reason: "stale_view", final: false };
  if (view.nativeBalance < view.claimStake) {
    return { ok: false, reason: "insufficient_stake_balance", final: false };
  }
  return { ok: true, fillId: view.fillId };
}
