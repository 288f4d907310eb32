import assert from "node:assert/strict";
import { BaseError } from "viem";
import { backoff, bump, txOptions } from "../../lib/tx/options.ts";
import { outcomeMeaning, revertMeaning } from "../../lib/tx/reverts.ts";
import { classifyBroadcastError, revertReason } from "../../lib/tx/rpc.ts";

Deno.test("a fee bump raises by at least the percentage, rounding up, and by at least 1 wei", () => {
  assert.equal(bump(1_000_000_000n, 12.5), 1_125_000_000n);
  assert.equal(bump(7n, 12.5), 8n);
  assert.equal(bump(0n, 12.5), 1n);
  assert.ok(bump(999_999_999n, 12.5) * 8n >= 999_999_999n * 9n);
});

Deno.test("options refuse a bump below 12.5 % and fill in defaults", () => {
  assert.throws(() => txOptions({ feeBumpPercent: 10 }), /below 12.5/);
  assert.equal(txOptions().confirmations, 1);
  assert.equal(backoff(txOptions({ backoffMinMs: 100, backoffMaxMs: 1_000 }), 1), 100);
  assert.equal(backoff(txOptions({ backoffMinMs: 100, backoffMaxMs: 1_000 }), 3), 400);
  assert.equal(backoff(txOptions({ backoffMinMs: 100, backoffMaxMs: 1_000 }), 30), 1_000);
});

Deno.test("broadcast errors are sorted by what the node meant", () => {
  const e = (m: string) => new BaseError("RPC Request failed.", { details: m });
  assert.equal(classifyBroadcastError(e("nonce too low")), "nonce_low");
  assert.equal(classifyBroadcastError(e("replacement transaction underpriced")), "underpriced");
  assert.equal(classifyBroadcastError(e("already known")), "ok");
  assert.equal(classifyBroadcastError(e("insufficient funds for gas * price + value")), "rejected");
  assert.equal(classifyBroadcastError(new Error("HTTP request failed. Status: 500")), "error");
  assert.equal(classifyBroadcastError(new Error("The request took too long")), "error");
});

Deno.test("a revert reason is decoded from Error(string) data or the node's text, never from a timeout", () => {
  const data =
    "0x08c379a00000000000000000000000000000000000000000000000000000000000000020000000000000000000000000000000000000000000000000000000000000000e416c72656164792066696c6c6564000000000000000000000000000000000000";
  const withData = new Error("outer", { cause: Object.assign(new Error("inner"), { data }) });
  assert.equal(revertReason(withData), "Already filled");
  assert.equal(revertReason(new Error("execution reverted: Not allowed")), "Not allowed");
  assert.equal(revertReason(new Error("execution reverted")), "reverted");
  assert.equal(revertReason(new Error("The request took too long to respond.")), undefined);
  assert.equal(revertReason(new Error("HTTP request failed. Status: 500")), undefined);
});

Deno.test("Beamer revert strings map to what the requester does next", () => {
  assert.equal(revertMeaning("Already filled"), "already_done");
  assert.equal(revertMeaning("Claim period not finished"), "too_early");
  assert.equal(revertMeaning("Request cannot be claimed anymore"), "too_late");
  assert.equal(revertMeaning("Not allowed"), "not_allowed");
  assert.equal(revertMeaning("Fill valid"), "fill_valid");
  assert.equal(revertMeaning("ERC20: insufficient allowance"), "funds");
  assert.equal(revertMeaning("something new"), "other");
  assert.equal(revertMeaning(undefined), "other");
  const base = { type: "TxOutcome", id: "fill:x", purpose: "fill" } as const;
  assert.equal(
    outcomeMeaning({ ...base, status: "reverted", reason: "Already filled" }),
    "already_done",
  );
  assert.equal(outcomeMeaning({ ...base, status: "mined" }), undefined);
});
