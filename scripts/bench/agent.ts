/**
 * Agent benchmark on a devnet: fill latency (from the block carrying RequestCreated being
 * available at the RPC to the block carrying our fill, both timed by a newHeads subscription of
 * the benchmark, outside the agent; anvil mines a transaction as it is broadcast), a burst of
 * requests created at once until all are filled, and the same latency for a polling LP with the
 * reference agent's default period as the baseline.
 *
 * @module
 */

import { startDevnet } from "../devnet/mod.ts";
import { prepareDevnetAgent } from "../../lib/agent/devnet_setup.ts";
import { AgentProcess } from "../agent_process.ts";
import { BlockClock, quantile } from "./block_clock.ts";
import { type BenchRequest, createRequests, fillBlocks, prepareUsers } from "./requests.ts";
import { startPollingLp } from "./poll_baseline.ts";
import type { DevnetInfo } from "../devnet/types.ts";
import { devnetPublicClient } from "../devnet/clients.ts";

/** Figures of the agent benchmark. */
export interface AgentBench {
  fillLatencyP50Ms: number;
  fillLatencyP99Ms: number;
  fillLatencyMaxMs: number;
  latencyRequests: number;
  burstRequests: number;
  burst1000AllFilledMs: number;
  baselinePollPeriodMs: number;
  baselineRequests: number;
  baselineFillLatencyP50Ms: number;
  baselineFillLatencyP99Ms: number;
  /** `tern start` to its running line on a fresh KV. */
  coldStartMs: number;
  /** The same after a SIGKILL, with every request of the run in the KV (recovery). */
  restartAfterKillMs: number;
  /** Requests in the KV at that restart. */
  requestsInKv: number;
}

/** Options of {@link benchAgent}. */
export interface AgentBenchOptions {
  latencyRequests?: number;
  ratePerSecond?: number;
  burst?: number;
  baselineRequests?: number;
  baselinePeriodMs?: number;
  log?: (line: string) => void;
}

async function heads(info: DevnetInfo): Promise<Map<number, bigint>> {
  const out = new Map<number, bigint>();
  for (const r of info.rollups) out.set(r.chainId, await devnetPublicClient(r).getBlockNumber());
  return out;
}

/** Waits until every request has a fill by `filler`; returns their fill blocks. */
async function awaitFills(
  info: DevnetInfo,
  requests: BenchRequest[],
  from: Map<number, bigint>,
  filler: string,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fills = await fillBlocks(info, from, filler);
    const missing = requests.filter((r) => !fills.has(r.requestId)).length;
    if (missing === 0) return fills;
    if (Date.now() > deadline) {
      throw new Error(`${missing} of ${requests.length} requests not filled after ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function latencies(
  clock: BlockClock,
  requests: BenchRequest[],
  fills: Map<string, { chainId: number; blockNumber: number }>,
): number[] {
  const out: number[] = [];
  for (const r of requests) {
    const created = clock.arrival(r.sourceChainId, r.blockNumber);
    const fill = fills.get(r.requestId);
    const filled = fill && clock.arrival(fill.chainId, fill.blockNumber);
    if (created !== undefined && filled !== undefined) out.push(filled - created);
  }
  return out;
}

/** Runs the agent benchmark; everything it starts is stopped before it returns or throws. */
export async function benchAgent(opts: AgentBenchOptions = {}): Promise<AgentBench> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const n = opts.latencyRequests ?? 500;
  const burst = opts.burst ?? 1000;
  const baselineN = opts.baselineRequests ?? 60;
  const period = opts.baselinePeriodMs ?? 5_000;
  const dir = await Deno.makeTempDir({ prefix: "tern-bench-agent-" });
  const devnet = await startDevnet({ funding: { lpTokens: 1_000_000n * 10n ** 18n } });
  const clock = new BlockClock();
  let agent: AgentProcess | undefined;
  try {
    const info = devnet.info;
    await prepareUsers(info);
    await clock.watch(info.rollups.map((r) => ({ chainId: r.chainId, wsUrl: r.rpcWs })));
    const files = await prepareDevnetAgent(info, { dir, logLevel: "warning" });
    agent = new AgentProcess({ configPath: files.configPath, env: files.env });
    let t = performance.now();
    await agent.start();
    const coldStartMs = Math.round(performance.now() - t);
    const lp = info.accounts.lp.address;

    log(`agent bench: ${n} requests at ${opts.ratePerSecond ?? 25}/s`);
    let from = await heads(info);
    const steady = await createRequests(info, n, { ratePerSecond: opts.ratePerSecond ?? 25 });
    const steadyFills = await awaitFills(info, steady, from, lp, 120_000);
    const lat = latencies(clock, steady, steadyFills);

    log(`agent bench: burst of ${burst} requests`);
    from = await heads(info);
    const t0 = performance.now();
    const burstReqs = await createRequests(info, burst);
    const burstFills = await awaitFills(info, burstReqs, from, lp, 300_000);
    const firstCreated = Math.min(
      ...burstReqs.map((r) => clock.arrival(r.sourceChainId, r.blockNumber) ?? t0),
    );
    const lastFilled = Math.max(
      ...[...burstFills.values()].map((f) => clock.arrival(f.chainId, f.blockNumber) ?? 0),
    );
    log("agent bench: SIGKILL and restart (recovery)");
    await agent.kill("SIGKILL");
    t = performance.now();
    await agent.start();
    const restartAfterKillMs = Math.round(performance.now() - t);
    await agent.stop();

    log(`agent bench: baseline polling LP, period ${period} ms, ${baselineN} requests`);
    const poller = await startPollingLp(info, info.accounts.otherLp, period);
    from = await heads(info);
    const base = await createRequests(info, baselineN, { ratePerSecond: 5 });
    const baseFills = await awaitFills(info, base, from, info.accounts.otherLp.address, 120_000);
    await poller.stop();
    const baseLat = latencies(clock, base, baseFills);

    return {
      fillLatencyP50Ms: Math.round(quantile(lat, 0.5)),
      fillLatencyP99Ms: Math.round(quantile(lat, 0.99)),
      fillLatencyMaxMs: Math.round(Math.max(...lat)),
      latencyRequests: lat.length,
      burstRequests: burstReqs.length,
      burst1000AllFilledMs: Math.round(lastFilled - firstCreated),
      baselinePollPeriodMs: period,
      baselineRequests: baseLat.length,
      baselineFillLatencyP50Ms: Math.round(quantile(baseLat, 0.5)),
      baselineFillLatencyP99Ms: Math.round(quantile(baseLat, 0.99)),
      coldStartMs,
      restartAfterKillMs,
      requestsInKv: steady.length + burstReqs.length,
    };
  } finally {
    clock.close();
    await agent?.kill("SIGKILL");
    await devnet.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
