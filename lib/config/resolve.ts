/**
 * Turns a validated, cross-checked file into the {@link Config} the agent uses.
 *
 * @module
 */
import { type Address, getAddress, parseEther, parseUnits } from "viem";
import type { LogLevel } from "@logtape/logtape";
import { resolve } from "node:path";
import { type ConfigFile, DEFAULT_RPC_TIMEOUT_MS, type LOG_LEVELS } from "./schema.ts";
import type { Allowance, Config, TokenPolicy } from "./types.ts";

/** The file's log level names mapped to LogTape's. */
export const LOG_LEVEL_MAP: Record<(typeof LOG_LEVELS)[number], LogLevel> = {
  debug: "debug",
  info: "info",
  warning: "warning",
  error: "error",
  critical: "fatal",
};

function allowanceOf(value: string | undefined, decimals: number): Allowance {
  if (value === undefined) return { kind: "request" };
  if (value === "max") return { kind: "max" };
  return { kind: "amount", amount: parseUnits(value, decimals) };
}

/**
 * Builds the {@link Config}. `baseDir` anchors relative paths (the config file's directory);
 * `env` supplies the tokens named by `token_env` keys.
 */
export function resolveConfig(
  file: ConfigFile,
  source: string,
  baseDir: string,
  env: Readonly<Record<string, string | undefined>>,
): Config {
  const agent = file.agent;
  const decimalsOf = (name: string) => file.tokens[name]?.decimals ?? 18;
  const policyTokens: Record<string, TokenPolicy> = {};
  for (const [name, policy] of Object.entries(file.policy.tokens)) {
    policyTokens[name] = {
      maxAmount: policy.max_amount === undefined
        ? undefined
        : parseUnits(policy.max_amount, decimalsOf(name)),
      reserveBalance: parseUnits(policy.reserve_balance, decimalsOf(name)),
    };
  }
  const coordinator = file.coordinator;
  const inspector = file.inspector;
  return {
    source,
    agent: {
      dataDir: resolve(baseDir, agent.data_dir),
      unsafeFillTime: agent.unsafe_fill_time,
      fillWaitTime: agent.fill_wait_time,
      pollPeriod: agent.poll_period,
      confirmations: agent.confirmations,
      maxViewLag: agent.max_view_lag,
      logLevel: LOG_LEVEL_MAP[agent.log_level],
      logFormat: agent.log_format,
    },
    account: { keystore: resolve(baseDir, file.account.keystore) },
    baseChain: {
      chainId: file.base_chain.chain_id,
      rpcUrls: file.base_chain.rpc_urls,
      resolver: file.base_chain.resolver as Address | undefined,
      rpcTimeoutMs: file.base_chain.rpc_timeout_ms,
      proofRelay: file.base_chain.proof_relay,
    },
    chains: file.chains.map((chain) => ({
      name: chain.name,
      chainId: chain.chain_id,
      rpcUrls: chain.rpc_urls,
      requestManager: getAddress(chain.request_manager),
      fillManager: getAddress(chain.fill_manager),
      deploymentBlock: BigInt(chain.deployment_block),
      confirmations: chain.confirmations ?? agent.confirmations,
      pollPeriod: chain.poll_period ?? agent.poll_period,
      maxViewLag: chain.max_view_lag ?? agent.max_view_lag,
      minSourceBalance: parseEther(chain.min_source_balance),
      rpcTimeoutMs: chain.rpc_timeout_ms ?? DEFAULT_RPC_TIMEOUT_MS,
      maxBlocksPerQuery: chain.max_blocks_per_query,
    })),
    tokens: Object.entries(file.tokens).map(([name, token]) => ({
      name,
      decimals: token.decimals,
      chains: token.chains.map((entry) => ({
        chainId: entry.chain_id,
        address: getAddress(entry.address),
        allowance: allowanceOf(entry.allowance, token.decimals),
      })),
    })),
    policy: { minFeePpm: file.policy.min_fee_ppm, tokens: policyTokens },
    coordinator: coordinator && {
      url: coordinator.url,
      tokenEnv: coordinator.token_env,
      token: env[coordinator.token_env] || undefined,
      agentId: coordinator.agent_id,
      heartbeatIntervalMs: coordinator.heartbeat_interval_ms,
      heartbeatTimeoutMs: coordinator.heartbeat_timeout_ms,
      outboxWarnSize: coordinator.outbox_warn_size,
    },
    inspector: {
      enabled: inspector.enabled,
      bind: inspector.bind,
      port: inspector.port,
      tokenEnv: inspector.token_env,
      token: inspector.token_env === undefined ? undefined : env[inspector.token_env] || undefined,
    },
  };
}
