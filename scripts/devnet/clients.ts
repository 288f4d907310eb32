/**
 * viem clients for devnet chains: one definition per chain (id + http URL) and short-timeout
 * public and wallet clients over it. The devnet tools (relay, traffic, tests) all build their
 * clients here so timeouts and polling intervals are the same everywhere.
 *
 * @module
 */
import {
  type Account,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { DevAccount, DevnetInfo } from "./types.ts";

/** The parts of a devnet chain a client needs. */
export interface DevnetEndpoint {
  /** Human name ("l1", "rollup-a", …). */
  name: string;
  /** EVM chain id. */
  chainId: number;
  /** http:// JSON-RPC URL. */
  rpcHttp: string;
}

/** Options shared by the client factories. */
export interface ClientOptions {
  /** Per-request timeout in milliseconds (default 5000). */
  timeoutMs?: number;
  /** Transport-level retries (default 0: callers decide how to retry). */
  retryCount?: number;
  /** Polling interval for receipts and watchers in milliseconds (default 100). */
  pollingIntervalMs?: number;
  /** Aborts every in-flight request of the client when fired (used to stop promptly). */
  signal?: AbortSignal;
}

/** A public client and a wallet client bound to one devnet chain and one account. */
export type DevnetWalletClient = WalletClient<Transport, Chain, Account>;

/**
 * A viem chain definition for a devnet chain.
 *
 * @example
 * const chain = devnetChain({ name: "l1", chainId: 31337, rpcHttp: "http://127.0.0.1:8545" });
 */
export function devnetChain(endpoint: DevnetEndpoint): Chain {
  return defineChain({
    id: endpoint.chainId,
    name: endpoint.name,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [endpoint.rpcHttp] } },
  });
}

/** A public (read) client for a devnet chain. */
export function devnetPublicClient(
  endpoint: DevnetEndpoint,
  options: ClientOptions = {},
): PublicClient<Transport, Chain> {
  return createPublicClient({
    chain: devnetChain(endpoint),
    transport: transport(endpoint, options),
    pollingInterval: options.pollingIntervalMs ?? 100,
    cacheTime: 0,
  });
}

/** A wallet client for a devnet chain that signs locally with `account`'s key. */
export function devnetWalletClient(
  endpoint: DevnetEndpoint,
  account: DevAccount,
  options: ClientOptions = {},
): DevnetWalletClient {
  return createWalletClient({
    account: privateKeyToAccount(account.privateKey),
    chain: devnetChain(endpoint),
    transport: transport(endpoint, options),
    pollingInterval: options.pollingIntervalMs ?? 100,
    cacheTime: 0,
  });
}

function transport(endpoint: DevnetEndpoint, options: ClientOptions) {
  return http(endpoint.rpcHttp, {
    timeout: options.timeoutMs ?? 5_000,
    retryCount: options.retryCount ?? 0,
    fetchOptions: options.signal ? { signal: options.signal } : undefined,
  });
}

/** Every chain of a devnet, L1 first, then the rollups in their devnet.json order. */
export function devnetEndpoints(info: DevnetInfo): DevnetEndpoint[] {
  return [info.l1, ...info.rollups].map(({ name, chainId, rpcHttp }) => ({
    name,
    chainId,
    rpcHttp,
  }));
}
