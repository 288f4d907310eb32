import assert from "node:assert/strict";
import {
  applyClaim,
  type ClaimState,
  claimStates,
  claimTableAdditions,
  claimTableOmissions,
  claimTransitions,
  type ClaimTrigger,
  claimTriggers,
} from "../../lib/fsm/mod.ts";

// The claim graph of the agent documentation, edge by edge, with its label `resolution` read
// as `l1_invalidate` and its target `ignore` read as the state `ignored`.
const seedEdges: [ClaimState, ClaimTrigger, ClaimState][] = [
  ["started", "start_challenge", "claimer_winning"],
  ["withdrawn", "start_challenge", "withdrawn"],
  ["started", "withdraw", "withdrawn"],
  ["claimer_winning", "challenge", "challenger_winning"],
  ["challenger_winning", "challenge", "claimer_winning"],
  ["ignored", "challenge", "ignored"],
  ["withdrawn", "l1_invalidate", "withdrawn"],
  ["claimer_winning", "l1_invalidate", "invalidated_l1_resolved"],
  ["challenger_winning", "l1_invalidate", "invalidated_l1_resolved"],
  ["claimer_winning", "withdraw", "withdrawn"],
  ["challenger_winning", "withdraw", "withdrawn"],
  ["ignored", "withdraw", "withdrawn"],
  ["claimer_winning", "ignore", "ignored"],
  ["challenger_winning", "ignore", "ignored"],
  ["ignored", "ignore", "ignored"],
  ["withdrawn", "ignore", "withdrawn"],
];

// Transitions of the reference code the table adopts.
const addedEdges: [ClaimState, ClaimTrigger, ClaimState][] = [
  ["claimer_winning", "start_challenge", "claimer_winning"],
  ["challenger_winning", "start_challenge", "challenger_winning"],
  ["invalidated_l1_resolved", "start_challenge", "invalidated_l1_resolved"],
  ["invalidated_l1_resolved", "withdraw", "withdrawn"],
  ["withdrawn", "withdraw", "withdrawn"],
];

const expected = new Map<string, ClaimState>(
  [...seedEdges, ...addedEdges].map(([from, trigger, to]) => [`${from}/${trigger}`, to]),
);

Deno.test("the claim machine has exactly the six documented states and five triggers", () => {
  assert.deepEqual([...claimStates].sort(), [
    "challenger_winning",
    "claimer_winning",
    "ignored",
    "invalidated_l1_resolved",
    "started",
    "withdrawn",
  ]);
  assert.deepEqual(
    [...claimTriggers].sort(),
    ["challenge", "ignore", "l1_invalidate", "start_challenge", "withdraw"],
  );
  assert.deepEqual(Object.keys(claimTransitions).sort(), [...claimStates].sort());
});

for (const state of claimStates) {
  for (const trigger of claimTriggers) {
    const to = expected.get(`${state}/${trigger}`);
    if (to !== undefined) {
      Deno.test(`claim ${state} --${trigger}--> ${to}`, () => {
        assert.deepEqual(applyClaim(state, trigger), { ok: true, state: to });
      });
    } else {
      Deno.test(`claim ${state} refuses ${trigger} and stays ${state}`, () => {
        const result = applyClaim(state, trigger);
        assert.equal(result.ok, false);
        assert.equal(result.state, state);
        assert.ok(!result.ok && result.reason.includes(trigger) && result.reason.includes(state));
      });
    }
  }
}

Deno.test("every claim transition beyond the documentation graph is explained", () => {
  const explained = Object.keys(claimTableAdditions).sort();
  const added = addedEdges.map(([from, trigger]) => `${from} --${trigger}-->`).sort();
  assert.deepEqual(explained, added);
  for (const key of Object.keys(claimTableOmissions)) {
    const [from, trigger] = key.replace("-->", "").split(" --") as [ClaimState, ClaimTrigger];
    assert.equal(applyClaim(from, trigger).ok, false, `${key} is listed as omitted`);
  }
});

Deno.test("a claim game alternates the lead through repeated challenges", () => {
  let state: ClaimState = "started";
  const path: ClaimState[] = [];
  for (const t of ["start_challenge", "challenge", "challenge", "challenge", "withdraw"] as const) {
    const r = applyClaim(state, t);
    assert.ok(r.ok);
    state = r.state;
    path.push(state);
  }
  assert.deepEqual(path, [
    "claimer_winning",
    "challenger_winning",
    "claimer_winning",
    "challenger_winning",
    "withdrawn",
  ]);
});
