/**
 * The devnet relay: carries DevnetMessenger messages across the L1/rollup boundary.
 *
 * For every rollup X it watches `MessageSent` of X's L2 messenger (on X) and of X's L1 messenger
 * (on L1). Each message is delivered on the other side, after `delayMs` (standing for the
 * bridge's finality), by `deliverMessage(remoteSender = emitting messenger, nonce, target,
 * message)` sent from the relayer account to the paired messenger. Logs are polled with
 * `eth_getLogs` from a per-chain cursor; RPC errors are logged and retried on the next poll, so
 * the relay never crashes on a flaky chain. Messages the paired messenger already delivered are
 * skipped (a restarted relay re-reads history from the deployment blocks without delivering
 * twice); a delivery that reverts is recorded as failed with its revert reason and not retried.
 *
 * @example
 * const relay = startRelay(info, { delayMs: 500 });
 * await relay.waitIdle();
 * console.log(relay.stats());
 * await relay.stop();
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { BaseError, ContractFunctionRevertedError, type Hex, parseAbi } from "viem";
import {
  type DevnetEndpoint,
  devnetPublicClient,
  type DevnetWalletClient,
  devnetWalletClient,
} from "./clients.ts";
import type { Address, DevAccount, DevnetInfo } from "./types.ts";

const log = getLogger(["tern", "devnet", "relay"]);

/** The DevnetMessenger functions and events the relay uses. */
export const devnetMessengerRelayAbi = parseAbi([
  "event MessageSent(uint256 indexed nonce, address indexed target, bytes message)",
  "event MessageDelivered(address indexed remoteSender, uint256 indexed remoteNonce)",
  "function deliverMessage(address remoteSender, uint256 remoteNonce, address target, bytes message)",
  "function isDelivered(address remoteSender, uint256 remoteNonce) view returns (bool)",
]);

/** Options of {@link startRelay}. */
export interface RelayOptions {
  /** Delay between seeing a message and delivering it, ms (default `info.params.relayDelayMs`). */
  delayMs?: number;
  /** Pause between two log polls of one chain, ms (default 200). */
  pollIntervalMs?: number;
  /** Timeout of every RPC request, ms (default 5000). */
  rpcTimeoutMs?: number;
  /** Attempts per delivery when the transport fails (default 3). Reverts are never retried. */
  maxAttempts?: number;
  /** Largest block range of one getLogs call (default 5000). */
  maxBlockRange?: number;
  /** The account that sends deliveries (default `info.accounts.relayer`). */
  relayer?: DevAccount;
}

/** Where a message is in the relay. */
export type RelayedStatus = "pending" | "delivered" | "skipped" | "failed";

/** One message seen by the relay and what became of it. */
export interface RelayedMessage {
  /** `<sourceChainId>:<emitting messenger>:<nonce>`, unique per message. */
  id: string;
  /** Chain the message was sent on. */
  sourceChainId: number;
  /** Chain it is delivered on. */
  destinationChainId: number;
  /** The messenger that emitted `MessageSent` (passed as `remoteSender`). */
  remoteSender: Address;
  /** The messenger on the destination chain that delivers it. */
  destinationMessenger: Address;
  /** Nonce from the `MessageSent` log. */
  remoteNonce: bigint;
  /** Contract called on the destination chain. */
  target: Address;
  /** ABI-encoded call. */
  message: Hex;
  /** Transaction that sent the message. */
  sourceTx: Hex;
  /** Current status. */
  status: RelayedStatus;
  /** Delivery transaction, once sent. */
  deliveryTx?: Hex;
  /** Revert reason or last transport error of a failed delivery. */
  reason?: string;
}

/** Counters and message records of a running relay. */
export interface RelayStats {
  /** Messages seen in logs (each once). */
  seen: number;
  /** Delivered by this relay. */
  delivered: number;
  /** Already delivered before (e.g. by an earlier relay run). */
  skipped: number;
  /** Delivery reverted or the transport kept failing. */
  failed: number;
  /** Waiting for the delay or being delivered. */
  pending: number;
  /** Every message seen, in the order seen. */
  messages: RelayedMessage[];
}

/** A running relay. */
export interface Relay {
  /** Stops polling, drops undelivered messages and waits for an in-flight delivery. */
  stop(): Promise<void>;
  /** A snapshot of the counters and message records. */
  stats(): RelayStats;
  /**
   * Resolves once every chain was polled up to its head after the last delivery and nothing is
   * pending (so message chains such as rollup → L1 → rollup are complete). Rejects with a
   * {@link RelayError} after `timeoutMs` (default 30000).
   */
  waitIdle(timeoutMs?: number): Promise<void>;
}

/** A relay operation that could not complete (e.g. waitIdle ran out of time). */
export class RelayError extends Error {
  /** Creates the error; `stats` is the relay state when it happened. */
  constructor(message: string, readonly stats: RelayStats) {
    super(message);
    this.name = "RelayError";
  }
}

interface Route {
  destination: ChainSide;
  destinationMessenger: Address;
}

interface ChainSide {
  endpoint: DevnetEndpoint;
  reader: ReturnType<typeof devnetPublicClient>;
  writer: DevnetWalletClient;
  /** Lowercased emitting messenger → where its messages go. */
  routes: Map<string, Route>;
  cursor: bigint;
  /** Activity sequence number at the start of the last poll that reached the head. */
  cleanSeq: number;
  /** Serialises deliveries on this chain (one relayer nonce sequence). */
  queue: Promise<void>;
}

/**
 * Starts relaying messages between L1 and every rollup of `info`.
 *
 * @example
 * const relay = startRelay(info);
 * // … fill on rollup B; the proof reaches L1, then rollup A …
 * await relay.waitIdle();
 */
export function startRelay(info: DevnetInfo, options: RelayOptions = {}): Relay {
  const delayMs = options.delayMs ?? info.params.relayDelayMs;
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const maxBlockRange = BigInt(options.maxBlockRange ?? 5_000);
  const relayer = options.relayer ?? info.accounts.relayer;
  // Aborting cancels in-flight RPC requests, so stop() does not wait for a slow chain.
  const abort = new AbortController();
  const clientOptions = {
    timeoutMs: options.rpcTimeoutMs ?? 5_000,
    pollingIntervalMs: 100,
    signal: abort.signal,
  };

  const side = (endpoint: DevnetEndpoint, fromBlock: number): ChainSide => ({
    endpoint,
    reader: devnetPublicClient(endpoint, clientOptions),
    writer: devnetWalletClient(endpoint, relayer, clientOptions),
    routes: new Map(),
    cursor: BigInt(fromBlock),
    cleanSeq: -1,
    queue: Promise.resolve(),
  });
  const l1 = side(info.l1, info.l1.deploymentBlock);
  const sides: ChainSide[] = [l1];
  for (const rollup of info.rollups) {
    const x = side(rollup, rollup.deploymentBlock);
    x.routes.set(rollup.messenger.toLowerCase(), {
      destination: l1,
      destinationMessenger: rollup.l1Messenger,
    });
    l1.routes.set(rollup.l1Messenger.toLowerCase(), {
      destination: x,
      destinationMessenger: rollup.messenger,
    });
    sides.push(x);
  }

  const messages = new Map<string, RelayedMessage>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let activitySeq = 0;
  let pending = 0;
  let stopped = false;
  let wakeSleepers: (() => void)[] = [];

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const id = setTimeout(() => {
        timers.delete(id);
        wakeSleepers = wakeSleepers.filter((w) => w !== wake);
        resolve();
      }, ms);
      const wake = () => {
        clearTimeout(id);
        timers.delete(id);
        resolve();
      };
      timers.add(id);
      wakeSleepers.push(wake);
    });

  const settle = (msg: RelayedMessage, status: RelayedStatus, reason?: string) => {
    msg.status = status;
    if (reason !== undefined) msg.reason = reason;
    pending -= 1;
    activitySeq += 1;
  };

  const deliver = async (msg: RelayedMessage, route: Route): Promise<void> => {
    const { reader, writer, endpoint } = route.destination;
    const args = [msg.remoteSender, msg.remoteNonce, msg.target, msg.message] as const;
    let lastError = "";
    for (let attempt = 1; attempt <= maxAttempts && !stopped; attempt++) {
      try {
        const done = await reader.readContract({
          address: route.destinationMessenger,
          abi: devnetMessengerRelayAbi,
          functionName: "isDelivered",
          args: [msg.remoteSender, msg.remoteNonce],
        });
        if (done) {
          log.info("message {id} already delivered on {chain}; skipped", {
            id: msg.id,
            chain: endpoint.name,
          });
          return settle(msg, "skipped");
        }
        const { request } = await reader.simulateContract({
          account: writer.account,
          address: route.destinationMessenger,
          abi: devnetMessengerRelayAbi,
          functionName: "deliverMessage",
          args,
        });
        const hash = await writer.writeContract(request);
        msg.deliveryTx = hash;
        const receipt = await reader.waitForTransactionReceipt({ hash, timeout: 30_000 });
        if (receipt.status !== "success") {
          log.error("delivery of {id} on {chain} reverted in block {block} ({tx})", {
            id: msg.id,
            chain: endpoint.name,
            block: receipt.blockNumber,
            tx: hash,
          });
          return settle(msg, "failed", "reverted on chain");
        }
        log.info("delivered {id} on {chain} ({tx})", {
          id: msg.id,
          chain: endpoint.name,
          tx: hash,
        });
        return settle(msg, "delivered");
      } catch (error) {
        const reason = revertReason(error);
        if (reason !== undefined) {
          if (reason.includes("already delivered")) return settle(msg, "skipped");
          log.error("delivery of {id} on {chain} reverts: {reason}", {
            id: msg.id,
            chain: endpoint.name,
            reason,
          });
          return settle(msg, "failed", reason);
        }
        lastError = shortError(error);
        if (stopped) break;
        log.warn("delivery of {id} on {chain}, attempt {attempt}/{max}: {error}", {
          id: msg.id,
          chain: endpoint.name,
          attempt,
          max: maxAttempts,
          error: lastError,
        });
        if (attempt < maxAttempts) await sleep(250 * attempt);
      }
    }
    settle(msg, "failed", stopped ? "relay stopped" : lastError);
  };

  /** True if delivered; false when not, or when the chain cannot tell right now. */
  const alreadyDelivered = async (msg: RelayedMessage, route: Route): Promise<boolean> => {
    try {
      return await route.destination.reader.readContract({
        address: route.destinationMessenger,
        abi: devnetMessengerRelayAbi,
        functionName: "isDelivered",
        args: [msg.remoteSender, msg.remoteNonce],
      });
    } catch {
      return false; // deliver() asks again before sending
    }
  };

  const schedule = (msg: RelayedMessage, route: Route) => {
    pending += 1;
    const enqueue = () => {
      const destination = route.destination;
      destination.queue = destination.queue
        .then(() => (stopped ? settle(msg, "failed", "relay stopped") : deliver(msg, route)))
        .catch((error) => {
          // deliver() handles its own errors; this only guards the queue against a bug
          log.error("delivery of {id} crashed: {error}", { id: msg.id, error: String(error) });
          if (msg.status === "pending") settle(msg, "failed", String(error));
        });
    };
    if (delayMs <= 0) return enqueue();
    const id = setTimeout(() => {
      timers.delete(id);
      enqueue();
    }, delayMs);
    timers.add(id);
  };

  const pollOnce = async (chain: ChainSide) => {
    const seqAtStart = activitySeq;
    const head = await chain.reader.getBlockNumber({ cacheTime: 0 });
    if (head < chain.cursor) {
      chain.cleanSeq = seqAtStart;
      return;
    }
    const toBlock = head - chain.cursor + 1n > maxBlockRange
      ? chain.cursor + maxBlockRange - 1n
      : head;
    const logs = await chain.reader.getLogs({
      address: [...chain.routes.keys()] as Address[],
      event: devnetMessengerRelayAbi[0],
      fromBlock: chain.cursor,
      toBlock,
    });
    if (stopped) return;
    const fresh: [RelayedMessage, Route][] = [];
    for (const entry of logs) {
      const route = chain.routes.get(entry.address.toLowerCase());
      const { nonce, target, message } = entry.args;
      if (!route || nonce === undefined || !target || !message) continue;
      const id = `${chain.endpoint.chainId}:${entry.address.toLowerCase()}:${nonce}`;
      if (messages.has(id)) continue;
      const msg: RelayedMessage = {
        id,
        sourceChainId: chain.endpoint.chainId,
        destinationChainId: route.destination.endpoint.chainId,
        remoteSender: entry.address,
        destinationMessenger: route.destinationMessenger,
        remoteNonce: nonce,
        target,
        message,
        sourceTx: entry.transactionHash,
        status: "pending",
      };
      messages.set(id, msg);
      activitySeq += 1;
      log.debug("saw message {id} to {target} on {chain}", {
        id,
        target,
        chain: chain.endpoint.name,
      });
      fresh.push([msg, route]);
    }
    // History re-read after a restart: skip what was delivered at once instead of after the delay.
    const done = await Promise.all(fresh.map(([msg, route]) => alreadyDelivered(msg, route)));
    fresh.forEach(([msg, route], i) => {
      if (done[i]) {
        msg.status = "skipped";
        log.debug("message {id} was already delivered; skipped", { id: msg.id });
      } else if (!stopped) {
        schedule(msg, route);
      }
    });
    chain.cursor = toBlock + 1n;
    if (toBlock === head) chain.cleanSeq = seqAtStart;
  };

  const pollLoop = async (chain: ChainSide) => {
    while (!stopped) {
      try {
        await pollOnce(chain);
      } catch (error) {
        if (stopped) break;
        log.warn("polling {chain} failed: {error}", {
          chain: chain.endpoint.name,
          error: shortError(error),
        });
      }
      await sleep(pollIntervalMs);
    }
  };

  const loops = sides.map((chain) => pollLoop(chain));

  const stats = (): RelayStats => {
    const all = [...messages.values()].map((m) => ({ ...m }));
    const count = (s: RelayedStatus) => all.filter((m) => m.status === s).length;
    return {
      seen: all.length,
      delivered: count("delivered"),
      skipped: count("skipped"),
      failed: count("failed"),
      pending,
      messages: all,
    };
  };

  return {
    stats,
    async stop() {
      if (stopped) return;
      stopped = true;
      abort.abort();
      for (const id of timers) clearTimeout(id);
      timers.clear();
      for (const wake of wakeSleepers) wake();
      wakeSleepers = [];
      await Promise.all(loops);
      await Promise.all(sides.map((s) => s.queue));
    },
    async waitIdle(timeoutMs = 30_000) {
      // A new sequence number forces one more full poll of every chain after this call.
      activitySeq += 1;
      const deadline = Date.now() + timeoutMs;
      while (true) {
        if (stopped) throw new RelayError("relay stopped while waiting for idle", stats());
        if (pending === 0 && sides.every((s) => s.cleanSeq >= activitySeq)) return;
        if (Date.now() > deadline) {
          throw new RelayError(`relay not idle after ${timeoutMs} ms`, stats());
        }
        await sleep(Math.min(50, pollIntervalMs));
      }
    },
  };
}

/** The revert reason of a failed contract call, or undefined when it is not a revert. */
export function revertReason(error: unknown): string | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (revert instanceof ContractFunctionRevertedError) {
    return revert.reason ?? revert.shortMessage;
  }
  return undefined;
}

function shortError(error: unknown): string {
  if (error instanceof BaseError) return error.shortMessage;
  return error instanceof Error ? error.message : String(error);
}
