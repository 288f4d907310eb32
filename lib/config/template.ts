/**
 * The commented configuration template that `tern init` writes. Values that only the operator
 * knows are placeholders such as `<OPTIMISM_RPC_URL>`; a placeholder left in place fails
 * validation with a hint naming it.
 *
 * @module
 */

/** The placeholders of the template, with what each one stands for. */
export const TEMPLATE_PLACEHOLDERS = {
  KEYSTORE: "path of the V3 keystore file holding the LP key",
  L1_RPC_URL: "RPC URL of the L1 (base chain)",
  OPTIMISM_RPC_URL: "RPC URL of the first rollup",
  OPTIMISM_REQUEST_MANAGER: "RequestManager address on the first rollup",
  OPTIMISM_FILL_MANAGER: "FillManager address on the first rollup",
  OPTIMISM_USDC: "the token's address on the first rollup",
  ARBITRUM_RPC_URL: "RPC URL of the second rollup",
  ARBITRUM_REQUEST_MANAGER: "RequestManager address on the second rollup",
  ARBITRUM_FILL_MANAGER: "FillManager address on the second rollup",
  ARBITRUM_USDC: "the token's address on the second rollup",
} as const;

/** A placeholder name of the template. */
export type TemplatePlaceholder = keyof typeof TEMPLATE_PLACEHOLDERS;

const TEMPLATE = `# tern configuration (TOML). Check it with: tern config check <this file>
# Relative paths are relative to this file's directory.
# Every scalar key of a section can be overridden from the environment as
# TERN_<section>_<key> in upper case, e.g. TERN_AGENT_LOG_LEVEL=debug (see docs/CONFIG.md).

[agent]
# Directory of the state store (a Deno KV file) and other local state.
data_dir = "data"
# Do not fill a request within this many seconds of its expiry (must be below 172800).
unsafe_fill_time = 600
# Seconds to wait for a fill to appear before disputing a claim that has none.
fill_wait_time = 120
# Seconds between polls of each chain (a [[chains]] entry may override it).
poll_period = 5.0
# Blocks kept behind the head before events are acted on (per-chain override possible).
confirmations = 0
# Money-moving steps (fill, claim, challenge, withdraw) wait while a chain they depend on has
# not been read up to its head within this many seconds (per-chain override possible).
max_view_lag = 30
# debug, info, warning, error or critical.
log_level = "info"
# text (for people) or json (one JSON object per line, for machines).
log_format = "text"

[account]
# The LP key, encrypted (Ethereum V3 keystore). The password comes from the environment
# variable TERN_KEYSTORE_PASSWORD or from a prompt; it is never written in this file.
keystore = "<KEYSTORE>"

[base_chain]
# The L1 the rollups settle on.
chain_id = 1
# One or more RPC URLs (http://, https://, ws://, wss://), tried in this order.
rpc_urls = ["<L1_RPC_URL>"]
# Address of the Resolver contract, for L1 resolution (optional).
# resolver = "0x..."
# rpc_timeout_ms = 5000
# Who carries fill and non-fill proofs to L1 for L1 resolution: "none" (real rollup bridges;
# relaying over them is not supported yet, such a claim waits) or "devnet" (tern's devnet relay).
# proof_relay = "none"

[[chains]]
name = "optimism"
chain_id = 10
rpc_urls = ["<OPTIMISM_RPC_URL>"]
# Bridge contracts (EIP-55 checksummed addresses) and the block they were deployed in.
request_manager = "<OPTIMISM_REQUEST_MANAGER>"
fill_manager = "<OPTIMISM_FILL_MANAGER>"
deployment_block = 0
# Minimum native balance (ETH, as a decimal string) to fill requests coming from this chain.
min_source_balance = "0.1"
# Largest block range of one eth_getLogs call.
max_blocks_per_query = 5000
# Overrides of the [agent] defaults for this chain:
# confirmations = 0
# poll_period = 2.0
# max_view_lag = 30
# rpc_timeout_ms = 5000

[[chains]]
name = "arbitrum"
chain_id = 42161
rpc_urls = ["<ARBITRUM_RPC_URL>"]
request_manager = "<ARBITRUM_REQUEST_MANAGER>"
fill_manager = "<ARBITRUM_FILL_MANAGER>"
deployment_block = 0
min_source_balance = "0.1"

# A token equivalence class: the same asset on several chains. Requests are filled only
# between tokens of one class.
[tokens.USDC]
decimals = 6

[[tokens.USDC.chains]]
chain_id = 10
address = "<OPTIMISM_USDC>"
# How much to approve to the FillManager: "max", a decimal amount, or leave it out to approve
# each request's amount.
allowance = "max"

[[tokens.USDC.chains]]
chain_id = 42161
address = "<ARBITRUM_USDC>"

[policy]
# Minimum LP fee, in parts per million of the amount, to accept a request.
min_fee_ppm = 0

[policy.tokens.USDC]
# Largest request (token units) to fill; leave it out for no limit.
max_amount = "10000"
# Never fill below this balance (token units) on the target chain.
reserve_balance = "0"

# The operator's coordinator service (optional).
# [coordinator]
# url = "wss://coordinator.example.org/agent"
# token_env = "TERN_COORDINATOR_TOKEN"   # variable holding the auth token
# agent_id = "lp-1"
# heartbeat_interval_ms = 5000
# heartbeat_timeout_ms = 15000
# outbox_warn_size = 10000

[inspector]
# HTTP health, metrics and inspection. Any bind other than loopback requires token_env.
enabled = true
bind = "127.0.0.1"
port = 9464
# token_env = "TERN_INSPECTOR_TOKEN"
`;

/** Escapes a value for a TOML basic string. */
function tomlEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * The fully commented configuration template, with the given placeholders filled in.
 *
 * @example
 * ```ts
 * Deno.writeTextFileSync("tern.toml", configTemplate({ KEYSTORE: "keystore.json" }));
 * ```
 */
export function configTemplate(values: Partial<Record<TemplatePlaceholder, string>> = {}): string {
  let text = TEMPLATE;
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) text = text.replaceAll(`<${name}>`, tomlEscape(value));
  }
  return text;
}
