import assert from "node:assert/strict";
import { startDevnet } from "../../scripts/devnet/mod.ts";
import { createTraffic, planTraffic, requestCreatedEvent } from "../../scripts/devnet/traffic.ts";
import { devnetPublicClient } from "../../scripts/devnet/clients.ts";
import { tokenAbi } from "./helpers.ts";

Deno.test("traffic plans the refusal share round-robin over the refusal kinds", () => {
  const kinds = planTraffic(10, 0.3, 7);
  assert.equal(kinds.length, 10);
  const count = (k: string) => kinds.filter((x) => x === k).length;
  assert.equal(count("fillable"), 7);
  assert.equal(count("unsafe"), 1);
  assert.equal(count("unknown-token"), 1);
  assert.equal(count("over-balance"), 1);
  assert.deepEqual(planTraffic(10, 0.3, 7), kinds, "the same seed gives the same plan");
});

Deno.test("createTraffic creates requests of every kind in both directions", async () => {
  const devnet = await startDevnet({ relay: false });
  try {
    const { info } = devnet;
    const [a, b] = info.rollups;
    const created = await createTraffic(info, {
      count: 6,
      ratePerSecond: 100,
      seed: 3,
      refuseShare: 0.5,
      unsafeValidity: 1800,
      validity: 7200,
    });
    assert.equal(created.length, 6);
    const kinds = created.map((r) => r.kind).sort();
    assert.deepEqual(kinds, [
      "fillable",
      "fillable",
      "fillable",
      "over-balance",
      "unknown-token",
      "unsafe",
    ]);
    assert.deepEqual(
      [...new Set(created.map((r) => r.direction))].sort(),
      ["rollup-a->rollup-b", "rollup-b->rollup-a"],
    );

    for (const request of created) {
      const source = request.sourceChainId === a.chainId ? a : b;
      const target = source === a ? b : a;
      const reader = devnetPublicClient(source);
      const logs = await reader.getLogs({
        address: source.requestManager,
        event: requestCreatedEvent,
        args: { requestId: request.requestId },
        fromBlock: 0n,
      });
      assert.equal(logs.length, 1, `one RequestCreated for ${request.requestId}`);
      const event = logs[0].args;
      assert.equal(event.amount, request.amount);
      assert.equal(event.targetChainId, BigInt(target.chainId));
      const token = request.kind === "unknown-token" ? "UNL" : "TST";
      assert.equal(event.sourceTokenAddress?.toLowerCase(), source.tokens[token].toLowerCase());
      assert.equal(event.targetTokenAddress?.toLowerCase(), target.tokens[token].toLowerCase());
      const block = await reader.getBlock({ blockNumber: logs[0].blockNumber });
      const validity = BigInt(event.validUntil!) - block.timestamp;
      assert.equal(validity, request.kind === "unsafe" ? 1800n : 7200n);

      if (request.kind === "over-balance") {
        const lpBalance = await devnetPublicClient(target).readContract({
          address: target.tokens.TST,
          abi: tokenAbi,
          functionName: "balanceOf",
          args: [info.accounts.lp.address],
        });
        assert.ok(request.amount > lpBalance, "above the LP's TST balance on the target");
        assert.ok(request.amount <= BigInt(info.params.transferLimit), "within the limit");
      } else {
        assert.ok(request.amount >= 10n ** 17n && request.amount <= 5n * 10n ** 18n);
      }
    }
  } finally {
    await devnet.stop();
  }
});
