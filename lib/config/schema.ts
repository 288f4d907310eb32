/**
 * The shape of tern's TOML configuration file, as zod schemas with strict objects (an unknown
 * key is an error). Keys are snake_case as written in the file; {@link resolveConfig} turns the
 * validated file into the camelCase {@link Config} the agent uses.
 *
 * @module
 */
import { z } from "zod";
import {
  address,
  allowance,
  ethAmount,
  field,
  integer,
  number,
  oneOf,
  rpcUrl,
  text,
  tokenAmount,
  wsUrl,
} from "./fields.ts";

/** The contracts' MAX_VALIDITY_PERIOD: unsafe_fill_time must stay below it. */
export const MAX_VALIDITY_PERIOD = 172800;

/** Default RPC request timeout, in milliseconds. */
export const DEFAULT_RPC_TIMEOUT_MS = 5000;

/** Log level names of the file (the reference agent's names). */
export const LOG_LEVELS = ["debug", "info", "warning", "error", "critical"] as const;

const chainId = () =>
  integer(1, Number.MAX_SAFE_INTEGER, { expected: "a positive integer chain id", example: "10" });

const rpcUrls = () =>
  field(z.array(rpcUrl()).min(1), {
    expected: "a list of one or more RPC URLs, in failover order",
    example: '["http://localhost:8545"]',
  });

const rpcTimeoutMs = () =>
  integer(100, 600_000, {
    expected: "a timeout in milliseconds between 100 and 600000",
    example: String(DEFAULT_RPC_TIMEOUT_MS),
  });

const pollPeriod = () =>
  number(0, 3600, { expected: "seconds between polls, above 0 and at most 3600", example: "5.0" }, {
    exclusiveMin: true,
  });

const confirmations = () =>
  integer(0, 10_000, { expected: "a number of blocks between 0 and 10000", example: "0" });

const maxViewLag = () =>
  number(0, 86_400, {
    expected: "seconds of allowed staleness, above 0 and at most 86400",
    example: "30",
  }, { exclusiveMin: true });

const envName = () =>
  field(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), {
    expected: "the name of an environment variable (letters, digits, _)",
    example: '"TERN_INSPECTOR_TOKEN"',
  });

/** `[agent]`: process-wide settings. */
export const agentSchema = z.strictObject({
  data_dir: text({ expected: "a directory path", example: '"data"' }).default("data"),
  unsafe_fill_time: number(0, MAX_VALIDITY_PERIOD, {
    expected: `seconds, at least 0 and below ${MAX_VALIDITY_PERIOD} (MAX_VALIDITY_PERIOD)`,
    example: "600",
  }, { exclusiveMax: true }).default(600),
  fill_wait_time: number(0, 86_400, {
    expected: "seconds between 0 and 86400",
    example: "120",
  }).default(120),
  poll_period: pollPeriod().default(5),
  confirmations: confirmations().default(0),
  max_view_lag: maxViewLag().default(30),
  log_level: oneOf(LOG_LEVELS, '"info"').default("info"),
  log_format: oneOf(["text", "json"], '"text"').default("text"),
});

/** `[account]`: the LP key, as a V3 keystore file. */
export const accountSchema = z.strictObject({
  keystore: text({ expected: "the path of a V3 keystore file", example: '"keystore.json"' }),
});

/** `[base_chain]`: the L1 the rollups settle on. */
export const baseChainSchema = z.strictObject({
  chain_id: chainId(),
  rpc_urls: rpcUrls(),
  resolver: address().optional(),
  rpc_timeout_ms: rpcTimeoutMs().default(DEFAULT_RPC_TIMEOUT_MS),
  /** Who carries fill and non-fill proofs to L1: "none" (real rollups, not supported yet) or
   * "devnet" (tern's devnet relay). */
  proof_relay: oneOf(["none", "devnet"] as const, '"none"').default("none"),
});

/** One `[[chains]]` entry: a rollup with the bridge contracts. */
export const chainSchema = z.strictObject({
  name: text({ expected: "a short label for the chain", example: '"optimism"' }),
  chain_id: chainId(),
  rpc_urls: rpcUrls(),
  request_manager: address(),
  fill_manager: address(),
  deployment_block: integer(0, Number.MAX_SAFE_INTEGER, {
    expected: "the block number the contracts were deployed in (0 or more)",
    example: "0",
  }),
  confirmations: confirmations().optional(),
  poll_period: pollPeriod().optional(),
  max_view_lag: maxViewLag().optional(),
  min_source_balance: ethAmount().default("0.1"),
  rpc_timeout_ms: rpcTimeoutMs().optional(),
  max_blocks_per_query: integer(1, 1_000_000, {
    expected: "a block count between 1 and 1000000",
    example: "5000",
  }).default(5000),
});

/** One chain of a token equivalence class. */
export const tokenChainSchema = z.strictObject({
  chain_id: chainId(),
  address: address(),
  allowance: allowance().optional(),
});

/** `[tokens.<NAME>]`: one token equivalence class. */
export const tokenSchema = z.strictObject({
  decimals: integer(0, 36, { expected: "the token's decimals, 0 to 36", example: "18" }),
  chains: field(z.array(tokenChainSchema).min(1), {
    expected: "a list of one or more [[tokens.<NAME>.chains]] entries",
  }),
});

/** `[policy.tokens.<NAME>]`: LP limits for one token class. */
export const tokenPolicySchema = z.strictObject({
  max_amount: tokenAmount().optional(),
  reserve_balance: tokenAmount().default("0"),
});

/** `[policy]`: which requests the LP accepts. */
export const policySchema = z.strictObject({
  min_fee_ppm: integer(0, 1_000_000, {
    expected: "parts per million of the amount, 0 to 1000000",
    example: "0",
  }).default(0),
  tokens: z.record(z.string(), tokenPolicySchema).default({}),
});

/** `[coordinator]`: the operator's coordinator service. */
export const coordinatorSchema = z.strictObject({
  url: wsUrl(),
  token_env: envName().default("TERN_COORDINATOR_TOKEN"),
  agent_id: field(z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/), {
    expected: "an agent id of 1-128 characters of A-Z a-z 0-9 . _ : -",
    example: '"lp-1"',
  }).optional(),
  heartbeat_interval_ms: integer(100, 600_000, {
    expected: "milliseconds between 100 and 600000",
    example: "5000",
  }).default(5000),
  heartbeat_timeout_ms: integer(100, 3_600_000, {
    expected: "milliseconds between 100 and 3600000",
    example: "15000",
  }).default(15000),
  outbox_warn_size: integer(1, 100_000_000, {
    expected: "a message count of 1 or more",
    example: "10000",
  }).default(10000),
});

/** `[inspector]`: the HTTP inspection endpoint. */
export const inspectorSchema = z.strictObject({
  enabled: field(z.boolean(), { expected: "true or false", example: "true" }).default(true),
  bind: text({ expected: "an interface address to listen on", example: '"127.0.0.1"' })
    .default("127.0.0.1"),
  port: integer(0, 65535, { expected: "a TCP port, 0 to 65535", example: "9464" }).default(9464),
  token_env: envName().optional(),
});

/** The whole configuration file. */
export const fileSchema = z.strictObject({
  agent: agentSchema.prefault({}),
  account: accountSchema,
  base_chain: baseChainSchema,
  chains: field(z.array(chainSchema).min(1), {
    expected: "one or more [[chains]] entries",
  }),
  tokens: z.record(z.string(), tokenSchema).default({}),
  policy: policySchema.prefault({}),
  coordinator: coordinatorSchema.optional(),
  inspector: inspectorSchema.prefault({}),
});

/** The validated file, snake_case, defaults applied. */
export type ConfigFile = z.output<typeof fileSchema>;
