/**
 * The chaos orchestration end to end on a real devnet, with the stand-in LP fixture in place of
 * the agent (it does not speak the link, so the coordinator-store figures are not checked here;
 * tests/chaos/invariants.test.ts covers them).
 */
import assert from "node:assert/strict";
import { runChaos } from "../../scripts/chaos/run.ts";

const STANDIN = "deno run -A tests/chaos/standin_lp.ts {config}";

Deno.test("chaos short run with the stand-in LP: kill, restart, SIGTERM, outage — and a pass", async () => {
  const lines: string[] = [];
  const result = await runChaos({
    requests: 12,
    kills: 1,
    coordinatorRestarts: 1,
    seed: 3,
    agentCmd: STANDIN,
    ratePerSecond: 4,
    refuseShare: 0.5,
    blackholeMs: 3000,
    falseClaimShare: 1,
    otherFillShare: 0.3,
    linkCheck: false,
    timeoutMs: 45_000,
    log: (line) => lines.push(line),
  });
  const f = result.figures;
  const why = `${JSON.stringify(result.summary)}\n${lines.join("\n")}`;
  assert.equal(result.pass, true, why);
  assert.equal(f.requests, 12, why);
  assert.ok(f.filled > 0, why);
  assert.equal(f.filled + f.filledByOther, 6, `every fillable request filled once: ${why}`);
  assert.equal(f.withdrawn, 6, why);
  assert.ok(f.falseClaims > 0, `false claims were exercised: ${why}`);
  assert.equal(result.summary.kills, 1);
  assert.equal(result.summary.coordinatorRestarts, 1);
  assert.ok(
    (result.summary.agentStarts as number) >= 3,
    "started, restarted after kill and SIGTERM",
  );
  assert.ok(f.maxShutdownMs >= 0 && f.maxShutdownMs < 2000, why);
});
