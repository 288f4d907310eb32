/**
 * A tern configuration for a running devnet: the same TOML an operator writes for real chains,
 * generated from `devnet.json`, so the demo and the end-to-end tests exercise the real start-up
 * path (config file → keystore → agent).
 *
 * @module
 */

import { getAddress } from "viem";
import type { DevnetInfo } from "../../scripts/devnet/types.ts";

/** Options of {@link devnetConfigToml}. */
export interface DevnetConfigOptions {
  /** Directory of the agent's KV file. */
  dataDir: string;
  /** Path of the LP's keystore file. */
  keystore: string;
  /** Seconds before expiry within which requests are not filled (default 1800: the traffic
   * generator's "unsafe" requests use the contracts' minimum validity of 1800 s). */
  unsafeFillTime?: number;
  /** Seconds to wait for a fill before disputing a claim without one (default 5). */
  fillWaitTime?: number;
  /** Seconds between polls (default 0.25). */
  pollPeriod?: number;
  /** Blocks kept behind the head (default 0). */
  confirmations?: number;
  /** Seconds a chain's view may lag before money-moving steps wait (default 10). */
  maxViewLag?: number;
  /** Extra RPC URLs tried before each rollup's own (e.g. a fault-injecting proxy), by chain id. */
  rpcOverrides?: Record<number, string[]>;
  /** RPC URLs used instead of a rollup's own, by chain id (e.g. only a fault-injecting proxy). */
  rpcReplace?: Record<number, string[]>;
  /** Blocks kept behind the head on one rollup, by chain id (overrides `confirmations`). */
  chainConfirmations?: Record<number, number>;
  /** Coordinator section, when the link is used. */
  coordinator?: { url: string; agentId: string; tokenEnv?: string };
  /** Inspector port (default 0: a free one). */
  inspectorPort?: number;
  /** Log level (default "info"). */
  logLevel?: string;
}

const q = (s: string) => JSON.stringify(s);

/**
 * TOML configuring tern for every rollup of `info`, with TST as the one token class.
 *
 * @example
 * ```ts
 * const toml = devnetConfigToml(devnet.info, { dataDir: "/tmp/d", keystore: "/tmp/k.json" });
 * ```
 */
export function devnetConfigToml(info: DevnetInfo, o: DevnetConfigOptions): string {
  const lines: string[] = [
    "# generated for a local devnet",
    "[agent]",
    `data_dir = ${q(o.dataDir)}`,
    `unsafe_fill_time = ${o.unsafeFillTime ?? 1800}`,
    `fill_wait_time = ${o.fillWaitTime ?? 5}`,
    `poll_period = ${o.pollPeriod ?? 0.25}`,
    `confirmations = ${o.confirmations ?? 0}`,
    `max_view_lag = ${o.maxViewLag ?? 10}`,
    `log_level = ${q(o.logLevel ?? "info")}`,
    "",
    "[account]",
    `keystore = ${q(o.keystore)}`,
    "",
    "[base_chain]",
    `chain_id = ${info.l1.chainId}`,
    `rpc_urls = [${q(info.l1.rpcHttp)}]`,
    `resolver = ${q(getAddress(info.l1.resolver))}`,
    `proof_relay = "devnet"`,
    "",
  ];
  for (const r of info.rollups) {
    // The ws:// URL feeds new heads (no poll delay on the fill path); http:// takes the calls.
    const urls = o.rpcReplace?.[r.chainId] ??
      [...(o.rpcOverrides?.[r.chainId] ?? []), r.rpcHttp, r.rpcWs];
    const confirmations = o.chainConfirmations?.[r.chainId];
    lines.push(
      "[[chains]]",
      `name = ${q(r.name)}`,
      `chain_id = ${r.chainId}`,
      `rpc_urls = [${urls.map(q).join(", ")}]`,
      `request_manager = ${q(getAddress(r.requestManager))}`,
      `fill_manager = ${q(getAddress(r.fillManager))}`,
      `deployment_block = ${r.deploymentBlock}`,
      `min_source_balance = "0.01"`,
      `rpc_timeout_ms = 2000`,
      ...(confirmations === undefined ? [] : [`confirmations = ${confirmations}`]),
      "",
    );
  }
  lines.push("[tokens.TST]", "decimals = 18", "");
  for (const r of info.rollups) {
    lines.push(
      "[[tokens.TST.chains]]",
      `chain_id = ${r.chainId}`,
      `address = ${q(getAddress(r.tokens.TST))}`,
      `allowance = "max"`,
      "",
    );
  }
  if (o.coordinator) {
    lines.push(
      "[coordinator]",
      `url = ${q(o.coordinator.url)}`,
      `agent_id = ${q(o.coordinator.agentId)}`,
      `token_env = ${q(o.coordinator.tokenEnv ?? "TERN_COORDINATOR_TOKEN")}`,
      `heartbeat_interval_ms = 1000`,
      `heartbeat_timeout_ms = 5000`,
      "",
    );
  }
  lines.push("[inspector]", `port = ${o.inspectorPort ?? 0}`, "");
  return lines.join("\n");
}
