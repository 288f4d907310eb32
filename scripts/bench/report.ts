/**
 * Writes docs/BENCHMARKS.md from one benchmark run: machine, date, each figure, its baseline
 * measured in the same run, the ratio and the target.
 *
 * @module
 */

import type { RuntimeBench } from "./runtime.ts";

/** The machine the run happened on. */
export async function machine(): Promise<string> {
  let cpu = "unknown CPU";
  try {
    const info = await Deno.readTextFile("/proc/cpuinfo");
    cpu = info.match(/model name\s*:\s*(.+)/)?.[1] ?? cpu;
  } catch { /* not Linux */ }
  const mem = Deno.systemMemoryInfo();
  return `${cpu}, ${navigator.hardwareConcurrency} cores, ${
    (mem.total / 2 ** 30).toFixed(0)
  } GiB ` +
    `memory, ${Deno.build.os}/${Deno.build.arch}, Deno ${Deno.version.deno}`;
}

interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  met: boolean;
}

function runtimeRows(r: RuntimeBench): Row[] {
  const msgRatio = r.runtimeMsgsPerSec / r.nactMsgsPerSec;
  const snapRatio = r.snapshotsPerSec / r.naiveSnapshotsPerSec;
  const recRatio = r.recover100kMs / r.kvList100kMs;
  return [
    {
      figure: "runtime messages/s (1,000 actors, snapshots on)",
      value: `${r.runtimeMsgsPerSec}`,
      baseline: `bare nact ${r.nactMsgsPerSec}`,
      ratio: `${msgRatio.toFixed(2)}×`,
      target: "≥ 0.8× bare nact",
      met: msgRatio >= 0.8,
    },
    {
      figure: "group-commit snapshots/s",
      value: `${r.snapshotsPerSec}`,
      baseline: `one commit per snapshot ${r.naiveSnapshotsPerSec}`,
      ratio: `${snapRatio.toFixed(1)}×`,
      target: "≥ 5× naive and ≥ 10,000/s",
      met: snapRatio >= 5 && r.snapshotsPerSec >= 10_000,
    },
    {
      figure: "recover 100k actors (ms)",
      value: `${r.recover100kMs}`,
      baseline: `raw KV list ${r.kvList100kMs} ms`,
      ratio: `${recRatio.toFixed(2)}×`,
      target: "≤ 2× the raw list",
      met: recRatio <= 2,
    },
    {
      figure: "RSS growth, 100k passivated actors (MB)",
      value: `${r.passivated100kRssMB}`,
      baseline: "—",
      ratio: "—",
      target: "< 50 MB",
      met: r.passivated100kRssMB < 50,
    },
  ];
}

/** Writes the report for `results` to `path`. */
export async function writeReport(results: Record<string, unknown>, path: string): Promise<void> {
  const rows: Row[] = [];
  if (results.runtime) rows.push(...runtimeRows(results.runtime as RuntimeBench));
  const lines = [
    "# Benchmarks",
    "",
    "Written by `deno task bench`. Each figure is compared with a baseline measured in the same",
    "run on the same machine; ratios, not absolute numbers, are what carries over between machines.",
    "",
    `- Machine: ${await machine()}`,
    `- Date: ${new Date().toISOString()}`,
    "",
    "| figure | value | baseline (same run) | ratio | target | met |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map((r) =>
      `| ${r.figure} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.target} | ${
        r.met ? "yes" : "NO"
      } |`
    ),
    "",
    "Raw figures:",
    "",
    "```json",
    JSON.stringify(results, null, 2),
    "```",
    "",
  ];
  await Deno.writeTextFile(path, lines.join("\n"));
}
