import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type Address,
  applyClaim,
  applyClaimMade,
  applyMove,
  challengeDecision,
  type ClaimDecisionView,
  type ClaimGame,
  type GameParams,
  isWinning,
  leadingSide,
  minChallengerStake,
  minClaimerStake,
  newClaimGame,
  nextClaimStep,
} from "../../lib/fsm/mod.ts";
import { addr, agent, baseView, fakeFillId, hash, otherLp, realFillId } from "./fixtures.ts";

const params: GameParams = {
  claimStake: 100n,
  challengePeriodExtension: 50,
  targetFinalityPeriod: 200,
};

Deno.test("a false claim on an unfilled request: invalidate, challenge, escalate, withdraw", () => {
  // otherLp claims with a made-up fill id; the agent saw no fill.
  let view: ClaimDecisionView = baseView({
    state: "started",
    invalidation: undefined,
    challengeBackOffUntil: 1_120,
    wallClock: 1_000,
    sourceChainTime: 1_000,
    game: newClaimGame(otherLp, fakeFillId, 100n, 2_000),
  });
  const step = (expected: ReturnType<typeof nextClaimStep>) =>
    assert.deepEqual(nextClaimStep(view), expected);

  step({ kind: "wait", reason: "invalidation: back_off" });
  view = { ...view, wallClock: 1_120 };
  step({ kind: "invalidate" });
  const started = applyClaim(view.state, "start_challenge");
  assert.ok(started.ok);
  view = { ...view, state: started.state };
  step({ kind: "wait", reason: "withdraw: claim_not_terminated; challenge: no_proof" });

  // our FillInvalidated is read: the self-loop records its timestamp
  assert.ok(applyClaim(view.state, "start_challenge").ok);
  view = { ...view, invalidation: { txHash: hash(0x1e), timestamp: 1_121 } };
  step({ kind: "wait", reason: "withdraw: claim_not_terminated; challenge: proof_not_final" });
  view = { ...view, wallClock: 1_322, sourceChainTime: 1_322 };
  step({ kind: "challenge", stake: 101n });

  // our challenge lands, then the claimer answers
  view = play(view, agent, 101n, 1_322);
  view = play(view, otherLp, 110n, 1_330);
  view = { ...view, state: "claimer_winning", wallClock: 1_340, sourceChainTime: 1_340 };
  step({ kind: "challenge", stake: 100n + 1_000n - 101n });

  // our sized challenge lands; the claimer answers with more than the L1 cost
  view = play(view, agent, 999n, 1_341);
  assert.deepEqual(nextClaimStep({ ...view, state: "challenger_winning" }), {
    kind: "wait",
    reason: "withdraw: claim_not_terminated; challenge: already_winning",
  });
  view = play(view, otherLp, 2_000n, 1_350);
  // reward as last challenger: 1100 − (1100 − 2210) = 2210 > l1Cost 1000: go to L1
  step({ kind: "resolve", proof: "invalidation", txHash: hash(0x1e) });
  assert.deepEqual(nextClaimStep({ ...view, resolutionInFlight: true }), {
    kind: "wait",
    reason: "withdraw: claim_not_terminated; resolve: resolution_in_flight",
  });

  // L1 invalidation arrives: withdraw as challenger, before termination
  const inv = applyClaim(view.state, "l1_invalidate");
  assert.ok(inv.ok);
  view = { ...view, state: inv.state };
  step({ kind: "withdraw", as: "challenger" });
  const done = applyClaim(view.state, "withdraw");
  assert.ok(done.ok);
  view = { ...view, state: done.state };
  step({ kind: "drop" });
});

/** Applies a move on chain and the resulting ClaimMade to the view's game. */
function play(view: ClaimDecisionView, sender: Address, value: bigint, timestamp: number) {
  const moved = applyMove(view.game, { sender, value, timestamp }, params);
  if (!moved.ok) throw new Error(moved.reason);
  const seen = applyClaimMade(view.game, moved.game);
  if (!seen.ok) throw new Error(seen.reason);
  return { ...view, game: seen.game, wallClock: timestamp, sourceChainTime: timestamp };
}

Deno.test("an honest claim of another LP is started, then ignored, never acted on", () => {
  let view = baseView({
    state: "started",
    invalidation: undefined,
    fill: { filler: otherLp, fillId: realFillId, txHash: hash(0xf2), timestamp: 1_000 },
    game: newClaimGame(otherLp, realFillId, 100n, 10_000),
  });
  assert.deepEqual(nextClaimStep(view), { kind: "trigger", trigger: "start_challenge" });
  view = { ...view, state: "claimer_winning" };
  assert.deepEqual(nextClaimStep(view), { kind: "trigger", trigger: "ignore" });
  view = { ...view, state: "ignored", sourceChainTime: 20_000 };
  assert.deepEqual(nextClaimStep(view), { kind: "wait", reason: "ignored" });
});

Deno.test("a stale target view never lets a started claim be invalidated or challenged", () => {
  const view = baseView({
    state: "started",
    invalidation: undefined,
    fresh: { source: true, target: false },
  });
  assert.deepEqual(nextClaimStep(view), { kind: "wait", reason: "invalidation: stale_view" });
});

const scenarioArb = fc.record({
  role: fc.constantFrom("claimer", "challenger", "outsider"),
  moves: fc.array(
    fc.record({ who: fc.integer({ min: 0, max: 3 }), extra: fc.bigInt({ min: 0n, max: 3_000n }) }),
    { maxLength: 8 },
  ),
  honest: fc.boolean(),
  filled: fc.boolean(),
  l1Cost: fc.bigInt({ min: 0n, max: 5_000n }),
});

Deno.test("any challenge the strategy proposes is a legal move after which the agent leads", () => {
  let acted = 0;
  fc.assert(
    fc.property(scenarioArb, ({ role, moves, honest, filled, l1Cost }) => {
      const claimer: Address = role === "claimer" ? agent : otherLp;
      const fillId = honest ? realFillId : fakeFillId;
      let g: ClaimGame = newClaimGame(claimer, fillId, 100n, 1_000_000);
      const challengers = [addr(0x201), addr(0x202), role === "challenger" ? agent : addr(0x203)];
      for (const m of moves) {
        const claimerTurn = leadingSide(g) === "challengers";
        const sender = claimerTurn ? claimer : challengers[m.who % 3];
        const min = claimerTurn ? minClaimerStake(g, 100n) : minChallengerStake(g);
        const r = applyMove(g, { sender, value: min + m.extra, timestamp: 1 }, params);
        if (r.ok) g = r.game;
      }
      const view = baseView({
        game: g,
        l1Cost,
        state: leadingSide(g) === "claimer" ? "claimer_winning" : "challenger_winning",
        fill: filled || honest
          ? { filler: otherLp, fillId: realFillId, txHash: hash(0xf2), timestamp: 1_000 }
          : undefined,
      });
      const d = challengeDecision(view);
      if (!d.act) return;
      assert.ok(!(sameClaimer(g, agent) && leadingSide(g) === "claimer"), "own leading claim");
      assert.ok(!(honest && !sameClaimer(g, agent)), "honest claim of another LP");
      const r = applyMove(g, { sender: agent, value: d.stake, timestamp: 2 }, params);
      assert.ok(r.ok, !r.ok ? r.reason : "");
      assert.ok(isWinning(r.game, agent));
      acted++;
    }),
    { numRuns: 1_000 },
  );
  // about one run in eight proposes a challenge; make sure the property was exercised
  assert.ok(acted > 40, `only ${acted} runs proposed a challenge`);
});

function sameClaimer(g: ClaimGame, who: Address): boolean {
  return g.claimer.toLowerCase() === who.toLowerCase();
}
