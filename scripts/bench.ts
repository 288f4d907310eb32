/**
 * Benchmarks. `deno run -A scripts/bench.ts <runtime|all>` prints progress on stderr and, as its
 * last stdout line, one JSON object with the figures. `all` also writes docs/BENCHMARKS.md.
 *
 * @module
 */

import { benchRuntime } from "./bench/runtime.ts";
import { writeReport } from "./bench/report.ts";

const which = Deno.args[0] ?? "all";
const results: Record<string, unknown> = {};
if (which === "runtime" || which === "all") results.runtime = await benchRuntime();
if (!("runtime" in results)) {
  console.error(`unknown benchmark "${which}"; use runtime or all`);
  Deno.exit(2);
}
if (which === "all") await writeReport(results, "docs/BENCHMARKS.md");
console.log(JSON.stringify(which === "all" ? results : results[which]));
