import assert from "node:assert/strict";
import {
  Bench,
  CLAIM_STAKE,
  claimMade,
  created,
  FAKE_FILL,
  FILL_ID,
  filled,
  FINALITY,
  LP,
  OTHER,
  ref,
  REQ,
  SRC,
  T0,
  TGT,
  THIRD,
} from "./fixtures.ts";

const L1_COST = 1_000_000_000n * 1_250_000n;

/** A request we filled and claimed (claim id 5, termination T0 + 100). */
function ourClaim(): Bench {
  const b = new Bench();
  b.views();
  b.event(created(), ref(SRC, T0));
  b.outcome("fill", "mined");
  b.event(filled(LP), ref(TGT, T0));
  b.outcome("claim", "mined");
  b.event(claimMade("5", LP, FILL_ID, T0 + 100), ref(SRC, T0));
  return b;
}

Deno.test("our claim is withdrawn once source chain time reaches termination, then passivates", () => {
  const b = ourClaim();
  assert.equal(b.state.claims["5"].fsm, "claimer_winning");
  assert.equal(b.txs().length, 0);
  assert.ok(b.timers.has("tick"), "a timer waits for termination");
  assert.equal(b.state.subscribed.length, 0, "no views while only time is awaited");
  b.advance(101);
  b.send({ type: "Tick" });
  assert.ok(b.state.subscribed.length > 0, "the due step asks for fresh views");
  b.views();
  const [tx] = b.txs();
  assert.equal(tx.id, "withdraw:5");
  assert.equal(tx.chain, `/chain:${SRC}/tx`);
  b.outcome("withdraw", "mined");
  b.event(
    { type: "ClaimStakeWithdrawn", claimId: "5", requestId: REQ, stakeRecipient: LP },
    ref(SRC, T0 + 101),
  );
  const effects = b.event(
    { type: "DepositWithdrawn", requestId: REQ, receiver: LP },
    ref(SRC, T0 + 101),
  );
  assert.equal(b.state.fsm, "withdrawn");
  assert.equal(b.state.claims["5"].fsm, "withdrawn");
  assert.ok(effects.some((e) => e.kind === "passivate"), "a finished request passivates");
  assert.deepEqual(b.state.subscribed, []);
});

Deno.test("we never challenge our own claim", () => {
  const b = ourClaim();
  b.advance(FINALITY + 10);
  b.views();
  assert.equal(b.txs().length, 0);
  assert.equal(b.state.claims["5"].fsm, "claimer_winning");
});

Deno.test("our claim challenged: we defend with claimStake + l1Cost once our fill is final", () => {
  const b = ourClaim();
  b.event(
    claimMade("5", LP, FILL_ID, T0 + 200, { challengers: 101n, last: OTHER }),
    ref(SRC, T0 + 5),
  );
  assert.equal(b.state.claims["5"].fsm, "challenger_winning");
  b.advance(5);
  b.views();
  assert.equal(b.txs().length, 0, "the fill proof is not final yet");
  b.advance(FINALITY);
  b.views();
  const [tx] = b.txs();
  assert.equal(tx.id, "challenge:5:2");
  assert.equal(BigInt(tx.value), CLAIM_STAKE + L1_COST);
});

Deno.test("a broken target RPC does not hide that our claim was challenged, and delays the defence", () => {
  const b = ourClaim();
  b.advance(FINALITY + 5);
  b.views({ 20: { rpcOk: false } });
  b.event(
    claimMade("5", LP, FILL_ID, T0 + 200, { challengers: 101n, last: OTHER }),
    ref(SRC, T0 + 5),
  );
  assert.equal(b.state.claims["5"].fsm, "challenger_winning", "seen from the source chain");
  assert.equal(b.txs().length, 0);
  assert.match(b.state.claims["5"].reason!, /stale_view/);
  b.views();
  assert.deepEqual(b.txs().map((t) => t.purpose), ["challenge"]);
});

Deno.test("withdraw as claimer after an L1 resolution in our favour, before termination", () => {
  const b = ourClaim();
  b.event(
    claimMade("5", LP, FILL_ID, T0 + 500, { challengers: 2n * 10n ** 15n, last: OTHER }),
    ref(SRC, T0 + 5),
  );
  b.sentTxs();
  b.event(
    { type: "RequestResolved", requestId: REQ, filler: LP, fillId: FILL_ID },
    ref(SRC, T0 + 10),
  );
  assert.equal(b.state.fsm, "l1_resolved");
  b.views();
  const [tx] = b.sentTxs();
  assert.equal(tx.id, "withdraw:5");
  assert.equal(b.state.claims["5"].txPending, true);
});

Deno.test("challenged beyond the L1 cost: we go to L1 instead of bidding (devnet relay awaited)", () => {
  const b = ourClaim();
  b.event(
    claimMade("5", LP, FILL_ID, T0 + 500, { challengers: 2n * 10n ** 15n, last: OTHER }),
    ref(SRC, T0 + 5),
  );
  b.advance(FINALITY + 5);
  b.views();
  assert.equal(b.txs().length, 0);
  assert.equal(b.state.claims["5"].resolutionInFlight, true);
  assert.match(b.state.claims["5"].reason!, /resolution_in_flight/);
});

Deno.test("without the devnet relay, the L1 resolution step is reported as not supported", () => {
  const b = new Bench({ ...new Bench().settings, l1Relay: "unsupported" });
  b.views();
  b.event(created(), ref(SRC, T0));
  b.outcome("fill", "mined");
  b.event(filled(LP), ref(TGT, T0));
  b.event(claimMade("5", LP, FILL_ID, T0 + 100), ref(SRC, T0));
  b.event(
    claimMade("5", LP, FILL_ID, T0 + 500, { challengers: 2n * 10n ** 15n, last: OTHER }),
    ref(SRC, T0 + 5),
  );
  b.advance(FINALITY + 5);
  b.views();
  assert.match(b.state.claims["5"].reason!, /not supported/);
});

Deno.test("an honest claim by the LP that filled is not challenged", () => {
  const b = new Bench();
  b.views();
  b.event(created(), ref(SRC, T0));
  b.outcome("fill", "reverted", "Already filled");
  b.event(filled(OTHER), ref(TGT, T0));
  b.event(claimMade("7", OTHER, FILL_ID, T0 + 100), ref(SRC, T0));
  b.advance(FINALITY + 10);
  b.views();
  assert.equal(b.state.claims["7"].fsm, "ignored");
  assert.equal(b.txs().length, 0);
});

Deno.test("a false claim on a request nobody filled: non-fill proof after the back-off, then a challenge", () => {
  const b = new Bench();
  b.send({ type: "Policy", policy: { pausedChains: [TGT], draining: false } }); // we do not fill
  b.views();
  b.event(created(), ref(SRC, T0));
  b.event(claimMade("9", OTHER, FAKE_FILL, T0 + 100), ref(SRC, T0));
  assert.equal(b.state.claims["9"].fsm, "started");
  assert.equal(b.txs().length, 0, "waits fillWaitTime for a fill");
  b.advance(31);
  b.views();
  const [inv] = b.txs();
  assert.equal(inv.purpose, "invalidate");
  assert.equal(inv.chain, `/chain:${TGT}/tx`);
  assert.equal(inv.id, `invalidate:${REQ}:${FAKE_FILL}`);
  assert.ok(inv.data.startsWith("0xee56c910"));
  b.event({ type: "FillInvalidated", requestId: REQ, fillId: FAKE_FILL }, ref(TGT, T0 + 31));
  b.views();
  assert.equal(b.txs().length, 0, "the non-fill proof is not final yet");
  b.advance(FINALITY + 1);
  b.views();
  const [ch] = b.txs();
  assert.equal(ch.purpose, "challenge");
  assert.equal(BigInt(ch.value), CLAIM_STAKE + 1n);
});

Deno.test("a false claim by another on a request we filled is challenged after our fill is final", () => {
  const b = ourClaim();
  b.event(claimMade("11", OTHER, FILL_ID, T0 + 100), ref(SRC, T0));
  b.advance(FINALITY + 1);
  b.views();
  const ch = b.txs().find((t) => t.purpose === "challenge");
  assert.ok(ch);
  assert.equal(ch.id, "challenge:11:1");
});

Deno.test("a false claim is not challenged while the target chain RPC is broken", () => {
  const b = new Bench();
  b.send({ type: "Policy", policy: { pausedChains: [TGT], draining: false } });
  b.views();
  b.event(created(), ref(SRC, T0));
  b.event(claimMade("9", OTHER, FAKE_FILL, T0 + 100), ref(SRC, T0));
  b.advance(31);
  b.views({ [TGT]: { rpcOk: false } });
  assert.equal(b.txs().length, 0);
  assert.match(b.state.claims["9"].reason!, /stale_view/);
});

Deno.test("we keep outbidding a false claimer, with stakes sized to the L1 cost", () => {
  const b = ourClaim();
  b.event(claimMade("11", OTHER, FILL_ID, T0 + 1000), ref(SRC, T0));
  b.advance(FINALITY + 1);
  b.views();
  b.outcome("challenge", "mined");
  b.event(
    claimMade("11", OTHER, FILL_ID, T0 + 1000, { challengers: 101n, last: LP }),
    ref(SRC, T0 + 62),
  );
  assert.equal(b.state.claims["11"].fsm, "challenger_winning");
  b.event(
    claimMade("11", OTHER, FILL_ID, T0 + 1000, { claimer: 201n, challengers: 101n, last: LP }),
    ref(SRC, T0 + 63),
  );
  b.views();
  const ch = b.sentTxs().find((t) => t.purpose === "challenge" && t.id === "challenge:11:3");
  assert.ok(ch, "answers the false claimer");
  assert.equal(BigInt(ch.value), CLAIM_STAKE + L1_COST - 101n);
});

Deno.test("a third party does not join a challenged claim on a filled request", () => {
  const b = new Bench();
  b.views();
  b.event(created(), ref(SRC, T0));
  b.outcome("fill", "reverted", "Already filled");
  b.event(filled(OTHER), ref(TGT, T0));
  b.event(claimMade("7", THIRD, FILL_ID, T0 + 1000), ref(SRC, T0));
  b.event(
    claimMade("7", THIRD, FILL_ID, T0 + 1000, { claimer: 301n, challengers: 200n, last: OTHER }),
    ref(SRC, T0 + 1),
  );
  b.advance(FINALITY + 2);
  b.views();
  assert.equal(b.txs().length, 0);
  assert.match(b.state.claims["7"].reason!, /joins_only_unfilled/);
});

Deno.test("withdraw as challenger after an L1 resolution against the claim", () => {
  const b = ourClaim();
  b.event(claimMade("11", OTHER, FAKE_FILL, T0 + 1000), ref(SRC, T0));
  b.event(
    claimMade("11", OTHER, FAKE_FILL, T0 + 1000, { challengers: 101n, last: LP }),
    ref(SRC, T0 + 1),
  );
  b.sentTxs();
  b.event(
    { type: "RequestResolved", requestId: REQ, filler: LP, fillId: FILL_ID },
    ref(SRC, T0 + 2),
  );
  b.views();
  const ws = b.sentTxs().filter((t) => t.purpose === "withdraw");
  assert.deepEqual(ws.map((t) => t.id).sort(), ["withdraw:11", "withdraw:5"]);
});

Deno.test("a challenge reverted with Claim expired clears the pending flag and is not a crash", () => {
  const b = ourClaim();
  b.event(claimMade("11", OTHER, FILL_ID, T0 + 100), ref(SRC, T0));
  b.advance(FINALITY + 1);
  b.views();
  b.outcome("challenge", "reverted", "Claim expired");
  assert.equal(b.state.claims["11"].txPending, false);
  assert.match(b.state.claims["11"].reason!, /Claim expired/);
});

Deno.test("a claim move seen before the claim's start is kept until the start arrives", () => {
  const b = ourClaim();
  b.event(
    claimMade("11", OTHER, FAKE_FILL, T0 + 1000, { challengers: 101n, last: THIRD }),
    ref(SRC, T0 + 1),
  );
  assert.ok(!("11" in b.state.claims));
  b.event(claimMade("11", OTHER, FAKE_FILL, T0 + 1000), ref(SRC, T0));
  assert.equal(b.state.claims["11"].game.challengerStakeTotal, "101");
});

Deno.test("claim status reports carry the claim id, state and request", () => {
  const b = ourClaim();
  b.send({ type: "Resync" });
  const claim = b.statuses().find((r) => r.kind === "claim");
  assert.ok(claim);
  assert.equal(claim.id, "5");
  assert.equal(claim.state, "claimer_winning");
  assert.equal(claim.details.requestId, REQ);
});

Deno.test("a claim game we take no part in does not keep the request awake", () => {
  const b = new Bench();
  b.views();
  b.event(created(), ref(SRC, T0));
  b.outcome("fill", "reverted", "Already filled");
  b.event(filled(OTHER), ref(TGT, T0));
  b.event(claimMade("7", THIRD, FILL_ID, T0 + 1000), ref(SRC, T0));
  b.event(
    claimMade("7", THIRD, FILL_ID, T0 + 1000, { claimer: 301n, challengers: 200n, last: OTHER }),
    ref(SRC, T0 + 1),
  );
  const effects = b.views();
  assert.deepEqual(b.state.subscribed, []);
  assert.ok(effects.some((e) => e.kind === "passivate"));
});
