/**
 * The chaos figures can fail: a stand-in LP told to fill twice and to fill requests it must refuse
 * makes the run report double and wrong fills and exit as a fail. The link check is on: the
 * stand-in never reports to the coordinator, so every one of its fills counts as a lost message.
 */
import assert from "node:assert/strict";
import { runChaos } from "../../scripts/chaos/run.ts";

Deno.test("chaos run catches a double-filling, wrongly-filling LP", async () => {
  const lines: string[] = [];
  const result = await runChaos({
    requests: 8,
    kills: 0,
    coordinatorRestarts: 0,
    seed: 5,
    agentCmd: "deno run -A tests/chaos/standin_lp.ts {config} --misbehave double-fill,wrong-fill",
    ratePerSecond: 8,
    refuseShare: 0.5,
    blackholeMs: 0,
    falseClaimShare: 0,
    otherFillShare: 0,
    linkCheck: true,
    timeoutMs: 30_000,
    log: (line) => lines.push(line),
  });
  const f = result.figures;
  const why = `${JSON.stringify(result.summary)}\n${lines.join("\n")}`;
  assert.equal(result.pass, false, why);
  assert.ok(f.doubleFills > 0, why);
  assert.ok(f.wrongFills > 0, why);
  assert.ok(f.revertedTxs >= f.doubleFills, `the second fills reverted: ${why}`);
  assert.ok(result.failures.some((x) => x.startsWith("doubleFills=")), why);
  assert.ok(result.failures.some((x) => x.startsWith("wrongFills=")), why);
  assert.equal(f.lostMessages, f.filled, `no status stored for any fill: ${why}`);
  assert.equal(f.duplicateMessages, 0, why);
});
