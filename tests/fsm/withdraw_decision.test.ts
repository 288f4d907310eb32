import assert from "node:assert/strict";
import {
  type Address,
  type ClaimDecisionView,
  type ClaimGame,
  type ClaimState,
  withdrawDecision,
} from "../../lib/fsm/mod.ts";
import { agent, alice, baseView, bob, fakeFillId, realFillId } from "./fixtures.ts";

// Claimer `claimer` with 300 against challengers `challenger` (101) and Bob (100).
function viewFor(
  claimer: Address,
  challenger: Address,
  over: Partial<ClaimDecisionView> = {},
  gameOver: Partial<ClaimGame> = {},
): ClaimDecisionView {
  const base = baseView();
  return baseView({
    game: {
      ...base.game,
      claimer,
      fillId: realFillId,
      claimerStake: 300n,
      challengerStakes: { [challenger]: 101n, [bob]: 100n },
      lastChallenger: bob,
      challengerStakeTotal: 201n,
      ...gameOver,
    },
    ...over,
  });
}

type Role = "claimer" | "challenger" | "outsider";
const roles: Role[] = ["claimer", "challenger", "outsider"];
// The agent plays `role`; Alice takes the role the agent does not.
const viewAs = (role: Role, over: Partial<ClaimDecisionView>, gameOver: Partial<ClaimGame> = {}) =>
  role === "claimer"
    ? viewFor(agent, alice, over, gameOver)
    : role === "challenger"
    ? viewFor(alice, agent, over, gameOver)
    : viewFor(alice, bob, over, gameOver);

function expectMatrix(
  name: string,
  over: Partial<ClaimDecisionView>,
  expected: Record<Role, string>,
  gameOver: Partial<ClaimGame> = {},
) {
  Deno.test(`withdraw eligibility ${name}`, () => {
    for (const role of roles) {
      const d = withdrawDecision(viewAs(role, over, gameOver));
      const got = d.act ? `withdraw as ${d.as}` : d.reason;
      assert.equal(got, expected[role], `agent as ${role}`);
    }
  });
}

expectMatrix("after an L1 resolution naming Alice's fill", {
  l1Resolution: { filler: alice, fillId: realFillId },
}, {
  claimer: "resolved_against_us", // the resolution names Alice, not the agent's claim
  challenger: "resolved_against_us",
  outsider: "resolved_against_us",
});

expectMatrix("after an L1 resolution naming the agent's own fill", {
  l1Resolution: { filler: agent, fillId: realFillId },
}, {
  claimer: "withdraw as claimer",
  challenger: "withdraw as challenger", // the claim (by Alice) is contradicted
  outsider: "resolved_against_us",
});

expectMatrix("after an L1 resolution with another fill id", {
  l1Resolution: { filler: agent, fillId: fakeFillId },
}, {
  claimer: "resolved_against_us",
  challenger: "withdraw as challenger",
  outsider: "resolved_against_us",
});

expectMatrix("after an L1 invalidation", { state: "invalidated_l1_resolved" }, {
  claimer: "invalidated_not_challenger",
  challenger: "withdraw as challenger",
  outsider: "invalidated_not_challenger",
});

expectMatrix("before termination", { sourceChainTime: 9_999 }, {
  claimer: "claim_not_terminated",
  challenger: "claim_not_terminated",
  outsider: "claim_not_terminated",
});

expectMatrix("at termination with the claimer ahead", { sourceChainTime: 10_000 }, {
  claimer: "withdraw as claimer",
  challenger: "not_winning",
  outsider: "not_winning",
});

expectMatrix("at termination with the challengers ahead", { sourceChainTime: 10_000 }, {
  claimer: "not_winning",
  challenger: "withdraw as challenger",
  outsider: "not_winning",
}, { claimerStake: 150n });

Deno.test("no withdrawal on a stale source view, with a pending transaction, or twice", () => {
  const ready = viewAs("claimer", { sourceChainTime: 10_000 });
  assert.equal(withdrawDecision(ready).act, true);
  assert.deepEqual(withdrawDecision({ ...ready, fresh: { source: false, target: true } }), {
    act: false,
    reason: "stale_view",
  });
  assert.equal(
    withdrawDecision({ ...ready, fresh: { source: true, target: false } }).act,
    true,
    "withdrawing reads only the source chain",
  );
  assert.deepEqual(withdrawDecision({ ...ready, transactionPending: true }), {
    act: false,
    reason: "transaction_pending",
  });
  assert.deepEqual(withdrawDecision({ ...ready, withdrawnByUs: true }), {
    act: false,
    reason: "already_withdrawn",
  });
  for (const state of ["started", "ignored", "withdrawn"] as ClaimState[]) {
    assert.deepEqual(withdrawDecision({ ...ready, state }), { act: false, reason: "not_in_game" });
  }
});
