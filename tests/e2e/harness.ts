/**
 * End-to-end harness: a real devnet, the agent as a child process started from a generated
 * config and keystore, and on-chain readers to check outcomes (never the agent's own word).
 * `using`-style cleanup: `stop()` kills the agent by pid and stops every anvil, even on failure.
 *
 * @module
 */

import { parseEventLogs } from "viem";
import { type Devnet, type DevnetOptions, startDevnet } from "../../scripts/devnet/mod.ts";
import { AgentProcess } from "../../scripts/agent_process.ts";
import { type DevnetAgentFiles, prepareDevnetAgent } from "../../lib/agent/devnet_setup.ts";
import type { DevnetConfigOptions } from "../../lib/agent/devnet_config.ts";
import { fillManagerAbi, requestManagerAbi } from "../../lib/chain/abi.ts";
import { actors } from "../devnet/helpers.ts";
import { devnetPublicClient } from "../../scripts/devnet/clients.ts";
import type { DevnetRollupInfo, Hex } from "../../scripts/devnet/types.ts";

/** Options of {@link startE2e}. */
export interface E2eOptions {
  devnet?: DevnetOptions;
  config?: Omit<DevnetConfigOptions, "dataDir" | "keystore">;
  /** Runs after the devnet is up and before the config is written; returns config additions. */
  prepare?: (devnet: Devnet) => Promise<Omit<DevnetConfigOptions, "dataDir" | "keystore">>;
  /** Extra environment of the agent process. */
  env?: Record<string, string>;
  /** Extra cleanup, run by `stop()` before the devnet stops. */
  cleanup?: () => Promise<void>;
  /** Do not start the agent yet. */
  agentLater?: boolean;
  echo?: boolean;
}

/** A devnet with an agent. */
export interface E2e {
  devnet: Devnet;
  files: DevnetAgentFiles;
  agent: AgentProcess;
  who: ReturnType<typeof actors>;
  stop(): Promise<void>;
}

/** Starts a devnet and (unless `agentLater`) the agent on it. */
export async function startE2e(opts: E2eOptions = {}): Promise<E2e> {
  const devnet = await startDevnet({ relayDelayMs: 500, ...opts.devnet });
  const dir = await Deno.makeTempDir({ prefix: "tern-e2e-" });
  let agent: AgentProcess | undefined;
  try {
    const files = await prepareDevnetAgent(devnet.info, {
      dir,
      logLevel: "info",
      fillWaitTime: 2,
      ...opts.config,
      ...(await opts.prepare?.(devnet)),
    });
    agent = new AgentProcess({
      configPath: files.configPath,
      env: { ...files.env, ...opts.env },
      echo: opts.echo ?? Deno.env.get("TERN_E2E_ECHO") === "1",
    });
    if (!opts.agentLater) await agent.start();
    const running = agent;
    return {
      devnet,
      files,
      agent: running,
      who: actors(devnet.info),
      async stop() {
        await running.kill("SIGKILL");
        await opts.cleanup?.().catch(() => {});
        await devnet.stop();
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      },
    };
  } catch (e) {
    await agent?.kill("SIGKILL");
    await opts.cleanup?.().catch(() => {});
    await devnet.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw e;
  }
}

/** Every RequestFilled of `requestId` on `target`: who filled and with which fill id. */
export async function fillsOf(
  _e: E2e,
  target: DevnetRollupInfo,
  requestId: Hex,
): Promise<{ filler: string; fillId: Hex }[]> {
  const logs = await devnetPublicClient(target).getLogs({
    address: target.fillManager,
    fromBlock: BigInt(target.deploymentBlock),
    toBlock: "latest",
  });
  return parseEventLogs({ abi: fillManagerAbi, eventName: "RequestFilled", logs })
    .filter((l) => l.args.requestId === requestId)
    .map((l) => ({ filler: l.args.filler.toLowerCase(), fillId: l.args.fillId }));
}

/** The RequestManager events of `requestId` on `source`, decoded, in chain order. */
export async function requestEvents(_e: E2e, source: DevnetRollupInfo, requestId: Hex) {
  const logs = await devnetPublicClient(source).getLogs({
    address: source.requestManager,
    fromBlock: BigInt(source.deploymentBlock),
    toBlock: "latest",
  });
  return parseEventLogs({ abi: requestManagerAbi, logs }).filter((l) =>
    "requestId" in l.args && l.args.requestId === requestId
  );
}

/** Whether the request's deposit was withdrawn to `receiver` (lower case). */
export async function depositWithdrawnTo(
  e: E2e,
  source: DevnetRollupInfo,
  requestId: Hex,
): Promise<string | undefined> {
  const events = await requestEvents(e, source, requestId);
  const w = events.find((l) => l.eventName === "DepositWithdrawn");
  return w && "receiver" in w.args ? String(w.args.receiver).toLowerCase() : undefined;
}

/** Claims made on a request: claimer, claim id, last challenger. */
export async function claimsOf(e: E2e, source: DevnetRollupInfo, requestId: Hex) {
  const events = await requestEvents(e, source, requestId);
  return events.flatMap((l) =>
    l.eventName === "ClaimMade"
      ? [{
        claimId: l.args.claimId,
        claimer: l.args.claimer.toLowerCase(),
        lastChallenger: l.args.lastChallenger.toLowerCase(),
        challengerStakeTotal: l.args.challengerStakeTotal,
        termination: l.args.termination,
        fillId: l.args.fillId,
      }]
      : []
  );
}

/**
 * Moves chain time forward in steps (a block each), letting the agent react between steps,
 * until `check` holds or `timeoutMs` passes.
 */
export async function advanceUntil<T>(
  e: E2e,
  what: string,
  stepSeconds: number,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${e.agent.tail(30)}`);
    }
    await e.devnet.advanceTime(stepSeconds);
    await new Promise((r) => setTimeout(r, 250));
  }
}
