/**
 * What a Beamer revert string means for the step that hit it, so a requester turns a `reverted`
 * {@link TxOutcome} into an FSM event instead of retrying blindly. The strings are the contracts'
 * (PROTOCOL.md §2); matching is exact, except OpenZeppelin token errors, matched by prefix.
 *
 * @module
 */

import type { TxOutcome } from "../agent/messages.ts";

/** The kinds of revert a requester acts on. */
export type RevertMeaning =
  /** The effect already exists (someone filled, withdrew, invalidated, resolved first): stop. */
  | "already_done"
  /** Not yet possible (claim period running, request not expired): try again later. */
  | "too_early"
  /** No longer possible (claim window or claim expired): give up this step. */
  | "too_late"
  /** This account may not do it (whitelist, own claim, not eligible to outbid). */
  | "not_allowed"
  /** A non-fill proof for a fill that exists: the fill is valid. */
  | "fill_valid"
  /** Tokens, allowance or stake are short: the operator must act, then it can be retried. */
  | "funds"
  /** The deployment or the ids are wrong (resolver not set, unknown request/claim id). */
  | "setup"
  /** Anything else, including an unreadable reason. */
  | "other";

const EXACT: Record<string, RevertMeaning> = {
  "Already filled": "already_done",
  "Deposit already withdrawn": "already_done",
  "Claim already withdrawn": "already_done",
  "Fill already invalidated": "already_done",
  "Request already resolved": "already_done",
  "Cannot invalidate resolved fills": "already_done",
  "Message is already registered": "already_done",
  "Message has already been relayed": "already_done",
  "Claim period not finished": "too_early",
  "Request not expired yet": "too_early",
  "Active claims running": "too_early",
  "Cannot invalidate fills of current block": "too_early",
  "Message not yet registered": "too_early",
  "Request cannot be claimed anymore": "too_late",
  "Claim expired": "too_late",
  "Not allowed": "not_allowed",
  "Cannot challenge own claim": "not_allowed",
  "Not eligible to outbid": "not_allowed",
  "Challenger has nothing to withdraw": "not_allowed",
  "Fill valid": "fill_valid",
  "Not enough stake provided": "funds",
  "Invalid stake amount": "funds",
  "Failed to send Ether": "funds",
  "Resolver address not set": "setup",
  "requestId not valid": "setup",
  "claimId not valid": "setup",
  "FillId must not be 0x0": "setup",
  "Claimer can't be zero address": "setup",
  "Amount to withdraw too large": "other",
};

/** The meaning of a revert reason (`"Already filled"` → `already_done`). */
export function revertMeaning(reason: string | undefined): RevertMeaning {
  if (reason === undefined) return "other";
  const exact = EXACT[reason.trim()];
  if (exact) return exact;
  if (/^ERC20: (insufficient allowance|transfer amount exceeds (balance|allowance))/.test(reason)) {
    return "funds";
  }
  return "other";
}

/** The meaning of an outcome's revert, or undefined when it did not revert. */
export function outcomeMeaning(outcome: TxOutcome): RevertMeaning | undefined {
  return outcome.status === "reverted" ? revertMeaning(outcome.reason) : undefined;
}
