/**
 * Chain access of the agent: RPC with failover and timeouts, the bridge ABIs and ids, log
 * decoding, and what the chain watcher needs to be wired in (its init from the configuration).
 *
 * @example
 * ```ts
 * import { chainRpcFor, rollupWatcherInit } from "./mod.ts";
 * const rpc = chainRpcFor(config.chains[0]);
 * system.spawn(paths.watcher(config.chains[0].chainId), "chain-watcher",
 *   rollupWatcherInit(config, config.chains[0], lp));
 * ```
 *
 * @module
 */
export {
  ChainRpc,
  type ChainRpcOptions,
  type RpcCallInfo,
  RpcError,
  stripCredentials,
} from "./rpc.ts";
export {
  chainRpcFor,
  type ChainRpcForOptions,
  l1WatcherInit,
  rollupWatcherInit,
  type WatcherInit,
} from "./setup.ts";
export {
  decodeBridgeLog,
  type DecodedEvent,
  type DecodeResult,
  eventKey,
  type RawLog,
} from "./decode.ts";
export { type CursorLimits, DEFAULT_LIMITS } from "./cursor.ts";
export { type WatcherState, watcherSummary } from "./watch.ts";
