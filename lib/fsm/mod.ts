/**
 * The protocol core: the request and claim state machines as data, their guards, the claim
 * game and payout model of the RequestManager, and the agent's decision rules. Everything here
 * is pure and synchronous; callers bring the view (config, chain reads, clock readings).
 *
 * @example
 * ```ts
 * import { applyRequest, canFill, nextClaimStep } from "../lib/fsm/mod.ts";
 * const fill = canFill(view);
 * if (!fill.ok && fill.final) state = applyRequest(state, "ignore").state;
 * ```
 *
 * @module
 */

export * from "./address.ts";
export * from "./table.ts";
export * from "./request.ts";
export * from "./claim.ts";
export * from "./request_guards.ts";
export * from "./game.ts";
export * from "./payout.ts";
export * from "./strategy.ts";
export * from "./claim_step.ts";
export { renderTransitionTable } from "./render.ts";
export { fsmDocSections, regenerateFsmDoc, staleFsmDocSections } from "./doc.ts";
