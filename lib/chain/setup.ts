/**
 * From the validated configuration to what a chain's watcher needs: its {@link ChainRpc} and its
 * init value.
 *
 * @module
 */
import type { Address } from "viem";
import type { BaseChainConfig, ChainConfig, Config } from "../config/types.ts";
import { ChainRpc, type RpcCallInfo } from "./rpc.ts";
import { type CursorLimits, DEFAULT_LIMITS } from "./cursor.ts";

/** The init value of a `chain-watcher` actor. */
export interface WatcherInit {
  chainId: number;
  /** A rollup has the bridge contracts; the L1 watcher reports head, balance and gas price. */
  role: "rollup" | "l1";
  /** The LP account whose balances the views carry (lower case). */
  lp: Address;
  requestManager?: Address;
  fillManager?: Address;
  /** Other rollups' chain ids (their finality periods are part of this rollup's params). */
  otherChainIds: number[];
  /** Tokens of this chain whose balance and allowance (to the FillManager) are watched. */
  tokens: Address[];
  /** First block to read. */
  startBlock: number;
  confirmations: number;
  pollPeriodMs: number;
  rpcTimeoutMs: number;
  maxBlocksPerQuery: number;
  /** Unacknowledged events are sent again after this long. */
  ackTimeoutMs: number;
  /** Contract parameters are read again after this long (and after a parameter event). */
  paramsRefreshMs: number;
  limits: CursorLimits;
}

/** Options of {@link chainRpcFor}. */
export interface ChainRpcForOptions {
  onCall?: (info: RpcCallInfo) => void;
  /** Overrides the chain's `rpcTimeoutMs`. */
  timeoutMs?: number;
}

/** The RPC access for a configured rollup or the L1. */
export function chainRpcFor(
  chain: ChainConfig | BaseChainConfig,
  opts: ChainRpcForOptions = {},
): ChainRpc {
  return new ChainRpc({
    chainId: chain.chainId,
    urls: chain.rpcUrls,
    timeoutMs: opts.timeoutMs ?? chain.rpcTimeoutMs,
    onCall: opts.onCall,
  });
}

const low = (a: string) => a.toLowerCase() as Address;

/** The watcher init of the rollup `chain` for LP `lp`. */
export function rollupWatcherInit(config: Config, chain: ChainConfig, lp: Address): WatcherInit {
  return {
    chainId: chain.chainId,
    role: "rollup",
    lp: low(lp),
    requestManager: low(chain.requestManager),
    fillManager: low(chain.fillManager),
    otherChainIds: config.chains.map((c) => c.chainId).filter((id) => id !== chain.chainId),
    tokens: config.tokens.flatMap((t) =>
      t.chains.filter((c) => c.chainId === chain.chainId).map((c) => low(c.address))
    ),
    startBlock: Number(chain.deploymentBlock),
    confirmations: chain.confirmations,
    pollPeriodMs: Math.max(50, Math.round(chain.pollPeriod * 1000)),
    rpcTimeoutMs: chain.rpcTimeoutMs,
    maxBlocksPerQuery: chain.maxBlocksPerQuery,
    ackTimeoutMs: 10_000,
    paramsRefreshMs: 60_000,
    limits: DEFAULT_LIMITS,
  };
}

/** The watcher init of the L1 for LP `lp`: head, chain time, native balance and gas price. */
export function l1WatcherInit(config: Config, lp: Address): WatcherInit {
  const l1 = config.baseChain;
  return {
    chainId: l1.chainId,
    role: "l1",
    lp: low(lp),
    otherChainIds: [],
    tokens: [],
    startBlock: 0,
    confirmations: config.agent.confirmations,
    pollPeriodMs: Math.max(50, Math.round(config.agent.pollPeriod * 1000)),
    rpcTimeoutMs: l1.rpcTimeoutMs,
    maxBlocksPerQuery: 1000,
    ackTimeoutMs: 10_000,
    paramsRefreshMs: 60_000,
    limits: DEFAULT_LIMITS,
  };
}
