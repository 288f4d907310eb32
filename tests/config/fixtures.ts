/** Shared fixtures of the configuration tests. */

/** Checksummed addresses for fixtures. */
export const ADDR = {
  rmA: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  fmA: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  rmB: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
  fmB: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
  tokA: "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
  tokB: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707",
  resolver: "0x0165878A594ca255338adfa4d48449f69242Eb8F",
} as const;

/** A valid configuration with two rollups and one token class. */
export function validToml(): string {
  return `
[agent]
data_dir = "state"
log_level = "info"

[account]
keystore = "keystore.json"

[base_chain]
chain_id = 1337
rpc_urls = ["http://127.0.0.1:8545"]
resolver = "${ADDR.resolver}"

[[chains]]
name = "a"
chain_id = 901
rpc_urls = ["http://127.0.0.1:9545", "ws://127.0.0.1:9546"]
request_manager = "${ADDR.rmA}"
fill_manager = "${ADDR.fmA}"
deployment_block = 0

[[chains]]
name = "b"
chain_id = 902
rpc_urls = ["http://127.0.0.1:10545"]
request_manager = "${ADDR.rmB}"
fill_manager = "${ADDR.fmB}"
deployment_block = 12
confirmations = 2
poll_period = 0.5
min_source_balance = "0.25"

[tokens.TST]
decimals = 18

[[tokens.TST.chains]]
chain_id = 901
address = "${ADDR.tokA}"
allowance = "max"

[[tokens.TST.chains]]
chain_id = 902
address = "${ADDR.tokB}"
allowance = "1000.5"

[policy]
min_fee_ppm = 100

[policy.tokens.TST]
max_amount = "500"
reserve_balance = "1.5"
`;
}

/** Replaces the first occurrence of `from` in `text`, failing loudly when it is absent. */
export function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`fixture edit: ${JSON.stringify(from)} not found`);
  return text.replace(from, to);
}
