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

const REPO = new URL("../../", import.meta.url).pathname;

async function runTraffic(args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command("deno", {
    args: ["task", "--quiet", "traffic", ...args],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, stdout: text(stdout), stderr: text(stderr) };
}

Deno.test("deno task traffic prints one line per request and a JSON summary", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tern-traffic-" });
  const devnet = await startDevnet({ relay: false });
  try {
    const path = `${dir}/devnet.json`;
    await Deno.writeTextFile(path, JSON.stringify(devnet.info));
    const run = await runTraffic([
      "--devnet",
      path,
      "--count",
      "4",
      "--rate",
      "50",
      "--seed",
      "9",
      "--refuse-share",
      "0.25",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split("\n");
    assert.equal(lines.length, 5);
    for (const line of lines.slice(0, 4)) {
      assert.match(
        line,
        /^0x[0-9a-f]{64} rollup-[ab]->rollup-[ab] \d+ (fillable|unsafe|unknown-token|over-balance)$/,
      );
    }
    const { summary } = JSON.parse(lines[4]);
    assert.equal(summary.created, 4);
    assert.equal(summary.byKind.fillable, 3);
    assert.equal(summary.byKind.unsafe, 1);
    assert.deepEqual(summary.byDirection, { "rollup-a->rollup-b": 2, "rollup-b->rollup-a": 2 });
  } finally {
    await devnet.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task traffic names a missing devnet.json and exits 1", async () => {
  const run = await runTraffic(["--devnet", "/nonexistent/devnet.json", "--count", "1"]);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /\/nonexistent\/devnet\.json: file not found/);
});
