/**
 * The request state machine of the agent (one per transfer request it follows).
 *
 * The table is the request graph of the Beamer agent documentation, plus three transitions the
 * reference agent's code has and the documentation's graph leaves out. Each addition is needed
 * for a behaviour the agent must have; each is listed in {@link requestTableAdditions} with the
 * reason, and `docs/FSM.md` renders both. Transitions the code has that we leave out are listed
 * in {@link requestTableOmissions}.
 *
 * @module
 */

import { applyTransition, type TransitionResult, type TransitionTable } from "./table.ts";

/** Every state a request can be in, in the order the docs list them. */
export const requestStates = [
  "pending",
  "filled",
  "claimed",
  "l1_resolved",
  "withdrawn",
  "ignored",
] as const;

/** A request's state: `pending` until filled, then claimed/resolved/withdrawn, or ignored. */
export type RequestState = typeof requestStates[number];

/** Every trigger the request machine knows. */
export const requestTriggers = [
  "fill",
  "try_to_fill",
  "try_to_claim",
  "withdraw",
  "ignore",
  "l1_resolve",
] as const;

/**
 * What moves a request: `fill` (a RequestFilled event, by anyone), `try_to_fill` (our fill tx
 * mined), `try_to_claim` (our claim tx mined or our ClaimMade seen), `withdraw`
 * (DepositWithdrawn), `ignore` (we will not act on it), `l1_resolve` (RequestResolved).
 */
export type RequestTrigger = typeof requestTriggers[number];

/**
 * The request transition table.
 *
 * Rows follow the documentation graph; the three additions are marked `// +`.
 */
export const requestTransitions = {
  pending: { fill: "filled", try_to_fill: "filled", ignore: "ignored" },
  filled: {
    fill: "filled", // + records the filler once our own fill's event arrives after try_to_fill
    try_to_claim: "claimed",
    withdraw: "withdrawn",
    ignore: "ignored",
    l1_resolve: "l1_resolved",
  },
  claimed: {
    fill: "claimed", // + our claim may be sent from the fill receipt before the event is read
    withdraw: "withdrawn",
    l1_resolve: "l1_resolved",
  },
  l1_resolved: { withdraw: "withdrawn", l1_resolve: "l1_resolved" },
  withdrawn: { l1_resolve: "withdrawn" },
  ignored: {
    fill: "filled", // + another LP's fill must be known, or its honest claim looks false
    withdraw: "withdrawn",
    l1_resolve: "ignored",
  },
} as const satisfies TransitionTable<RequestState, RequestTrigger>;

/**
 * Transitions in {@link requestTransitions} that are not in the documentation graph, with why
 * they are there. Keyed `"<from> --<trigger>-->"`.
 */
export const requestTableAdditions: Readonly<Record<string, string>> = {
  "filled --fill-->":
    "The documentation's prose says a RequestFilled event in `filled` updates the request. After " +
    "`try_to_fill` (our own fill mined) the filler and fill id are only known once the event is " +
    "read, and the claim needs both; without this the event could never be applied.",
  "claimed --fill-->":
    "Our claim can be made from the fill transaction's receipt (the fill id is the parent hash " +
    "of its block) before the target chain's RequestFilled is read; the event must still record " +
    "the filler and the fill timestamp that proof finality is measured from.",
  "ignored --fill-->":
    "A request we ignored (unsafe, expired for us, no balance) can still be filled by another " +
    "LP. Unless that fill is recorded, the other LP's honest claim does not match our view of " +
    "the fill and would be invalidated and challenged.",
};

/**
 * Notable transitions the table does not have (neither the graph nor the reference code has
 * them), with why refusing them is safe: the event then carries nothing a decision needs.
 */
export const requestTableOmissions: Readonly<Record<string, string>> = {
  "l1_resolved --fill-->":
    "L1 resolution already names the true filler and fill id, and no challenge is possible after it, so a later RequestFilled adds nothing.",
  "withdrawn --fill-->":
    "The reference agent drops fill events for withdrawn requests before the state machine; " +
    "after DepositWithdrawn no decision depends on the fill.",
};

/**
 * Applies `trigger` to a request in `state`.
 *
 * @example
 * ```ts
 * applyRequest("pending", "ignore");   // { ok: true, state: "ignored" }
 * applyRequest("withdrawn", "ignore"); // { ok: false, state: "withdrawn", reason: "..." }
 * ```
 */
export function applyRequest(
  state: RequestState,
  trigger: RequestTrigger,
): TransitionResult<RequestState> {
  return applyTransition("request", requestTransitions, state, trigger);
}
