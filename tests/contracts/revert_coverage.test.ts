import assert from "node:assert/strict";

// A safety net in withdraw that no sequence of calls can reach: the payout rules never pay more
// than the pot.
const UNREACHABLE = new Set(["Amount to withdraw too large"]);

function revertReasons(source: string): string[] {
  const reasons: string[] = [];
  for (const m of source.matchAll(/require\(\s*[^;]*?,\s*"([^"]+)"\s*,?\s*\)/gs)) {
    reasons.push(m[1]);
  }
  for (const m of source.matchAll(/revert\(\s*"([^"]+)"\s*\)/g)) reasons.push(m[1]);
  return reasons;
}

Deno.test("every revert reason of the devnet contracts is asserted by a contract test", () => {
  const contracts = new URL("../../scripts/devnet/contracts/", import.meta.url);
  const reasons = new Set<string>();
  for (const entry of Deno.readDirSync(contracts)) {
    if (!entry.name.endsWith(".sol")) continue;
    for (const r of revertReasons(Deno.readTextFileSync(new URL(entry.name, contracts)))) {
      reasons.add(r);
    }
  }
  assert.ok(reasons.size >= 40, `only ${reasons.size} reasons parsed: the pattern is broken`);

  const here = new URL("./", import.meta.url);
  const tests = [...Deno.readDirSync(here)]
    .filter((e) => e.name.endsWith(".test.ts") && e.name !== "revert_coverage.test.ts")
    .map((e) => Deno.readTextFileSync(new URL(e.name, here)))
    .join("\n");
  const missing = [...reasons].filter((r) => !UNREACHABLE.has(r) && !tests.includes(`"${r}"`));
  assert.deepEqual(missing, [], `revert reasons without a test: ${missing.join(", ")}`);
});
