/**
 * Writes docs/BENCHMARKS.md from one benchmark run: machine, date, each figure, its baseline
 * measured in the same run, the ratio and the target.
 *
 * @module
 */

import type { RuntimeBench } from "./runtime.ts";
import type { AgentBench } from "./agent.ts";
import type { AgentMemoryBench } from "./agent_memory.ts";
import type { LinkBenchResult } from "../bench_link.ts";

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

function linkRows(r: LinkBenchResult): Row[] {
  return [
    {
      figure: "link: statuses persisted, sent and acked per second",
      value: `${r.persistSendAckPerSec}`,
      baseline: "—",
      ratio: "—",
      target: "≥ 5,000/s",
      met: r.persistSendAckPerSec >= 5_000,
    },
    {
      figure: `link: coordinator back up → ${r.queuedWhileDown} queued statuses stored (ms)`,
      value: `${r.reconnectMs}`,
      baseline: "—",
      ratio: "—",
      target: "< 200 ms",
      met: r.reconnectMs < 200,
    },
  ];
}

function agentRows(r: AgentBench): Row[] {
  return [
    {
      figure: `fill latency p50 (ms, ${r.latencyRequests} requests)`,
      value: `${r.fillLatencyP50Ms}`,
      baseline: `polling LP every ${r.baselinePollPeriodMs} ms: ${r.baselineFillLatencyP50Ms}`,
      ratio: `${(r.baselineFillLatencyP50Ms / Math.max(1, r.fillLatencyP50Ms)).toFixed(0)}× faster`,
      target: "< 100 ms",
      met: r.fillLatencyP50Ms < 100,
    },
    {
      figure: "fill latency p99 (ms)",
      value: `${r.fillLatencyP99Ms}`,
      baseline: `polling LP: ${r.baselineFillLatencyP99Ms}`,
      ratio: `${(r.baselineFillLatencyP99Ms / Math.max(1, r.fillLatencyP99Ms)).toFixed(0)}× faster`,
      target: "< 500 ms",
      met: r.fillLatencyP99Ms < 500,
    },
    {
      figure: `burst of ${r.burstRequests} requests until all filled (ms)`,
      value: `${r.burst1000AllFilledMs}`,
      baseline: "—",
      ratio: "—",
      target: "< 30,000 ms",
      met: r.burst1000AllFilledMs < 30_000,
    },
    {
      figure: `restart after SIGKILL with ${r.requestsInKv} requests in KV (ms to running)`,
      value: `${r.restartAfterKillMs}`,
      baseline: `cold start ${r.coldStartMs} ms`,
      ratio: `${(r.restartAfterKillMs / Math.max(1, r.coldStartMs)).toFixed(2)}×`,
      target: "≤ 2× a cold start",
      met: r.restartAfterKillMs <= 2 * r.coldStartMs,
    },
  ];
}

function memoryRows(r: AgentMemoryBench): Row[] {
  return [
    {
      figure: "memory: 1,000 active requests (RSS growth MB / heap MB)",
      value: `${r.active1000RssMB} / ${r.active1000HeapMB}`,
      baseline: "—",
      ratio: "—",
      target: "heap < 50 MB",
      met: r.active1000HeapMB < 50,
    },
    {
      figure: `memory: ${r.passivatedRecovered} historical requests, passivated (RSS MB / heap MB)`,
      value: `${r.passivated100kRssMB} / ${r.passivated100kHeapMB}`,
      baseline: "—",
      ratio: "—",
      target: "RSS < 100 MB",
      met: r.passivated100kRssMB < 100,
    },
  ];
}

/** Why a target is missed and what it would take, for every missed target we can explain. */
function notes(rows: Row[]): string[] {
  const out: string[] = [];
  if (rows.some((r) => r.figure.startsWith("burst of") && !r.met)) {
    out.push(
      "**Burst target not met.** Each chain's TxSender keeps at most 24 transactions in flight:",
      "its whole bookkeeping (signed transactions, attempts, nonces) is one snapshot, and a Deno",
      "KV value is at most 64 KiB. A burst of 1,000 requests makes 1,000 fills and, right after,",
      "1,000 claims queue behind those 24 slots, each request retrying within a second when its",
      "sender answers `busy`. Latency for a steady stream is unaffected (above). What it would",
      "take: keep each transaction's record in its own child actor of the sender (one snapshot per",
      "transaction, so in-flight transactions are bounded by nonces, not by one value's size) and",
      "poll receipts once per block for every transaction in flight.",
      "",
    );
  }
  return out;
}

/** Writes the report for `results` to `path`. */
export async function writeReport(results: Record<string, unknown>, path: string): Promise<void> {
  const rows: Row[] = [];
  if (results.runtime) rows.push(...runtimeRows(results.runtime as RuntimeBench));
  if (results.link) rows.push(...linkRows(results.link as LinkBenchResult));
  if (results.agent) rows.push(...agentRows(results.agent as AgentBench));
  if (results.memory) rows.push(...memoryRows(results.memory as AgentMemoryBench));
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
    ...notes(rows),
    "Raw figures:",
    "",
    "```json",
    JSON.stringify(results, null, 2),
    "```",
    "",
  ];
  await Deno.writeTextFile(path, lines.join("\n"));
}
