/**
 * Shapes shared by the devnet scripts: the `devnet.json` document (DevnetInfo), its parts, and
 * the dev accounts. All numbers that can exceed 2^53 are decimal strings so the JSON stays exact.
 *
 * @module
 */

/** A 0x-prefixed hex string (addresses, hashes, keys, calldata). */
export type Hex = `0x${string}`;

/** A 20-byte 0x-prefixed address. */
export type Address = `0x${string}`;

/** One dev account: an address and the private key that controls it (public anvil test keys). */
export interface DevAccount {
  /** Checksummed address. */
  address: Address;
  /** 32-byte private key, 0x-prefixed. */
  privateKey: Hex;
}

/** The named dev accounts of a devnet (anvil's default mnemonic, indices 0..8). */
export interface DevAccounts {
  /** Account 0: deploys and owns every contract. */
  deployer: DevAccount;
  /** Account 1: the relay account every DevnetMessenger trusts. */
  relayer: DevAccount;
  /** Account 2: the agent's LP account, whitelisted on both managers of every rollup. */
  lp: DevAccount;
  /** Account 3: a second whitelisted LP (false claimer / challenger in tests). */
  otherLp: DevAccount;
  /** Accounts 4..8: requesters. */
  users: DevAccount[];
}

/** Token symbols deployed on every rollup. */
export type DevTokenSymbol = "TST" | "UNL";

/** The L1 (base chain) part of devnet.json. */
export interface DevnetL1Info {
  /** Always "l1". */
  name: string;
  /** EVM chain id (31337 by default). */
  chainId: number;
  /** http:// JSON-RPC URL. */
  rpcHttp: string;
  /** ws:// JSON-RPC URL. */
  rpcWs: string;
  /** The Resolver contract. */
  resolver: Address;
  /** Block number of the first deployment transaction on this chain. */
  deploymentBlock: number;
}

/** One rollup's part of devnet.json. */
export interface DevnetRollupInfo {
  /** "rollup-a", "rollup-b", … */
  name: string;
  /** EVM chain id (31338, 31339, … by default). */
  chainId: number;
  /** http:// JSON-RPC URL. */
  rpcHttp: string;
  /** ws:// JSON-RPC URL. */
  rpcWs: string;
  /** The RequestManager on this rollup. */
  requestManager: Address;
  /** The FillManager on this rollup. */
  fillManager: Address;
  /** The rollup-side DevnetMessenger ("L2 messenger"). */
  messenger: Address;
  /** Its pair on L1 (the "L1 messenger" for this rollup). */
  l1Messenger: Address;
  /** Block number of the first deployment transaction on this chain. */
  deploymentBlock: number;
  /** Token addresses by symbol. */
  tokens: Record<DevTokenSymbol, Address>;
}

/** Protocol parameters the devnet was deployed with. Wei amounts are decimal strings. */
export interface DevnetParams {
  /** RequestManager claimStake, wei. */
  claimStake: string;
  /** Seconds. */
  claimPeriod: number;
  /** Seconds. */
  claimRequestExtension: number;
  /** Seconds. */
  challengePeriodExtension: number;
  /** Finality period configured for every chain in `updateChain`, seconds. */
  finalityPeriod: number;
  /** Delay the relay waits before delivering a message, milliseconds. */
  relayDelayMs: number;
  /** Margin on the minimum LP fee, ppm. */
  minFeePPM: number;
  /** LP fee, ppm. */
  lpFeePPM: number;
  /** Protocol fee, ppm. */
  protocolFeePPM: number;
  /** Transfer limit for every token, base units. */
  transferLimit: string;
  /** Token base units worth 1 ETH, for every token. */
  ethInToken: string;
}

/** The whole devnet.json document. */
export interface DevnetInfo {
  /** The base chain. */
  l1: DevnetL1Info;
  /** The rollups, in chain-id order. */
  rollups: DevnetRollupInfo[];
  /** Deployment parameters. */
  params: DevnetParams;
  /** Dev accounts and their keys. */
  accounts: DevAccounts;
}
