/**
 * The devnet as a library: three anvil chains (L1 and two rollups), tern's Beamer-compatible
 * contracts deployed and wired on them, and the relay carrying messages between them.
 *
 * @example
 * const devnet = await startDevnet({ claimPeriod: 30 });
 * try {
 *   console.log(devnet.info.rollups[0].requestManager);
 *   await devnet.advanceTime(31);
 * } finally {
 *   await devnet.stop();
 * }
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { ANVIL_BINARY, type AnvilInstance, increaseTimeAll, rpcCall, startAnvil } from "./anvil.ts";
import { DEFAULT_FUNDING, DEFAULT_PARAMS, deployDevnet, type DevnetFunding } from "./deploy.ts";
import { type Relay, type RelayOptions, startRelay } from "./relay.ts";
import type { DevnetInfo, DevnetParams } from "./types.ts";

const log = getLogger(["tern", "devnet"]);

/** TST minted to each LP on every rollup unless told otherwise: 5_000 tokens. */
export const DEFAULT_LP_TOKENS: bigint = 5_000n * 10n ** 18n;

/** Fee settings written to every RequestManager with `updateFees`. */
export interface DevnetFees {
  /** Margin on the minimum LP fee, ppm. */
  minFeePPM?: number;
  /** LP fee, ppm of the amount. */
  lpFeePPM?: number;
  /** Protocol fee, ppm of the amount. */
  protocolFeePPM?: number;
}

/** Options of {@link startDevnet}; every field has a demo-friendly default. */
export interface DevnetOptions {
  /** L1 chain id (default 31337). */
  l1ChainId?: number;
  /** Rollup chain ids, at least two (default [31338, 31339]). */
  rollupChainIds?: number[];
  /** RequestManager claim stake, wei. */
  claimStake?: bigint;
  /** Claim period, seconds. */
  claimPeriod?: number;
  /** Claim request extension, seconds. */
  claimRequestExtension?: number;
  /** Challenge period extension, seconds. */
  challengePeriodExtension?: number;
  /** Finality period configured for every chain, seconds. */
  finalityPeriod?: number;
  /** Relay delay standing for the bridge's finality, milliseconds. */
  relayDelayMs?: number;
  /** Fees for every RequestManager. */
  fees?: DevnetFees;
  /**
   * Tokens minted by the deploy, base units. The LP gets 5_000 TST per rollup by default: half
   * the transfer limit, so requests above the LP's balance but within the limit exist.
   */
  funding?: Partial<DevnetFunding>;
  /** Seconds between blocks once deployed (interval mining); omitted = a block per transaction. */
  blockTime?: number;
  /** Start the relay (default true). */
  relay?: boolean;
  /** Further relay options (poll interval, timeouts). */
  relayOptions?: Omit<RelayOptions, "delayMs">;
}

/** Pids of the processes a devnet runs. */
export interface DevnetProcesses {
  /** The process that started the devnet. */
  devnet: number;
  /** anvil pids by chain name ("l1", "rollup-a", …). */
  anvil: Record<string, number>;
}

/** A running devnet. */
export interface Devnet {
  /** Everything devnet.json holds. */
  info: DevnetInfo;
  /** Pids of this process and the anvil children. */
  processes: DevnetProcesses;
  /** The relay, when started. */
  relay?: Relay;
  /** Moves every chain's clock forward by `seconds` and mines a block on each. */
  advanceTime(seconds: number): Promise<void>;
  /** Stops the relay, then every anvil; safe to call twice. */
  stop(): Promise<void>;
}

/** The devnet could not be started (bad option, anvil or deployment failure). */
export class DevnetError extends Error {
  /** Creates the error; `cause` is the underlying failure. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DevnetError";
  }
}

/** Names given to the rollups in chain-id order. */
export function rollupName(index: number): string {
  return `rollup-${String.fromCharCode("a".charCodeAt(0) + index)}`;
}

/**
 * Starts anvil chains, deploys and wires the contracts, funds the accounts and starts the relay.
 * On any failure everything already started is stopped before the error is thrown.
 */
export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const l1ChainId = options.l1ChainId ?? 31337;
  const rollupChainIds = options.rollupChainIds ?? [31338, 31339];
  checkChainIds(l1ChainId, rollupChainIds);
  if (options.blockTime !== undefined && !(options.blockTime > 0)) {
    throw new DevnetError(`blockTime must be a number of seconds > 0, got ${options.blockTime}`);
  }

  await checkAnvilBinary();

  const names = ["l1", ...rollupChainIds.map((_, i) => rollupName(i))];
  const chainIds = [l1ChainId, ...rollupChainIds];
  const started = await Promise.allSettled(chainIds.map((chainId) => startAnvil({ chainId })));
  const anvils = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
  const stopAnvils = () => Promise.all(anvils.map((a) => a.stop())).then(() => {});
  if (failed) {
    await stopAnvils();
    throw new DevnetError(`cannot start anvil: ${errorText(failed.reason)}`, {
      cause: failed.reason,
    });
  }

  let info: DevnetInfo;
  let relay: Relay | undefined;
  try {
    info = await deploy(anvils, names, options);
    if (options.blockTime !== undefined) {
      await Promise.all(
        anvils.map((a) => rpcCall(a.rpcHttp, "evm_setIntervalMining", [options.blockTime])),
      );
    }
    if (options.relay ?? true) {
      relay = startRelay(info, { ...options.relayOptions, delayMs: options.relayDelayMs });
    }
  } catch (error) {
    await stopAnvils();
    if (error instanceof DevnetError) throw error;
    throw new DevnetError(`cannot deploy the devnet contracts: ${errorText(error)}`, {
      cause: error,
    });
  }

  const processes: DevnetProcesses = {
    devnet: Deno.pid,
    anvil: Object.fromEntries(anvils.map((a, i) => [names[i], a.pid])),
  };
  let stopping: Promise<void> | undefined;
  for (const [i, a] of anvils.entries()) {
    log.info(`${names[i]}: chain id ${a.chainId}, ${a.rpcHttp}, anvil pid ${a.pid}`);
  }
  return {
    info,
    processes,
    relay,
    advanceTime: (seconds: number) => {
      if (!Number.isInteger(seconds) || seconds < 0) {
        return Promise.reject(new DevnetError(`advanceTime: whole seconds >= 0, got ${seconds}`));
      }
      return increaseTimeAll(anvils.map((a) => a.rpcHttp), seconds);
    },
    stop: () => {
      stopping ??= (async () => {
        try {
          await relay?.stop();
        } finally {
          await stopAnvils();
        }
      })();
      return stopping;
    },
  };
}

async function deploy(
  anvils: AnvilInstance[],
  names: string[],
  options: DevnetOptions,
): Promise<DevnetInfo> {
  const chain = (a: AnvilInstance, i: number) => ({
    name: names[i],
    chainId: a.chainId,
    rpcHttp: a.rpcHttp,
    rpcWs: a.rpcWs,
  });
  const defined = <T>(value: T | undefined, fallback: T): T => value ?? fallback;
  const params: DevnetParams = {
    ...DEFAULT_PARAMS,
    claimStake: defined(options.claimStake?.toString(), DEFAULT_PARAMS.claimStake),
    claimPeriod: defined(options.claimPeriod, DEFAULT_PARAMS.claimPeriod),
    claimRequestExtension: defined(
      options.claimRequestExtension,
      DEFAULT_PARAMS.claimRequestExtension,
    ),
    challengePeriodExtension: defined(
      options.challengePeriodExtension,
      DEFAULT_PARAMS.challengePeriodExtension,
    ),
    finalityPeriod: defined(options.finalityPeriod, DEFAULT_PARAMS.finalityPeriod),
    relayDelayMs: defined(options.relayDelayMs, DEFAULT_PARAMS.relayDelayMs),
    minFeePPM: defined(options.fees?.minFeePPM, DEFAULT_PARAMS.minFeePPM),
    lpFeePPM: defined(options.fees?.lpFeePPM, DEFAULT_PARAMS.lpFeePPM),
    protocolFeePPM: defined(options.fees?.protocolFeePPM, DEFAULT_PARAMS.protocolFeePPM),
  };
  return await deployDevnet({
    l1: chain(anvils[0], 0),
    rollups: anvils.slice(1).map((a, i) => chain(a, i + 1)),
    params,
    funding: {
      lpTokens: options.funding?.lpTokens ?? DEFAULT_LP_TOKENS,
      userTokens: options.funding?.userTokens ?? DEFAULT_FUNDING.userTokens,
    },
  });
}

async function checkAnvilBinary(): Promise<void> {
  try {
    const stat = await Deno.stat(ANVIL_BINARY);
    if (!stat.isFile) throw new Error("not a file");
  } catch {
    throw new DevnetError(
      `anvil binary not found at ${ANVIL_BINARY}; run \`deno install\` to fetch ` +
        `@foundry-rs/anvil-linux-amd64`,
    );
  }
}

function checkChainIds(l1: number, rollups: number[]): void {
  const all = [l1, ...rollups];
  if (rollups.length < 2) {
    throw new DevnetError(`a devnet needs at least two rollups, got ${rollups.length}`);
  }
  for (const id of all) {
    if (!Number.isInteger(id) || id <= 0) {
      throw new DevnetError(`chain ids must be positive integers, got ${id}`);
    }
  }
  if (new Set(all).size !== all.length) {
    throw new DevnetError(`chain ids must be distinct, got ${all.join(", ")}`);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
