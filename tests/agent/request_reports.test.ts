import assert from "node:assert/strict";
import { reasonKind, reports } from "../../lib/agent/request_reports.ts";
import { initialRequestState } from "../../lib/agent/request_state.ts";
import { REQ } from "./fixtures.ts";

const created = { ...initialRequestState(REQ), created: true, sourceChainId: 10 };

Deno.test("a reason's changing detail is not a new state: one report, not one per view", () => {
  const a = { ...created, deferred: true, reason: "stale_view: chain 20: RPC not answering" };
  const b = { ...a, reason: "stale_view: chain 20: view older than 10 s" };
  assert.equal(reasonKind(a.reason), reasonKind(b.reason));
  assert.deepEqual(reports(a, b, "2026-01-01T00:00:00.000Z", false, "0x1"), []);
  const c = { ...b, reason: "insufficient_balance" };
  assert.equal(reports(b, c, "2026-01-01T00:00:00.000Z", false, "0x1").length, 1);
  const d = { ...b, reason: "stale_view: chain 10: RPC not answering" };
  assert.equal(reports(b, d, "2026-01-01T00:00:00.000Z", false, "0x1").length, 1, "another chain");
});

Deno.test("nothing is reported for a request whose RequestCreated has not been seen", () => {
  const early = initialRequestState(REQ);
  assert.deepEqual(
    reports(early, { ...early, reason: "x" }, "2026-01-01T00:00:00.000Z", true, "0x1"),
    [],
  );
});
