import assert from "node:assert/strict";
import {
  applyRequest,
  canClaim,
  canFill,
  type ClaimView,
  type FillView,
  MAX_UINT256,
} from "../../lib/fsm/mod.ts";
import { agent, otherLp, realFillId } from "./fixtures.ts";

const fillView = (over: Partial<FillView> = {}): FillView => ({
  chainsConfigured: true,
  tokenConfigured: true,
  lpWhitelisted: true,
  viewFresh: true,
  validUntil: 10_000,
  targetChainTime: 5_000,
  wallClock: 5_000,
  unsafeFillTime: 600,
  amount: 1_000n,
  lpFee: 10n,
  tokenBalance: 5_000n,
  reserve: 0n,
  sourceNativeBalance: 10n ** 18n,
  minSourceBalance: 10n ** 17n,
  currentAllowance: 0n,
  ...over,
});

Deno.test("a valid request is filled, approving exactly the amount by default", () => {
  assert.deepEqual(canFill(fillView()), { ok: true, approve: 1_000n });
  assert.deepEqual(canFill(fillView({ currentAllowance: 1_000n })), { ok: true });
  assert.deepEqual(canFill(fillView({ configuredAllowance: "max" })), {
    ok: true,
    approve: MAX_UINT256,
  });
  assert.deepEqual(canFill(fillView({ configuredAllowance: 3_000n })), {
    ok: true,
    approve: 3_000n,
  });
});

Deno.test("configuration and policy refusals are final", () => {
  const cases: [Partial<FillView>, string][] = [
    [{ chainsConfigured: false }, "chain_not_configured"],
    [{ tokenConfigured: false }, "token_not_configured"],
    [{ lpWhitelisted: false }, "lp_not_whitelisted"],
    [{ maxAmount: 999n }, "amount_above_max"],
    [{ minLpFee: 11n }, "fee_below_min"],
  ];
  for (const [over, reason] of cases) {
    assert.deepEqual(canFill(fillView(over)), { ok: false, reason, final: true });
  }
  assert.equal(
    canFill(fillView({ maxAmount: 1_000n, minLpFee: 10n })).ok,
    true,
    "bounds inclusive",
  );
});

Deno.test("a request inside the unsafe fill time is ignored, by the later of wall clock and chain time", () => {
  assert.equal(canFill(fillView({ wallClock: 9_399 })).ok, true);
  assert.deepEqual(canFill(fillView({ wallClock: 9_400 })), {
    ok: false,
    reason: "unsafe",
    final: true,
  });
  assert.deepEqual(
    canFill(fillView({ wallClock: 9_000, targetChainTime: 9_400 })),
    { ok: false, reason: "unsafe", final: true },
    "a chain clock ahead of ours counts",
  );
});

Deno.test("an expired request is ignored, measured on the target chain's time", () => {
  assert.deepEqual(canFill(fillView({ targetChainTime: 10_000, wallClock: 100 })), {
    ok: false,
    reason: "expired",
    final: true,
  });
  const r = canFill(fillView({ targetChainTime: 10_000 }));
  assert.ok(!r.ok && r.final);
  assert.equal(applyRequest("pending", "ignore").state, "ignored");
});

Deno.test("balance, reserve, allowance and a stale view only postpone the fill", () => {
  const cases: [Partial<FillView>, string][] = [
    [{ viewFresh: false }, "stale_view"],
    [{ sourceNativeBalance: 1n }, "insufficient_source_balance"],
    [{ tokenBalance: 999n }, "insufficient_balance"],
    [{ tokenBalance: 1_500n, reserve: 501n }, "insufficient_balance"],
    [{ configuredAllowance: 999n }, "allowance_below_amount"],
  ];
  for (const [over, reason] of cases) {
    assert.deepEqual(canFill(fillView(over)), { ok: false, reason, final: false });
  }
  assert.equal(canFill(fillView({ tokenBalance: 1_500n, reserve: 500n })).ok, true);
});

const claimView = (over: Partial<ClaimView> = {}): ClaimView => ({
  agent,
  filler: agent,
  fillId: realFillId,
  validUntil: 10_000,
  claimRequestExtension: 100,
  sourceChainTime: 5_000,
  depositWithdrawn: false,
  viewFresh: true,
  nativeBalance: 1_000n,
  claimStake: 100n,
  ...over,
});

Deno.test("our fill is claimed while the source chain time is before validUntil + extension", () => {
  assert.deepEqual(canClaim(claimView()), { ok: true, fillId: realFillId });
  assert.equal(canClaim(claimView({ sourceChainTime: 10_099 })).ok, true);
  assert.deepEqual(canClaim(claimView({ sourceChainTime: 10_100 })), {
    ok: false,
    reason: "claim_window_closed",
    final: true,
  });
  assert.equal(applyRequest("filled", "ignore").state, "ignored");
});

Deno.test("another LP's fill is never claimed; an unseen fill waits", () => {
  assert.deepEqual(canClaim(claimView({ filler: otherLp })), {
    ok: false,
    reason: "not_our_fill",
    final: true,
  });
  assert.deepEqual(canClaim(claimView({ filler: undefined })), {
    ok: false,
    reason: "fill_not_seen",
    final: false,
  });
  assert.equal(
    canClaim(claimView({ filler: agent.toUpperCase().replace("0X", "0x") as typeof agent })).ok,
    true,
    "addresses compare without case",
  );
});

Deno.test("a claim waits for a fresh view and the stake; a withdrawn deposit ends it", () => {
  assert.deepEqual(canClaim(claimView({ viewFresh: false })), {
    ok: false,
    reason: "stale_view",
    final: false,
  });
  assert.deepEqual(canClaim(claimView({ nativeBalance: 99n })), {
    ok: false,
    reason: "insufficient_stake_balance",
    final: false,
  });
  assert.deepEqual(canClaim(claimView({ depositWithdrawn: true })), {
    ok: false,
    reason: "deposit_withdrawn",
    final: true,
  });
});
