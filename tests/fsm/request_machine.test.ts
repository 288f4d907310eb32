import assert from "node:assert/strict";
import {
  applyRequest,
  type RequestState,
  requestStates,
  requestTableAdditions,
  requestTableOmissions,
  requestTransitions,
  type RequestTrigger,
  requestTriggers,
} from "../../lib/fsm/mod.ts";

// The request graph of the agent documentation, edge by edge, written out independently of the
// implementation's table.
const seedEdges: [RequestState, RequestTrigger, RequestState][] = [
  ["pending", "fill", "filled"],
  ["pending", "try_to_fill", "filled"],
  ["pending", "ignore", "ignored"],
  ["filled", "try_to_claim", "claimed"],
  ["claimed", "withdraw", "withdrawn"],
  ["claimed", "l1_resolve", "l1_resolved"],
  ["l1_resolved", "withdraw", "withdrawn"],
  ["l1_resolved", "l1_resolve", "l1_resolved"],
  ["filled", "withdraw", "withdrawn"],
  ["filled", "ignore", "ignored"],
  ["filled", "l1_resolve", "l1_resolved"],
  ["ignored", "withdraw", "withdrawn"],
  ["ignored", "l1_resolve", "ignored"],
  ["withdrawn", "l1_resolve", "withdrawn"],
];

// The reference code's extra `fill` transitions, which the table adopts.
const addedEdges: [RequestState, RequestTrigger, RequestState][] = [
  ["filled", "fill", "filled"],
  ["claimed", "fill", "claimed"],
  ["ignored", "fill", "filled"],
];

const expected = new Map<string, RequestState>(
  [...seedEdges, ...addedEdges].map(([from, trigger, to]) => [`${from}/${trigger}`, to]),
);

Deno.test("the request machine has exactly the six documented states and six triggers", () => {
  assert.deepEqual(
    [...requestStates].sort(),
    ["claimed", "filled", "ignored", "l1_resolved", "pending", "withdrawn"],
  );
  assert.deepEqual(
    [...requestTriggers].sort(),
    ["fill", "ignore", "l1_resolve", "try_to_claim", "try_to_fill", "withdraw"],
  );
  assert.deepEqual(Object.keys(requestTransitions).sort(), [...requestStates].sort());
});

for (const state of requestStates) {
  for (const trigger of requestTriggers) {
    const to = expected.get(`${state}/${trigger}`);
    if (to !== undefined) {
      Deno.test(`request ${state} --${trigger}--> ${to}`, () => {
        assert.deepEqual(applyRequest(state, trigger), { ok: true, state: to });
      });
    } else {
      Deno.test(`request ${state} refuses ${trigger} and stays ${state}`, () => {
        const result = applyRequest(state, trigger);
        assert.equal(result.ok, false);
        assert.equal(result.state, state);
        assert.ok(!result.ok && result.reason.includes(trigger) && result.reason.includes(state));
      });
    }
  }
}

Deno.test("every request transition beyond the documentation graph is explained", () => {
  const explained = Object.keys(requestTableAdditions).sort();
  const added = addedEdges.map(([from, trigger]) => `${from} --${trigger}-->`).sort();
  assert.deepEqual(explained, added);
  for (const key of Object.keys(requestTableOmissions)) {
    const [from, trigger] = key.replace("-->", "").split(" --") as [RequestState, RequestTrigger];
    assert.equal(applyRequest(from, trigger).ok, false, `${key} is listed as omitted`);
  }
});

Deno.test("an unknown state from a corrupted snapshot is refused, not thrown", () => {
  const result = applyRequest("lost" as RequestState, "fill");
  assert.equal(result.ok, false);
  assert.equal(result.state, "lost");
  const proto = applyRequest("pending", "toString" as RequestTrigger);
  assert.equal(proto.ok, false);
});
