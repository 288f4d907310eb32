/**
 * The settings the request and claim decisions read, derived once from the {@link Config}.
 * Plain JSON (amounts as decimal strings) so they can be handed to behaviors as they are; they
 * are not stored in snapshots.
 *
 * @module
 */

import type { Config } from "../config/types.ts";
import type { Address, Dec } from "./messages.ts";

/** One rollup as the decisions see it. */
export interface ChainSettings {
  chainId: number;
  requestManager: Address;
  fillManager: Address;
  /** Wall-clock seconds a view of this chain may be old before money-moving steps wait. */
  maxViewLag: number;
  /** Blocks `synced` may trail `head` (confirmations plus slack) for the view to count as fresh. */
  maxBlockLag: number;
  /** Least native balance (wei) on this chain to fill requests coming from it. */
  minSourceBalance: Dec;
}

/** A token of a token class on one chain. */
export interface TokenSettings {
  /** Token class name (`[tokens.<NAME>]`). */
  class: string;
  chainId: number;
  /** Lower-case address. */
  address: Address;
  /** What to approve to the FillManager: unlimited, the request amount, or an exact amount. */
  allowance: "max" | "request" | Dec;
}

/** LP policy per token class. */
export interface TokenPolicySettings {
  /** Largest amount filled (base units); absent = no limit. */
  maxAmount?: Dec;
  /** Target-token balance a fill must leave. */
  reserveBalance: Dec;
}

/** Everything the request router, RequestActors and their claims need to decide. */
export interface AgentSettings {
  /** The LP's address, lower case. */
  lp: Address;
  /** The L1 chain id (its view carries the gas price the L1 cost is estimated from). */
  l1ChainId: number;
  /** Rollups by chain id (decimal string keys). */
  chains: Record<string, ChainSettings>;
  tokens: TokenSettings[];
  /** Least LP fee, ppm of the amount (0 = any). */
  minFeePpm: number;
  /** Per token class. */
  tokenPolicy: Record<string, TokenPolicySettings>;
  /** Seconds before `validUntil` within which no fill is started. */
  unsafeFillTime: number;
  /** Seconds to wait for a fill before disputing a claim that lacks one. */
  fillWaitTime: number;
  /** L1 gas price (wei) assumed while no L1 view has arrived. */
  defaultL1GasPrice: Dec;
  /**
   * How proofs reach L1: `devnet` — the devnet relay carries every messenger message, so an L1
   * resolution only has to be awaited; `unsupported` — relaying over real rollup bridges is not
   * implemented, a resolution step is reported as deferred with that reason.
   */
  l1Relay: "devnet" | "unsupported";
  /** Attempts for a fill or claim whose transaction failed or reverted for a retryable reason. */
  maxTxAttempts: number;
}

/**
 * Builds the settings of LP `lp` from a loaded configuration.
 *
 * @example
 * ```ts
 * const settings = settingsFromConfig(await loadConfig("tern.toml"), "0xabc…");
 * ```
 */
export function settingsFromConfig(
  config: Config,
  lp: Address,
  opts: { l1Relay?: AgentSettings["l1Relay"] } = {},
): AgentSettings {
  const chains: Record<string, ChainSettings> = {};
  for (const c of config.chains) {
    chains[String(c.chainId)] = {
      chainId: c.chainId,
      requestManager: c.requestManager.toLowerCase() as Address,
      fillManager: c.fillManager.toLowerCase() as Address,
      maxViewLag: c.maxViewLag,
      maxBlockLag: c.confirmations + 2,
      minSourceBalance: c.minSourceBalance.toString(),
    };
  }
  const tokens: TokenSettings[] = config.tokens.flatMap((t) =>
    t.chains.map((c) => ({
      class: t.name,
      chainId: c.chainId,
      address: c.address.toLowerCase() as Address,
      allowance: c.allowance.kind === "max"
        ? "max" as const
        : c.allowance.kind === "request"
        ? "request" as const
        : c.allowance.amount.toString(),
    }))
  );
  const tokenPolicy: Record<string, TokenPolicySettings> = {};
  for (const [name, p] of Object.entries(config.policy.tokens)) {
    tokenPolicy[name] = {
      maxAmount: p.maxAmount?.toString(),
      reserveBalance: p.reserveBalance.toString(),
    };
  }
  return {
    lp: lp.toLowerCase() as Address,
    l1ChainId: config.baseChain.chainId,
    chains,
    tokens,
    minFeePpm: config.policy.minFeePpm,
    tokenPolicy,
    unsafeFillTime: config.agent.unsafeFillTime,
    fillWaitTime: config.agent.fillWaitTime,
    defaultL1GasPrice: "1000000000",
    l1Relay: opts.l1Relay ?? (config.baseChain.proofRelay === "devnet" ? "devnet" : "unsupported"),
    maxTxAttempts: 3,
  };
}

/** The token entry of `address` on `chainId`, if configured. */
export function tokenOf(
  settings: AgentSettings,
  chainId: number,
  address: string,
): TokenSettings | undefined {
  const a = address.toLowerCase();
  return settings.tokens.find((t) => t.chainId === chainId && t.address === a);
}
