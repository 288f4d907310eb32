import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type Address,
  applyMove,
  claimPayout,
  type ClaimRecord,
  claimValidity,
  type GameParams,
  leadingSide,
  minChallengerStake,
  minClaimerStake,
  newClaimGame,
  type RequestSettlement,
  withdrawClaim,
} from "../../lib/fsm/mod.ts";
import { addr, fakeFillId, owner, realFillId } from "./fixtures.ts";

const claimer = addr(0xc1a);
const c1 = addr(0xc1);
const c2 = addr(0xc2);
const held: RequestSettlement = { invalidFillIds: [], deposit: { kind: "held" } };
const at = (timestamp: number) => ({ timestamp, owner });

function record(over: Partial<ClaimRecord>): ClaimRecord {
  return { ...newClaimGame(claimer, realFillId, 100n, 1_000), withdrawnAmount: 0n, ...over };
}

// claimStake 100: claim 100, C1 101, claimer +110 (210), C2 111 (total 212)
const example = record({
  claimerStake: 210n,
  challengerStakes: { [c1]: 101n, [c2]: 111n },
  lastChallenger: c2,
  challengerStakeTotal: 212n,
});

Deno.test("claimStake 100 example: the claim is invalid, C1 receives 202 and C2 220", () => {
  const p1 = claimPayout(example, held, c1, at(1_000));
  const p2 = claimPayout(example, held, c2, at(1_000));
  assert.ok(p1.ok && p2.ok);
  assert.equal(p1.valid, false);
  assert.deepEqual([p1.recipient, p1.amount, p1.deposit], [c1, 202n, false]);
  assert.deepEqual([p2.recipient, p2.amount, p2.deposit], [c2, 220n, false]);
  assert.deepEqual(claimPayout(example, held, claimer, at(1_000)), {
    ok: false,
    reason: "Challenger has nothing to withdraw",
  });
});

Deno.test("the claimStake 100 example is reachable by legal moves", () => {
  const params: GameParams = {
    claimStake: 100n,
    challengePeriodExtension: 50,
    targetFinalityPeriod: 1,
  };
  let g = newClaimGame(claimer, realFillId, 100n, 1_000);
  for (const [sender, value] of [[c1, 101n], [claimer, 110n], [c2, 111n]] as const) {
    const r = applyMove(g, { sender, value, timestamp: 10 }, params);
    assert.ok(r.ok, !r.ok ? r.reason : "");
    g = r.game;
  }
  assert.deepEqual(
    [g.claimerStake, g.challengerStakeTotal, g.challengerStakes],
    [210n, 212n, { [c1]: 101n, [c2]: 111n }],
  );
});

Deno.test("Bob, Charles and David example: Charles gets 12, David as last challenger 9", () => {
  const [bobC, charles, david] = [addr(0xb0b), addr(0xc4a), addr(0xda7)];
  const claim = record({
    claimer: bobC,
    claimerStake: 10n,
    challengerStakes: { [charles]: 6n, [david]: 5n },
    lastChallenger: david,
    challengerStakeTotal: 11n,
  });
  const pc = claimPayout(claim, held, charles, at(1_000));
  const pd = claimPayout(claim, held, david, at(1_000));
  assert.ok(pc.ok && pd.ok);
  assert.equal(pc.amount - 6n, 6n);
  assert.equal(pd.amount - 5n, 4n);
  assert.deepEqual([pc.amount, pd.amount], [12n, 9n]);
});

Deno.test("a valid claim pays the whole pot and the deposit to the claimer, whoever withdraws", () => {
  const claim = record({
    claimerStake: 310n,
    challengerStakes: { [c1]: 101n },
    lastChallenger: c1,
    challengerStakeTotal: 101n,
  });
  const r = withdrawClaim(claim, held, c1, at(1_000));
  assert.ok(r.ok);
  assert.deepEqual(r.payout, {
    recipient: claimer,
    amount: 411n,
    deposit: true,
    valid: true,
    rule: "stakes",
  });
  assert.deepEqual(r.request.deposit, { kind: "paid", claimer, fillId: realFillId });
  assert.deepEqual(withdrawClaim(r.claim, r.request, claimer, at(1_000)), {
    ok: false,
    reason: "Claim already withdrawn",
  });
});

Deno.test("before termination only L1 facts or a paid deposit settle a claim", () => {
  const claim = record({});
  assert.deepEqual(claimPayout(claim, held, claimer, at(999)), {
    ok: false,
    reason: "Claim period not finished",
  });
  const resolved = { ...held, l1Resolution: { filler: claimer, fillId: realFillId } };
  assert.deepEqual(claimValidity(claim, resolved, 0), {
    ok: true,
    valid: true,
    rule: "l1_resolved",
  });
  const wrongFiller = { ...held, l1Resolution: { filler: c1, fillId: realFillId } };
  assert.deepEqual(claimValidity(claim, wrongFiller, 0), {
    ok: true,
    valid: false,
    rule: "l1_resolved",
  });
  const invalidated = { ...held, invalidFillIds: [realFillId] };
  assert.deepEqual(claimValidity(claim, invalidated, 0), {
    ok: true,
    valid: false,
    rule: "fill_invalidated",
  });
  const paidToSame = { ...held, deposit: { kind: "paid", claimer, fillId: realFillId } as const };
  assert.deepEqual(claimValidity(claim, paidToSame, 0), {
    ok: true,
    valid: true,
    rule: "deposit_paid",
  });
  const paidToOther = {
    ...held,
    deposit: { kind: "paid", claimer: c1, fillId: realFillId } as const,
  };
  assert.equal((claimValidity(claim, paidToOther, 0) as { valid: boolean }).valid, false);
  const refunded = { ...held, deposit: { kind: "refunded" } as const };
  assert.equal((claimValidity(claim, refunded, 0) as { valid: boolean }).valid, false);
});

Deno.test("L1 resolution takes priority over an invalidated fill id", () => {
  const claim = record({ fillId: fakeFillId });
  const both: RequestSettlement = {
    l1Resolution: { filler: claimer, fillId: fakeFillId },
    invalidFillIds: [fakeFillId],
    deposit: { kind: "held" },
  };
  assert.deepEqual(claimValidity(claim, both, 0), { ok: true, valid: true, rule: "l1_resolved" });
});

Deno.test("an unchallenged false claim pays its stake to the owner", () => {
  const claim = record({ fillId: fakeFillId });
  const r = withdrawClaim(claim, { ...held, invalidFillIds: [fakeFillId] }, c1, at(0));
  assert.ok(r.ok);
  assert.deepEqual([r.payout.recipient, r.payout.amount, r.payout.deposit], [owner, 100n, false]);
  assert.equal(r.claim.withdrawnAmount, 100n);
});

// A random legal game ending with the challengers ahead (or an invalidated fill id).
const gameArb = fc.record({
  claimStake: fc.bigInt({ min: 1n, max: 10_000n }),
  moves: fc.array(
    fc.record({
      challenger: fc.integer({ min: 0, max: 4 }),
      extra: fc.bigInt({ min: 0n, max: 5_000n }),
    }),
    { minLength: 1, maxLength: 15 },
  ),
  invalidated: fc.boolean(),
});

Deno.test("all withdrawals of an invalid claim together pay exactly its pot", () => {
  let checked = 0;
  fc.assert(
    fc.property(gameArb, ({ claimStake, moves, invalidated }) => {
      const params: GameParams = {
        claimStake,
        challengePeriodExtension: 1,
        targetFinalityPeriod: 1,
      };
      let g = newClaimGame(claimer, fakeFillId, claimStake, 1_000);
      for (const m of moves) {
        const claimerTurn = leadingSide(g) === "challengers";
        const sender = claimerTurn ? claimer : addr(0x100 + m.challenger);
        const min = claimerTurn ? minClaimerStake(g, claimStake) : minChallengerStake(g);
        const r = applyMove(g, { sender, value: min + m.extra, timestamp: 1 }, params);
        assert.ok(r.ok);
        g = r.game;
      }
      if (!invalidated && leadingSide(g) === "claimer") return; // valid: covered elsewhere
      let claim: ClaimRecord = { ...g, withdrawnAmount: 0n };
      let request: RequestSettlement = { ...held, invalidFillIds: invalidated ? [fakeFillId] : [] };
      const pot = g.claimerStake + g.challengerStakeTotal;
      let paid = 0n;
      for (const who of Object.keys(g.challengerStakes) as Address[]) {
        const r = withdrawClaim(claim, request, who, at(g.termination));
        assert.ok(r.ok, !r.ok ? r.reason : "");
        assert.equal(r.payout.recipient, who);
        assert.equal(r.payout.deposit, false);
        assert.ok(r.payout.amount >= 0n);
        paid += r.payout.amount;
        claim = r.claim;
        request = r.request;
        const again = withdrawClaim(claim, request, who, at(g.termination));
        assert.equal(again.ok, false, "a challenger cannot withdraw twice");
      }
      assert.equal(paid, pot);
      assert.equal(claim.withdrawnAmount, pot);
      assert.deepEqual(withdrawClaim(claim, request, claimer, at(g.termination)), {
        ok: false,
        reason: "Claim already withdrawn",
      });
      checked++;
    }),
  );
  assert.ok(checked > 20, `only ${checked} runs ended with an invalid claim`);
});
