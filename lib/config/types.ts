/**
 * The configuration as the agent uses it: camelCase, defaults and per-chain overrides applied,
 * amounts in base units (bigint), paths absolute, secrets read from the environment.
 *
 * @module
 */
import type { Address } from "viem";
import type { LogLevel } from "@logtape/logtape";

/** Process-wide settings (`[agent]`). */
export interface AgentConfig {
  /** Directory of the KV store and other state, absolute. */
  dataDir: string;
  /** Seconds before a request's `validUntil` within which it is not filled. */
  unsafeFillTime: number;
  /** Seconds to wait for a fill to show up before disputing a claim that lacks one. */
  fillWaitTime: number;
  /** Default seconds between polls of a chain. */
  pollPeriod: number;
  /** Default blocks kept behind the head. */
  confirmations: number;
  /** Default seconds a chain's view may lag before money-moving steps are deferred. */
  maxViewLag: number;
  /** LogTape level (`critical` in the file is LogTape's `fatal`). */
  logLevel: LogLevel;
  /** `text` for people, `json` for machines (one JSON object a line). */
  logFormat: "text" | "json";
}

/** The LP account (`[account]`). */
export interface AccountConfig {
  /** Absolute path of the V3 keystore file. */
  keystore: string;
}

/** The L1 (`[base_chain]`). */
export interface BaseChainConfig {
  chainId: number;
  /** RPC URLs in failover order. */
  rpcUrls: string[];
  /** The Resolver contract, when L1 resolution is used. */
  resolver?: Address;
  rpcTimeoutMs: number;
  /** Who carries proofs to L1: `none` (relaying over real bridges is not supported) or `devnet`. */
  proofRelay: "none" | "devnet";
}

/** One rollup with the bridge contracts (`[[chains]]`), overrides applied. */
export interface ChainConfig {
  name: string;
  chainId: number;
  /** RPC URLs in failover order. */
  rpcUrls: string[];
  requestManager: Address;
  fillManager: Address;
  /** First block to scan. */
  deploymentBlock: bigint;
  confirmations: number;
  pollPeriod: number;
  maxViewLag: number;
  /** Minimum native balance (wei) on this chain to fill requests that come from it. */
  minSourceBalance: bigint;
  rpcTimeoutMs: number;
  /** Upper bound of the adaptive getLogs range. */
  maxBlocksPerQuery: number;
}

/** How much of a token the LP approves to the FillManager before filling. */
export type Allowance =
  | { kind: "max" }
  | { kind: "amount"; amount: bigint }
  | { kind: "request" };

/** A token of an equivalence class on one chain. */
export interface TokenChainConfig {
  chainId: number;
  address: Address;
  allowance: Allowance;
}

/** A token equivalence class (`[tokens.<NAME>]`): the same asset on several chains. */
export interface TokenClassConfig {
  name: string;
  decimals: number;
  chains: TokenChainConfig[];
}

/** LP limits for one token class. */
export interface TokenPolicy {
  /** Largest request amount (base units) the LP fills; undefined = no limit. */
  maxAmount?: bigint;
  /** Balance (base units) a fill must leave on the target chain. */
  reserveBalance: bigint;
}

/** Which requests the LP accepts (`[policy]`). */
export interface PolicyConfig {
  /** Minimum lpFee, in parts per million of the amount. */
  minFeePpm: number;
  /** Per token class name. */
  tokens: Record<string, TokenPolicy>;
}

/** The coordinator link (`[coordinator]`). */
export interface CoordinatorConfig {
  url: string;
  /** Name of the environment variable holding the auth token. */
  tokenEnv: string;
  /** The token, when secrets were read. */
  token?: string;
  agentId?: string;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  outboxWarnSize: number;
}

/** The HTTP inspector (`[inspector]`). */
export interface InspectorConfig {
  enabled: boolean;
  bind: string;
  port: number;
  tokenEnv?: string;
  /** The bearer token, when secrets were read and a token_env is set. */
  token?: string;
}

/** The whole, validated configuration. */
export interface Config {
  /** Where it was loaded from. */
  source: string;
  agent: AgentConfig;
  account: AccountConfig;
  baseChain: BaseChainConfig;
  chains: ChainConfig[];
  tokens: TokenClassConfig[];
  policy: PolicyConfig;
  coordinator?: CoordinatorConfig;
  inspector: InspectorConfig;
}
