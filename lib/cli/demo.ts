/**
 * The embedded demo behind `tern start` without a config: a local devnet (three anvil chains with
 * tern's Beamer-compatible contracts and a relay), the agent configured for it through the same
 * config-file and keystore path an operator uses, and a traffic generator creating requests in
 * both directions, a share of which the agent must refuse. Prints a progress line every two
 * seconds until the signal aborts, then stops everything.
 *
 * @module
 */

import { startDevnet } from "../../scripts/devnet/mod.ts";
import { createTraffic } from "../../scripts/devnet/traffic.ts";
import { prepareDevnetAgent } from "../agent/devnet_setup.ts";
import { progressLine, type StatusTally } from "../agent/status_tally.ts";
import { type AgentFlags, startFromConfigFile } from "./agent_start.ts";

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Where the demo writes its keystore, config and KV (a fresh temp dir by default). */
  dir?: string;
  /** Requests created per second (default 0.5). */
  ratePerSecond?: number;
  /** Share of requests the agent must refuse (default 0.2). */
  refuseShare?: number;
  /** Seconds between progress lines (default 2). */
  progressEverySeconds?: number;
  /** Logging flags passed to the agent. */
  flags?: AgentFlags;
  /** Where progress goes (default console.log). */
  print?: (line: string) => void;
}

/** Runs the demo until `signal` aborts. */
export async function runDemo(signal: AbortSignal, opts: DemoOptions = {}): Promise<void> {
  const print = opts.print ?? console.log;
  const dir = opts.dir ?? await Deno.makeTempDir({ prefix: "tern-demo-" });
  print(`tern demo: starting a local devnet (3 anvil chains) in ${dir}`);
  const devnet = await startDevnet({
    blockTime: 1,
    claimPeriod: 30,
    challengePeriodExtension: 30,
    claimRequestExtension: 30,
    finalityPeriod: 10,
    relayDelayMs: 2_000,
  });
  const traffic = new AbortController();
  let agent: Awaited<ReturnType<typeof startFromConfigFile>> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    const files = await prepareDevnetAgent(devnet.info, { dir, logLevel: "warning" });
    agent = await startFromConfigFile(files.configPath, { ...Deno.env.toObject(), ...files.env }, {
      ...opts.flags,
    });
    const chains = devnet.info.rollups.map((r) => `${r.name} (${r.chainId})`).join(", ");
    print(`tern demo: agent running for LP ${agent.lp} on ${chains}`);
    if (agent.inspectorUrl) print(`tern demo: inspector at ${agent.inspectorUrl}`);
    print("tern demo: creating requests; Ctrl-C stops everything");
    const running = agent;
    timer = setInterval(() => {
      const tally = running.system.stateOf<StatusTally>("/status");
      if (tally) print(`tern demo: ${progressLine(tally)}`);
    }, (opts.progressEverySeconds ?? 2) * 1000);
    const created = createTraffic(devnet.info, {
      count: 1_000_000,
      ratePerSecond: opts.ratePerSecond ?? 0.5,
      refuseShare: opts.refuseShare ?? 0.2,
      signal: traffic.signal,
    }).catch((e) => {
      if (!traffic.signal.aborted) print(`tern demo: traffic stopped: ${e.message ?? e}`);
    });
    await Promise.race([
      new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve())),
      running.stopped,
    ]);
    traffic.abort();
    await Promise.race([created, new Promise((r) => setTimeout(r, 500))]);
  } finally {
    traffic.abort();
    if (timer !== undefined) clearInterval(timer);
    const tally = agent?.system.stateOf<StatusTally>("/status");
    await agent?.stop("demo stopped");
    await devnet.stop();
    if (tally) print(`tern demo: final: ${progressLine(tally)}`);
    print("tern demo: stopped");
  }
}
