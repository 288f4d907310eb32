/**
 * The claim state machine of the agent (one per claim on a request it follows).
 *
 * The table is the claim graph of the Beamer agent documentation read with two corrections:
 * the graph's edge label `resolution` is the trigger `l1_invalidate` (the name the reference
 * code uses; no other trigger leads to `invalidated_l1_resolved`), and its edge
 * `claimer_winning -> ignore` is a typo for the state `ignored` (there is no state `ignore`).
 * Five transitions the reference code has are added; each is listed with its reason in
 * {@link claimTableAdditions}, and the notable refusals in {@link claimTableOmissions}.
 *
 * @module
 */

import { applyTransition, type TransitionResult, type TransitionTable } from "./table.ts";

/** Every state a claim can be in, in the order the docs list them. */
export const claimStates = [
  "started",
  "claimer_winning",
  "challenger_winning",
  "invalidated_l1_resolved",
  "ignored",
  "withdrawn",
] as const;

/** A claim's state as the agent sees it. */
export type ClaimState = typeof claimStates[number];

/** Every trigger the claim machine knows. */
export const claimTriggers = [
  "start_challenge",
  "challenge",
  "l1_invalidate",
  "withdraw",
  "ignore",
] as const;

/**
 * What moves a claim: `start_challenge` (the agent looked at a new claim, or a FillInvalidated
 * for its fill id was seen), `challenge` (a later ClaimMade: the lead changed), `l1_invalidate`
 * (FillInvalidatedResolved), `withdraw` (ClaimStakeWithdrawn), `ignore` (an honest claim of
 * another LP: nothing for us to do).
 */
export type ClaimTrigger = typeof claimTriggers[number];

/**
 * The claim transition table.
 *
 * Rows follow the documentation graph (with the two corrections above); additions are marked
 * `// +`.
 */
export const claimTransitions = {
  started: { start_challenge: "claimer_winning", withdraw: "withdrawn" },
  claimer_winning: {
    start_challenge: "claimer_winning", // + records a FillInvalidated seen after the start
    challenge: "challenger_winning",
    l1_invalidate: "invalidated_l1_resolved",
    withdraw: "withdrawn",
    ignore: "ignored",
  },
  challenger_winning: {
    start_challenge: "challenger_winning", // + records a FillInvalidated seen after the start
    challenge: "claimer_winning",
    l1_invalidate: "invalidated_l1_resolved",
    withdraw: "withdrawn",
    ignore: "ignored",
  },
  invalidated_l1_resolved: {
    start_challenge: "invalidated_l1_resolved", // + a late FillInvalidated (target chain lags)
    withdraw: "withdrawn", // + without it an invalidated claim could never end
  },
  ignored: { challenge: "ignored", withdraw: "withdrawn", ignore: "ignored" },
  withdrawn: {
    start_challenge: "withdrawn",
    l1_invalidate: "withdrawn",
    withdraw: "withdrawn", // + one ClaimStakeWithdrawn per winning challenger
    ignore: "withdrawn",
  },
} as const satisfies TransitionTable<ClaimState, ClaimTrigger>;

/**
 * Transitions in {@link claimTransitions} that are not in the documentation graph, with why
 * they are there. Keyed `"<from> --<trigger>-->"`.
 */
export const claimTableAdditions: Readonly<Record<string, string>> = {
  "claimer_winning --start_challenge-->":
    "A FillInvalidated event for the claim's fill id (often our own non-fill proof, sent just " +
    "before the claim left `started`) arrives after the claim started. Its timestamp is the " +
    "proof timestamp a challenge of an unfilled request waits on; without this self-loop the " +
    "agent would never challenge a false claim on an unfilled request.",
  "challenger_winning --start_challenge-->": "Same as for `claimer_winning`.",
  "invalidated_l1_resolved --start_challenge-->":
    "The source chain can report the L1 invalidation before the target chain's FillInvalidated " +
    "is read; the late event only records the invalidation transaction.",
  "invalidated_l1_resolved --withdraw-->":
    "The agent withdraws its challenger share after an L1 invalidation; the resulting " +
    "ClaimStakeWithdrawn must end the claim. The graph has no edge out of this state.",
  "withdrawn --withdraw-->":
    "Every winning challenger withdraws separately, so one claim can emit several " +
    "ClaimStakeWithdrawn events; the later ones are expected, not errors.",
};

/**
 * Notable transitions the table does not have, with why refusing them is safe. The actor
 * keeps or records such events as noted.
 */
export const claimTableOmissions: Readonly<Record<string, string>> = {
  "started --challenge-->":
    "A ClaimMade for a claim still in `started` is kept and applied after `start_challenge`.",
  "started --l1_invalidate-->":
    "Recorded on the request as an L1-invalid fill id; `start_challenge` then `l1_invalidate` " +
    "are applied when the claim is looked at.",
  "invalidated_l1_resolved --l1_invalidate-->":
    "The contract refuses a second invalidation of the same fill id, so this is a duplicate.",
  "invalidated_l1_resolved --challenge-->":
    "The contract refuses challenges once the fill id is invalidated.",
  "withdrawn --challenge-->":
    "The game is over for us; a challenge of a claim already paid out cannot change that.",
};

/**
 * Applies `trigger` to a claim in `state`.
 *
 * @example
 * ```ts
 * applyClaim("started", "start_challenge"); // { ok: true, state: "claimer_winning" }
 * applyClaim("started", "challenge");       // { ok: false, state: "started", reason: "..." }
 * ```
 */
export function applyClaim(
  state: ClaimState,
  trigger: ClaimTrigger,
): TransitionResult<ClaimState> {
  return applyTransition("claim", claimTransitions, state, trigger);
}
