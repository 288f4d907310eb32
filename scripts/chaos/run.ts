/**
 * The chaos run: a devnet, the reference coordinator, a fault-injecting proxy in front of one
 * rollup's RPC, traffic with a share of requests that must be refused, a second LP that fills
 * some requests first and claims others falsely, and the agent under test killed, restarted and
 * terminated on a seeded schedule. At the end the figures are computed from the chains and the
 * coordinator's store ({@link computeFigures}).
 *
 * @example
 * const result = await runChaos({ ...DEFAULT_CHAOS_OPTIONS, requests: 50, kills: 3 });
 * console.log(JSON.stringify(result.summary));
 *
 * @module
 */
import { CoordinatorStore } from "../../lib/coordinator/store.ts";
import { prepareDevnetAgent } from "../../lib/agent/devnet_setup.ts";
import { startFaultProxy } from "../fault_proxy.ts";
import { startDevnet } from "../devnet/mod.ts";
import { createTraffic } from "../devnet/traffic.ts";
import { scanChains } from "./chain_scan.ts";
import {
  type ChaosFigures,
  computeFigures,
  failures,
  filledByUs,
  type LinkFigures,
  linkFigures,
  type PlannedRequest,
} from "./invariants.ts";
import { createOtherLp } from "./other_lp.ts";
import {
  ChildProcess,
  commandCoordinator,
  commandLine,
  inProcessCoordinator,
  type RestartableCoordinator,
} from "./processes.ts";
import { runSchedule, waitForSettlement } from "./phases.ts";
import { planSchedule } from "./schedule.ts";

/** Everything a chaos run can be told. */
export interface ChaosOptions {
  /** Requests the traffic generator creates. */
  requests: number;
  /** SIGKILLs of the agent (each followed by a restart). */
  kills: number;
  /** Coordinator restarts. */
  coordinatorRestarts: number;
  /** Seed of the traffic, the schedule, the proxy's faults and the other LP. */
  seed: number;
  /** Agent command; `{config}` is replaced by the generated TOML's path. Run from the repo root. */
  agentCmd: string;
  /** Coordinator command (`{port}`, `{kv}`); empty: the reference coordinator in this process. */
  coordinatorCmd: string;
  /** Overall deadline of the run, ms. */
  timeoutMs: number;
  /** Requests per second. */
  ratePerSecond: number;
  /** Share of requests that must be refused. */
  refuseShare: number;
  /** Length of the RPC outage, ms. */
  blackholeMs: number;
  /** Check the coordinator's store (off for an agent that does not speak the link). */
  linkCheck: boolean;
  /** Share of fillable requests the other LP fills first. */
  otherFillShare: number;
  /** Share of unsafe / over-balance requests the other LP claims falsely. */
  falseClaimShare: number;
  /** A line the agent prints once it is up; the measured SIGTERM waits for it. */
  readyLine: string;
  /** Keep the run's directory (configs, logs, KV files) instead of removing it. */
  keepWorkDir: boolean;
  /** Stops the run: everything started is stopped and the run rejects. */
  signal?: AbortSignal;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

/** Defaults: the full run of the reliability suite. */
export const DEFAULT_CHAOS_OPTIONS: ChaosOptions = {
  requests: 300,
  kills: 10,
  coordinatorRestarts: 5,
  seed: 1,
  agentCmd: "deno run -A main.ts start --config {config}",
  coordinatorCmd: "",
  timeoutMs: 600_000,
  ratePerSecond: 5,
  refuseShare: 0.2,
  blackholeMs: 20_000,
  linkCheck: true,
  otherFillShare: 0.1,
  falseClaimShare: 0.5,
  readyLine: "^tern: agent running",
  keepWorkDir: false,
};

/** The outcome of a run. */
export interface ChaosResult {
  figures: ChaosFigures;
  /** Figures that broke the pass criteria (`name=value`); empty on a pass. */
  failures: string[];
  pass: boolean;
  /** The figures plus how the run went: the JSON object printed as the last line. */
  summary: Record<string, unknown>;
}

const REPO_ROOT = new URL("../../", import.meta.url).pathname;
const AGENT_ID = "lp-chaos";

/** Runs the whole scenario; every process and server it starts is stopped before it returns. */
export async function runChaos(options: Partial<ChaosOptions> = {}): Promise<ChaosResult> {
  const o: ChaosOptions = { ...DEFAULT_CHAOS_OPTIONS, ...options };
  const log = o.log ?? ((line: string) => console.error(`chaos: ${line}`));
  const started = performance.now();
  const deadline = Date.now() + o.timeoutMs;
  const workDir = await Deno.makeTempDir({ prefix: "tern-chaos-" });
  const cleanups: (() => Promise<void>)[] = [];
  let cleaning: Promise<void> | undefined;
  const cleanupAll = () =>
    cleaning ??= (async () => {
      for (const cleanup of cleanups.reverse()) {
        await cleanup().catch((e) => log(`cleanup failed: ${e instanceof Error ? e.message : e}`));
      }
    })();
  // Anything started after an interruption began is stopped at once.
  const track = (cleanup: () => Promise<void>) => {
    if (cleaning) void cleanup().catch(() => {});
    else cleanups.push(cleanup);
  };
  const interrupted = new Promise<never>((_, reject) => {
    const onAbort = () =>
      void cleanupAll().finally(() =>
        reject(new Error("the run was interrupted; every process it started is stopped"))
      );
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener("abort", onAbort, { once: true });
  });
  interrupted.catch(() => {});
  let keep = o.keepWorkDir;
  try {
    return await Promise.race([
      scenario({ o, log, started, deadline, workDir, track }),
      interrupted,
    ]);
  } catch (e) {
    keep = true;
    log(`the run failed; its directory ${workDir} is kept (config, logs, KV files)`);
    throw e;
  } finally {
    await cleanupAll();
    if (!keep) await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}

async function scenario(x: {
  o: ChaosOptions;
  log: (line: string) => void;
  started: number;
  deadline: number;
  workDir: string;
  track: (cleanup: () => Promise<void>) => void;
}): Promise<ChaosResult> {
  const { o, log, started, deadline, workDir } = x;
  log(`work dir ${workDir}`);
  // A false claim made during the RPC outage must stay open long enough after it for the agent
  // to see it, wait its fill_wait_time (5 s) and challenge: the claim period outlasts the
  // outage by 30 s.
  const devnet = await startDevnet({
    claimPeriod: 30 + Math.ceil(o.blackholeMs / 1000),
    claimRequestExtension: 60,
    challengePeriodExtension: 10,
    finalityPeriod: 2,
    relayDelayMs: 500,
  });
  x.track(() => devnet.stop());
  const info = devnet.info;
  const lp = info.accounts.lp;

  const faulty = info.rollups[1];
  const proxy = await startFaultProxy({
    target: faulty.rpcHttp,
    seed: o.seed,
    mode: {
      errorRate: 0.025,
      malformedRate: 0.025,
      delayRate: 0.05,
      delayMs: 1000,
      delayMaxMs: 4000,
    },
  });
  x.track(() => proxy.stop());

  const token = crypto.randomUUID();
  const tokens = new Map([[token, AGENT_ID]]);
  const kvPath = `${workDir}/coordinator.kv`;
  const coordinator: RestartableCoordinator = o.coordinatorCmd
    ? await commandCoordinator({
      template: o.coordinatorCmd,
      kvPath,
      tokens,
      logPath: `${workDir}/coordinator.log`,
    })
    : await inProcessCoordinator({ kvPath, tokens });
  x.track(() => coordinator.stop());

  // The agent reaches the faulty rollup only through the proxy (its ws:// feed included).
  const files = await prepareDevnetAgent(info, {
    dir: workDir,
    coordinator: { url: coordinator.url, agentId: AGENT_ID },
    rpcReplace: { [faulty.chainId]: [proxy.url] },
  });
  const agent = new ChildProcess(
    "agent",
    commandLine(o.agentCmd, { config: files.configPath }),
    { ...files.env, TERN_COORDINATOR_TOKEN: token },
    `${workDir}/agent.log`,
    REPO_ROOT,
    new RegExp(o.readyLine),
  );
  x.track(() => agent.dispose());
  await agent.start();
  log(`agent started (pid ${agent.pid}), coordinator ${coordinator.url}, proxy ${proxy.url}`);

  const other = createOtherLp(info, {
    seed: o.seed,
    fillShare: o.otherFillShare,
    falseClaimShare: o.falseClaimShare,
  });
  const plan: PlannedRequest[] = [];
  const spanMs = (o.requests / o.ratePerSecond) * 1000;
  const schedule = planSchedule({
    spanMs,
    kills: o.kills,
    coordinatorRestarts: o.coordinatorRestarts,
    blackholeMs: o.blackholeMs,
    seed: o.seed,
  });
  const shutdowns: number[] = [];
  const done = { kills: 0 };
  const trafficStart = performance.now();
  const traffic = createTraffic(info, {
    count: o.requests,
    ratePerSecond: o.ratePerSecond,
    seed: o.seed,
    refuseShare: o.refuseShare,
    onRequest: (r) => {
      plan.push({ requestId: r.requestId, kind: r.kind });
      other.onRequest(r);
    },
  });
  const faults = runSchedule(schedule, trafficStart, {
    agent,
    coordinator,
    blackhole: (ms) => proxy.blackholeFor(ms),
    shutdowns,
    done,
    log,
    deadline,
  });
  const [created] = await Promise.all([traffic, faults]);
  log(`traffic done: ${created.length} requests; faults done`);

  await waitForSettlement(info, plan, other, agent, log, deadline, devnet.advanceTime);
  shutdowns.push(await agent.terminate());
  log(`final SIGTERM: exited in ${shutdowns.at(-1)} ms`);
  await other.idle();
  for (const failure of other.record.failures) log(`other LP: ${failure}`);
  await coordinator.stop();
  await proxy.stop();

  const snap = await scanChains(info, lp.address);
  let link: LinkFigures | undefined;
  if (o.linkCheck) {
    const kv = await Deno.openKv(kvPath);
    try {
      link = await linkFigures(new CoordinatorStore(kv), AGENT_ID, filledByUs(snap, lp.address));
    } finally {
      kv.close();
    }
  }
  const figures = computeFigures(snap, {
    lp: lp.address,
    plan,
    maxShutdownMs: Math.max(...shutdowns),
    link,
  });
  const failed = failures(figures, { linkChecked: o.linkCheck });
  return {
    figures,
    failures: failed,
    pass: failed.length === 0,
    summary: {
      pass: failed.length === 0,
      failures: failed,
      seed: o.seed,
      kills: done.kills,
      coordinatorRestarts: coordinator.restarts,
      agentStarts: agent.starts,
      agentCrashes: agent.crashes,
      shutdownsMs: shutdowns,
      linkChecked: o.linkCheck,
      storedMessages: link?.storedMessages ?? null,
      falseClaimsMade: other.record.falseClaims.size,
      otherLpFills: other.record.honest.size,
      otherLpFailures: other.record.failures.length,
      proxy: proxy.stats(),
      durationMs: Math.round(performance.now() - started),
      ...figures,
    },
  };
}
