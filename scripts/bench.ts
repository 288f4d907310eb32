/**
 * Benchmarks. `deno run -A --v8-flags=--expose-gc scripts/bench.ts <runtime|link|agent|memory|all>`
 * prints progress on stderr and, as its last stdout line, one JSON object with the figures.
 * `all` runs every one and writes docs/BENCHMARKS.md.
 *
 * @module
 */

import { benchRuntime } from "./bench/runtime.ts";
import { benchLink } from "./bench_link.ts";
import { benchAgent } from "./bench/agent.ts";
import { benchAgentMemory } from "./bench/agent_memory.ts";
import { writeReport } from "./bench/report.ts";

const BENCHES: Record<string, () => Promise<unknown>> = {
  runtime: () => benchRuntime(),
  link: () => benchLink(),
  agent: () => benchAgent(),
  memory: () => benchAgentMemory(),
};

const which = Deno.args[0] ?? "all";
if (which !== "all" && !(which in BENCHES)) {
  console.error(`unknown benchmark "${which}"; use ${Object.keys(BENCHES).join(", ")} or all`);
  Deno.exit(2);
}
const results: Record<string, unknown> = {};
for (const [name, run] of Object.entries(BENCHES)) {
  if (which !== "all" && which !== name) continue;
  console.error(`bench: ${name}`);
  results[name] = await run();
}
if (which === "all") await writeReport(results, "docs/BENCHMARKS.md");
console.log(JSON.stringify(which === "all" ? results : results[which]));
