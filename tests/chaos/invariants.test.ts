import assert from "node:assert/strict";
import type { Hex } from "viem";
import { newAgentRecord } from "../../lib/coordinator/agent_stream.ts";
import { type AcceptedFrame, CoordinatorStore } from "../../lib/coordinator/store.ts";
import type { ChainSnapshot, ScannedClaim } from "../../scripts/chaos/chain_scan.ts";
import { claimKey } from "../../scripts/chaos/chain_scan.ts";
import { computeFigures, failures, linkFigures } from "../../scripts/chaos/invariants.ts";
import type { Address } from "../../scripts/devnet/types.ts";
import { tempKv } from "../support/kv.ts";

const LP = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" as Address;
const OTHER = "0x90F79bf6EB2c4f870365E785982E1f101E93b906" as Address;
const id = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
const fillId = (n: number) => `0x${(1000 + n).toString(16).padStart(64, "0")}` as Hex;

function snapshot(): ChainSnapshot {
  const requests = new Map();
  for (let n = 1; n <= 6; n++) {
    requests.set(id(n), {
      requestId: id(n),
      sourceChainId: 1,
      targetChainId: 2,
      sourceToken: LP,
      targetToken: LP,
      sender: LP,
      amount: 1n,
      validUntil: 0,
    });
  }
  return {
    requests,
    fills: [],
    claims: new Map(),
    resolved: [],
    invalidated: [],
    depositsWithdrawn: [],
    accountTxs: [],
  };
}

const fill = (n: number, filler: Address) => ({
  requestId: id(n),
  fillId: fillId(n),
  filler,
  targetChainId: 2,
  sourceChainId: 1,
  txHash: id(900 + n),
});

function addClaim(s: ChainSnapshot, claimId: bigint, n: number, claimer: Address, f: Hex) {
  const claim: ScannedClaim = {
    sourceChainId: 1,
    claimId,
    requestId: id(n),
    claimer,
    fillId: f,
    challengers: new Set(),
    stakeRecipients: [],
  };
  s.claims.set(claimKey(1, claimId), claim);
  return claim;
}

const plan = [
  { requestId: id(1), kind: "fillable" as const },
  { requestId: id(2), kind: "fillable" as const },
  { requestId: id(3), kind: "fillable" as const },
  { requestId: id(4), kind: "unsafe" as const },
  { requestId: id(5), kind: "over-balance" as const },
  { requestId: id(6), kind: "unknown-token" as const },
];

Deno.test("a clean run has zero failures; fills by the other LP are not missed", () => {
  const s = snapshot();
  s.fills.push(fill(1, LP), fill(2, LP), fill(3, OTHER));
  s.accountTxs.push(
    {
      chainId: 2,
      hash: id(901),
      block: 1n,
      status: "success",
      fn: "fillRequest",
      fillRequestId: id(1),
    },
    {
      chainId: 2,
      hash: id(902),
      block: 2n,
      status: "success",
      fn: "fillRequest",
      fillRequestId: id(2),
    },
  );
  s.depositsWithdrawn.push({ sourceChainId: 1, requestId: id(1), receiver: LP });
  addClaim(s, 1n, 3, OTHER, fillId(3)); // honest claim by the other LP, left alone
  addClaim(s, 2n, 4, OTHER, fillId(77)).challengers.add(LP); // false claim, challenged
  const f = computeFigures(s, { lp: LP, plan, maxShutdownMs: 120 });
  assert.equal(f.requests, 6);
  assert.equal(f.filled, 2);
  assert.equal(f.filledByOther, 1);
  assert.equal(f.withdrawn, 1);
  assert.equal(f.withdrawnByUs, 1);
  assert.equal(f.missedFills, 0);
  assert.equal(f.falseClaims, 1);
  assert.equal(f.honestClaimsByOthers, 1);
  assert.deepEqual(failures(f, { linkChecked: false }), []);
  assert.deepEqual(failures(f, { linkChecked: true }), ["lostMessages=-1", "duplicateMessages=-1"]);
});

Deno.test("double, missed and wrong fills, reverted txs and shutdown time are caught", () => {
  const s = snapshot();
  s.fills.push(fill(1, LP), fill(4, LP));
  s.accountTxs.push(
    {
      chainId: 2,
      hash: id(901),
      block: 1n,
      status: "success",
      fn: "fillRequest",
      fillRequestId: id(1),
    },
    {
      chainId: 2,
      hash: id(911),
      block: 2n,
      status: "reverted",
      fn: "fillRequest",
      fillRequestId: id(1),
    },
    {
      chainId: 2,
      hash: id(904),
      block: 3n,
      status: "success",
      fn: "fillRequest",
      fillRequestId: id(4),
    },
  );
  const f = computeFigures(s, { lp: LP, plan, maxShutdownMs: 2500 });
  assert.equal(f.doubleFills, 1);
  assert.equal(f.missedFills, 2, "requests 2 and 3 were filled by nobody");
  assert.equal(f.wrongFills, 1, "the unsafe request 4 was filled");
  assert.equal(f.revertedTxs, 1);
  assert.deepEqual(failures(f, { linkChecked: false }), [
    "doubleFills=1",
    "missedFills=2",
    "wrongFills=1",
    "maxShutdownMs=2500",
  ]);
});

Deno.test("claims: honest ones challenged by us and false ones left alone are counted", () => {
  const s = snapshot();
  s.fills.push(fill(1, OTHER), fill(2, LP));
  addClaim(s, 1n, 1, OTHER, fillId(1)).challengers.add(LP); // honest, challenged: bad
  addClaim(s, 2n, 4, OTHER, fillId(50)); // false, unchallenged: bad
  addClaim(s, 3n, 5, OTHER, fillId(51)); // false but the fill id was invalidated on chain
  s.invalidated.push({ sourceChainId: 1, requestId: id(5), fillId: fillId(51) });
  addClaim(s, 4n, 2, OTHER, fillId(52)); // false, but the request resolved to our fill
  s.resolved.push({ sourceChainId: 1, requestId: id(2), filler: LP, fillId: fillId(2) });
  addClaim(s, 5n, 2, LP, fillId(2)); // our own claim is never "false by others"
  addClaim(s, 6n, 3, LP, fillId(3)); // ours without a fill
  const f = computeFigures(s, { lp: LP, plan, maxShutdownMs: 0 });
  assert.equal(f.ourFalseClaims, 1);
  assert.equal(f.honestClaimsChallenged, 1);
  assert.equal(f.falseClaims, 3);
  assert.equal(f.falseClaimsUnchallenged, 1);
});

Deno.test("link figures: gaps, acked-but-lost seqs, repeated statuses and unreported fills", async () => {
  const t = await tempKv();
  try {
    const store = new CoordinatorStore(t.kv);
    const status = (seq: number, reqId: string, state: string, at: string): AcceptedFrame => ({
      v: 1,
      type: "status",
      seq,
      body: { kind: "request", id: reqId, state, chainId: 1, at, details: {} },
    } as unknown as AcceptedFrame);
    const record = { ...newAgentRecord("lp-1", new Date().toISOString()), streamId: "s1" };
    const frames = [
      status(1, id(1), "filled", "2026-01-01T00:00:00Z"),
      status(2, id(1), "filled", "2026-01-01T00:00:00Z"), // the same report again
      status(4, id(2), "filled", "2026-01-01T00:00:01Z"), // seq 3 is missing
    ];
    await store.commitBatch(
      { ...record, lastSeq: 4, lost: 2 },
      frames.map((frame) => ({ frame, body: frame.body })),
      new Date().toISOString(),
    );
    const clean = await linkFigures(store, "lp-1", [id(1)]);
    assert.equal(clean.storedMessages, 3);
    assert.equal(clean.duplicateMessages, 1);
    assert.equal(clean.lostMessages, 1 + 2, "one gap plus the two the record says were lost");
    const unreported = await linkFigures(store, "lp-1", [id(1), id(3)]);
    assert.equal(unreported.lostMessages, 4, "request 3 was filled but never reported");
    const nobody = await linkFigures(store, "lp-2", [id(1)]);
    assert.deepEqual(nobody, {
      lostMessages: 1,
      duplicateMessages: 0,
      storedMessages: 0,
      streams: 0,
    });
  } finally {
    await t.cleanup();
  }
});
