/**
 * Runtime benchmark: message throughput against bare nact, group commit against one commit per
 * snapshot, recovery of 100k actors against a raw KV list of the same keys, and the memory held
 * by 100k passivated actors. Every pair is measured in the same run on the same machine.
 *
 * @module
 */

import nact from "nact";
import { ActorSystem, type Behavior } from "../../lib/runtime/mod.ts";
import { SnapshotStore, type SnapshotValue } from "../../lib/kv/snapshot_store.ts";
import { SNAPSHOT_FORMAT } from "../../lib/kv/schema.ts";

/** The figures of one runtime benchmark run. */
export interface RuntimeBench {
  runtimeMsgsPerSec: number;
  nactMsgsPerSec: number;
  snapshotsPerSec: number;
  naiveSnapshotsPerSec: number;
  recover100kMs: number;
  kvList100kMs: number;
  passivated100kRssMB: number;
  passivated100kHeapMB: number;
}

type Count = { type: "inc" };

const counter: Behavior<{ n: number }, Count> = {
  kind: "bench-counter",
  version: 1,
  initial: () => ({ n: 0 }),
  handle: (s) => ({ state: { n: s.n + 1 } }),
  summary: (s) => `n=${s.n}`,
};

async function tempKvPath(): Promise<{ path: string; dir: string }> {
  const dir = await Deno.makeTempDir({ prefix: "tern-bench-" });
  return { path: `${dir}/bench.kv`, dir };
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 0));
}

/** Bare nact: `actors` stateful actors, `messages` dispatched round-robin. */
async function nactThroughput(actors: number, messages: number): Promise<number> {
  // deno-lint-ignore no-explicit-any
  const n = nact as any;
  const system = n.start();
  let handled = 0;
  const refs = Array.from({ length: actors }, (_, i) =>
    n.spawn(
      system,
      (state: number) => {
        handled++;
        return state + 1;
      },
      `a${i}`,
      { initialState: 0 },
    ));
  const t0 = performance.now();
  for (let m = 0; m < messages; m++) n.dispatch(refs[m % actors], { type: "inc" });
  await until(() => handled >= messages);
  const ms = performance.now() - t0;
  n.stop(system);
  return messages / (ms / 1000);
}

/** tern's runtime with snapshots on: the same actors and messages. */
async function runtimeThroughput(actors: number, messages: number): Promise<number> {
  const { path, dir } = await tempKvPath();
  const kv = await Deno.openKv(path);
  const system = await ActorSystem.start({ kv, behaviors: [counter] });
  const paths = Array.from({ length: actors }, (_, i) => `/b/${i % 32}/a${i}`);
  for (const p of paths) system.spawn(p, "bench-counter");
  await system.flush();
  const base = system.metrics.messages;
  const t0 = performance.now();
  for (let m = 0; m < messages; m++) system.send(paths[m % actors], { type: "inc" });
  await until(() => system.metrics.messages - base >= messages);
  const ms = performance.now() - t0;
  await system.stop({ timeoutMs: 30_000 });
  kv.close();
  await Deno.remove(dir, { recursive: true });
  return messages / (ms / 1000);
}

function snapshotValue(i: number, passive = false): SnapshotValue {
  const state = { n: i, note: "x".repeat(120), at: 1_700_000_000_000 + i };
  return {
    f: SNAPSHOT_FORMAT,
    kind: "bench-counter",
    v: 1,
    parent: `/b/${i % 64}`,
    passive,
    summary: `n=${i}`,
    data: JSON.stringify({ state, timers: {} }),
  };
}

/** Writes `count` snapshots through a SnapshotStore with `maxBatch`; returns snapshots/s. */
async function snapshotRate(kv: Deno.Kv, count: number, maxBatch?: number): Promise<number> {
  const store = new SnapshotStore(kv, {
    source: (path) => ({ value: snapshotValue(Number(path.split("a")[1])), version: 1 }),
  }, { maxBatch });
  await store.open();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) store.markDirty(`/b/${i % 64}/a${i}`);
  await store.flush();
  return count / ((performance.now() - t0) / 1000);
}

async function writeSnapshots(kv: Deno.Kv, count: number, passive: boolean): Promise<void> {
  const store = new SnapshotStore(kv, {
    source: (path) => ({ value: snapshotValue(Number(path.split("a")[1]), passive), version: 1 }),
  });
  await store.open();
  for (let i = 0; i < count; i++) store.markDirty(`/b/${i % 64}/a${i}`);
  await store.flush();
}

async function rawList(path: string): Promise<number> {
  const kv = await Deno.openKv(path);
  const t0 = performance.now();
  let n = 0;
  for await (const _ of kv.list({ prefix: ["tern", "snap"] }, { batchSize: 1000 })) n++;
  const ms = performance.now() - t0;
  kv.close();
  if (n < 100_000) throw new Error(`raw list saw ${n} keys`);
  return ms;
}

async function recoverAll(path: string): Promise<number> {
  const kv = await Deno.openKv(path);
  const t0 = performance.now();
  const system = await ActorSystem.start({ kv, behaviors: [counter] });
  const ms = performance.now() - t0;
  if (system.counts.active < 100_000) throw new Error(`recovered ${system.counts.active}`);
  await system.stop({ timeoutMs: 30_000 });
  kv.close();
  return ms;
}

/** RSS growth (MB) from holding 100k passivated actors, measured in a fresh process. */
async function passivatedRss(path: string): Promise<{ rssMB: number; heapMB: number }> {
  const script = new URL("./passive_rss.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", "--v8-flags=--expose-gc", script, path],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
  const res = JSON.parse(line) as { rssMB: number; heapMB: number; passive: number };
  if (res.passive < 100_000) throw new Error(`only ${res.passive} passivated actors recovered`);
  return res;
}

/** Runs the runtime benchmark. */
export async function benchRuntime(
  log: (s: string) => void = console.error,
): Promise<RuntimeBench> {
  const actors = 1000, messages = 300_000;
  // Alternate the two sides and keep each side's best, so neither profits from warm-up order.
  let nactBest = 0, runtimeBest = 0;
  for (let round = 0; round < 3; round++) {
    nactBest = Math.max(nactBest, await nactThroughput(actors, messages));
    runtimeBest = Math.max(runtimeBest, await runtimeThroughput(actors, messages));
    log(
      `throughput round ${round + 1}: nact ${nactBest.toFixed(0)}/s, runtime ${
        runtimeBest.toFixed(0)
      }/s`,
    );
  }

  const a = await tempKvPath();
  let kv = await Deno.openKv(a.path);
  const naive = await snapshotRate(kv, 3_000, 1);
  const group = await snapshotRate(kv, 50_000);
  kv.close();
  log(`snapshots: group ${group.toFixed(0)}/s, naive ${naive.toFixed(0)}/s`);

  const b = await tempKvPath();
  kv = await Deno.openKv(b.path);
  await writeSnapshots(kv, 100_000, false);
  kv.close();
  let listMs = Infinity, recoverMs = Infinity;
  for (let round = 0; round < 3; round++) {
    listMs = Math.min(listMs, await rawList(b.path));
    recoverMs = Math.min(recoverMs, await recoverAll(b.path));
  }
  log(`100k: raw list ${listMs.toFixed(0)} ms, recovery ${recoverMs.toFixed(0)} ms`);

  const c = await tempKvPath();
  kv = await Deno.openKv(c.path);
  await writeSnapshots(kv, 100_000, true);
  kv.close();
  const mem = await passivatedRss(c.path);
  log(`100k passivated: RSS growth ${mem.rssMB.toFixed(1)} MB, heap ${mem.heapMB.toFixed(1)} MB`);

  for (const d of [a, b, c]) await Deno.remove(d.dir, { recursive: true });
  return {
    runtimeMsgsPerSec: Math.round(runtimeBest),
    nactMsgsPerSec: Math.round(nactBest),
    snapshotsPerSec: Math.round(group),
    naiveSnapshotsPerSec: Math.round(naive),
    recover100kMs: Math.round(recoverMs),
    kvList100kMs: Math.round(listMs),
    passivated100kRssMB: Math.round(mem.rssMB * 10) / 10,
    passivated100kHeapMB: Math.round(mem.heapMB * 10) / 10,
  };
}
