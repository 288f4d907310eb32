import assert from "node:assert/strict";
import {
  challengeBackOff,
  challengeDecision,
  challengeStake,
  type ClaimDecisionView,
  type ClaimGame,
  contestedStateOf,
  invalidationDecision,
  l1CostFromGasPrice,
  l1Reward,
  l1ThresholdReached,
  resolutionDecision,
  withdrawalEndsOurInterest,
} from "../../lib/fsm/mod.ts";
import { agent, alice, baseView, bob, fakeFillId, hash, otherLp, realFillId } from "./fixtures.ts";

const game = (over: Partial<ClaimGame>): ClaimGame => ({ ...baseView().game, ...over });
const ourFill = { filler: agent, fillId: realFillId, txHash: hash(0xf1), timestamp: 1_000 };
const otherFill = { filler: otherLp, fillId: realFillId, txHash: hash(0xf2), timestamp: 1_000 };

/** Our own honest claim, challenged by Alice with `aliceStake`. */
function ownClaimChallenged(aliceStake: bigint, over: Partial<ClaimDecisionView> = {}) {
  return baseView({
    state: "challenger_winning",
    fill: ourFill,
    invalidation: undefined,
    game: game({
      claimer: agent,
      fillId: realFillId,
      challengerStakes: { [alice]: aliceStake },
      lastChallenger: alice,
      challengerStakeTotal: aliceStake,
    }),
    ...over,
  });
}

Deno.test("the L1 cost estimate is 1.25 million times the L1 gas price", () => {
  assert.equal(l1CostFromGasPrice(1_000_000_000n), 1_250_000_000_000_000n); // 0.00125 ETH at 1 gwei
});

Deno.test("the back-off adds fill_wait_time only when no fill was seen", () => {
  assert.equal(challengeBackOff(500, true, 120), 500);
  assert.equal(challengeBackOff(500, false, 120), 620);
});

Deno.test("the first challenge of a false claim stakes the minimum, claimStake + 1", () => {
  assert.deepEqual(challengeDecision(baseView()), { act: true, stake: 101n });
});

Deno.test("a later challenge stakes claimStake + l1Cost − own stake, never below the minimum", () => {
  const answered = game({
    claimerStake: 210n,
    challengerStakes: { [agent]: 101n },
    lastChallenger: agent,
    challengerStakeTotal: 101n,
  });
  assert.equal(challengeStake(baseView({ game: answered })), 100n + 1_000n - 101n);
  assert.equal(challengeStake(baseView({ game: answered, l1Cost: 5n })), 210n - 101n + 1n);
});

Deno.test("our challenged claim is defended with at least claimStake + l1Cost", () => {
  assert.deepEqual(challengeDecision(ownClaimChallenged(101n)), { act: true, stake: 1_100n });
  // the minimum (950) stays below claimStake + l1Cost as long as the threshold is not reached
  const big = ownClaimChallenged(950n, { l1Cost: 950n });
  assert.deepEqual(challengeDecision(big), { act: true, stake: 1_050n });
});

Deno.test("our own claim is never challenged while it leads", () => {
  const leading = baseView({
    fill: ourFill,
    invalidation: undefined,
    game: game({ claimer: agent, fillId: realFillId }),
  });
  assert.deepEqual(challengeDecision(leading), { act: false, reason: "already_winning" });
});

Deno.test("an honest claim of another LP is never challenged, invalidated or escalated", () => {
  const honest = baseView({
    fill: otherFill,
    invalidation: undefined,
    game: game({ claimer: otherLp, fillId: realFillId }),
  });
  assert.deepEqual(challengeDecision(honest), { act: false, reason: "honest_claim" });
  assert.deepEqual(resolutionDecision(honest), { act: false, reason: "honest_claim" });
  assert.deepEqual(invalidationDecision({ ...honest, state: "started" }), {
    act: false,
    reason: "claim_matches_fill",
  });
});

Deno.test("no challenge before the proof is final, after termination or before the back-off", () => {
  const base = baseView();
  assert.deepEqual(challengeDecision({ ...base, wallClock: 1_200 }), {
    act: false,
    reason: "proof_not_final",
  });
  assert.deepEqual(challengeDecision({ ...base, wallClock: 1_201 }).act, true);
  assert.deepEqual(challengeDecision({ ...base, invalidation: undefined }), {
    act: false,
    reason: "no_proof",
  });
  assert.deepEqual(challengeDecision({ ...base, sourceChainTime: 10_000 }), {
    act: false,
    reason: "claim_terminated",
  });
  assert.deepEqual(challengeDecision({ ...base, challengeBackOffUntil: 5_001 }), {
    act: false,
    reason: "back_off",
  });
});

Deno.test("no challenge on a stale view, with a transaction pending, or after L1 resolution", () => {
  const base = baseView();
  for (const fresh of [{ source: false, target: true }, { source: true, target: false }]) {
    assert.deepEqual(challengeDecision({ ...base, fresh }), { act: false, reason: "stale_view" });
  }
  assert.deepEqual(challengeDecision({ ...base, transactionPending: true }), {
    act: false,
    reason: "transaction_pending",
  });
  assert.deepEqual(
    challengeDecision({ ...base, l1Resolution: { filler: agent, fillId: realFillId } }),
    { act: false, reason: "request_l1_resolved" },
  );
  assert.deepEqual(challengeDecision({ ...base, state: "started" }), {
    act: false,
    reason: "not_in_game",
  });
});

Deno.test("an already challenged false claim is joined only when the request is unfilled", () => {
  const challengedThenAnswered = game({
    claimer: alice,
    claimerStake: 300n,
    challengerStakes: { [bob]: 101n },
    lastChallenger: bob,
    challengerStakeTotal: 101n,
  });
  const unfilled = baseView({ game: challengedThenAnswered });
  assert.deepEqual(challengeDecision(unfilled), { act: true, stake: 1_100n });
  const filled = baseView({ game: challengedThenAnswered, fill: otherFill });
  assert.deepEqual(challengeDecision(filled), { act: false, reason: "joins_only_unfilled" });
  const unchallengedFilled = baseView({ game: game({ claimer: alice }), fill: otherFill });
  assert.deepEqual(challengeDecision(unchallengedFilled), { act: true, stake: 101n });
});

Deno.test("a third party cannot move while the challengers lead", () => {
  const challengersAhead = game({
    challengerStakes: { [bob]: 101n },
    lastChallenger: bob,
    challengerStakeTotal: 101n,
  });
  assert.deepEqual(challengeDecision(baseView({ game: challengersAhead })), {
    act: false,
    reason: "challengers_lead",
  });
});

Deno.test("the L1 threshold: a claimer's reward is all challenger stake, strictly above l1Cost", () => {
  assert.equal(l1ThresholdReached(ownClaimChallenged(1_000n)), false);
  const over = ownClaimChallenged(1_001n);
  assert.equal(l1Reward(over), 1_001n);
  assert.equal(l1ThresholdReached(over), true);
  assert.deepEqual(challengeDecision(over), { act: false, reason: "l1_threshold_reached" });
  assert.deepEqual(resolutionDecision(over), { act: true, proof: "fill", txHash: hash(0xf1) });
});

Deno.test("the L1 threshold: the last challenger's reward is its stake less its overshoot", () => {
  const g = game({
    claimerStake: 1_100n,
    challengerStakes: { [agent]: 1_500n },
    lastChallenger: agent,
    challengerStakeTotal: 1_500n,
  });
  const view = baseView({ state: "challenger_winning", game: g });
  assert.equal(l1Reward(view), 1_100n);
  assert.deepEqual(resolutionDecision(view), {
    act: true,
    proof: "invalidation",
    txHash: hash(0x1e),
  });
  assert.equal(l1Reward(baseView({ game: g, agent: bob })), 0n, "no stake, no reward");
});

Deno.test("L1 resolution waits for proof finality and runs once", () => {
  const view = ownClaimChallenged(2_000n);
  assert.deepEqual(resolutionDecision({ ...view, wallClock: 1_100 }), {
    act: false,
    reason: "proof_not_final",
  });
  assert.deepEqual(resolutionDecision({ ...view, resolutionInFlight: true }), {
    act: false,
    reason: "resolution_in_flight",
  });
  assert.deepEqual(
    resolutionDecision({ ...view, l1Resolution: { filler: agent, fillId: realFillId } }),
    { act: false, reason: "already_l1_resolved" },
  );
  assert.deepEqual(resolutionDecision(ownClaimChallenged(10n)), {
    act: false,
    reason: "below_l1_threshold",
  });
});

Deno.test("a false claim on an unfilled request is invalidated after the back-off", () => {
  const started = baseView({
    state: "started",
    invalidation: undefined,
    challengeBackOffUntil: 5_100,
  });
  assert.deepEqual(invalidationDecision(started), { act: false, reason: "back_off" });
  assert.deepEqual(invalidationDecision({ ...started, wallClock: 5_100 }), { act: true });
  assert.deepEqual(invalidationDecision({ ...started, fresh: { source: true, target: false } }), {
    act: false,
    reason: "stale_view",
  });
  assert.deepEqual(invalidationDecision({ ...started, state: "claimer_winning" }), {
    act: false,
    reason: "not_started",
  });
});

Deno.test("our own claim is never invalidated, even before our fill event is read", () => {
  const view = baseView({
    state: "started",
    invalidation: undefined,
    game: { ...baseView().game, claimer: agent, fillId: realFillId },
  });
  assert.deepEqual(invalidationDecision(view), { act: false, reason: "own_claim" });
});

Deno.test("a claim quoting a real fill id is never invalidated, even by the wrong claimer", () => {
  const view = baseView({
    state: "started",
    invalidation: undefined,
    fill: otherFill,
    game: game({ claimer: alice, fillId: realFillId }),
  });
  assert.deepEqual(invalidationDecision(view), { act: false, reason: "fill_id_is_real" });
  const wrongId = { ...view, game: game({ claimer: alice, fillId: fakeFillId }) };
  assert.deepEqual(invalidationDecision(wrongId), { act: true });
  assert.deepEqual(
    invalidationDecision({ ...wrongId, invalidation: { txHash: hash(1), timestamp: 1 } }),
    { act: false, reason: "already_invalidated" },
  );
  assert.deepEqual(
    invalidationDecision({ ...wrongId, l1Resolution: { filler: otherLp, fillId: realFillId } }),
    { act: false, reason: "request_l1_resolved" },
  );
});

Deno.test("a withdrawal paying another challenger does not end our interest in our share", () => {
  const g = game({
    challengerStakes: { [agent]: 101n, [bob]: 300n },
    lastChallenger: bob,
    challengerStakeTotal: 401n,
  });
  const view = baseView({ game: g });
  assert.equal(withdrawalEndsOurInterest(view, bob), false);
  assert.equal(withdrawalEndsOurInterest(view, agent), true);
  assert.equal(withdrawalEndsOurInterest(view, otherLp), true, "the claimer took the pot");
  assert.equal(withdrawalEndsOurInterest(baseView(), bob), true, "we hold no stake");
});

Deno.test("the contested claim state follows the lead, ties to the challengers", () => {
  assert.equal(contestedStateOf(game({})), "claimer_winning");
  assert.equal(contestedStateOf(game({ challengerStakeTotal: 100n })), "challenger_winning");
  assert.equal(contestedStateOf(game({ challengerStakeTotal: 99n })), "claimer_winning");
});
