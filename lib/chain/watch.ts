/**
 * The chain watcher's state and the pure decisions its reducer takes: what to read next, which
 * view to report, which messages a read or a reorg produces.
 *
 * @module
 */
import type { Address, ChainView, EventRef, Hex, RouterMsg } from "../agent/messages.ts";
import { type CursorState, emptyCursor, hashAt, nextFrom, pendingCount } from "./cursor.ts";
import type { DecodedEvent } from "./decode.ts";
import { nextRange } from "./ranges.ts";
import type { RangeQuery, ViewData, ViewQuery } from "./read.ts";
import type { WatcherInit } from "./setup.ts";

/** Work in flight (reset at every start: a restart drops running tasks). */
export interface Busy {
  poll: boolean;
  read: boolean;
  fork: boolean;
  view: boolean;
  head: boolean;
}

/** The state of a `chain-watcher` actor (its snapshot). */
export interface WatcherState {
  init: WatcherInit;
  pos: CursorState;
  /** Highest head seen; never lowered by a lagging endpoint. */
  head: number;
  /** Current getLogs range size, blocks. */
  range: number;
  rpcOk: boolean;
  rpcUrl: string;
  lastError?: string;
  /** Last balances, allowances and parameters read. */
  money: ViewData | null;
  /** Wall ms of the last parameter read; 0 forces a read. */
  paramsAt: number;
  /** A reorg was seen and its fork point is still to be found. */
  forkPending: boolean;
  busy: Busy;
}

/** Most batches in flight (besides the pending-events bound). */
export const MAX_BATCHES = 64;

/** A fresh watcher state for `init`. */
export function initialWatcherState(init: WatcherInit, rpcUrl: string): WatcherState {
  return {
    init,
    pos: emptyCursor(),
    head: -1,
    range: Math.min(init.maxBlocksPerQuery, 100),
    rpcOk: true,
    rpcUrl,
    money: null,
    paramsAt: 0,
    forkPending: false,
    busy: idle(),
  };
}

/** No work in flight. */
export function idle(): Busy {
  return { poll: false, read: false, fork: false, view: false, head: false };
}

/** The block the watcher has read to (its `synced`). */
export function synced(s: WatcherState): number {
  return s.pos.tip?.n ?? s.init.startBlock - 1;
}

/** The next range to read, or undefined when caught up, busy, or at the bookkeeping bound. */
export function nextRead(s: WatcherState): RangeQuery | undefined {
  if (s.busy.read || s.busy.fork || s.forkPending || s.head < 0) return undefined;
  if (pendingCount(s.pos) >= s.init.limits.pending || s.pos.batches.length >= MAX_BATCHES) {
    return undefined;
  }
  const target = s.head - s.init.confirmations;
  let from = nextFrom(s.pos, s.init.startBlock);
  // The L1 has no events the agent reads: start at the head instead of replaying history.
  if (s.init.role === "l1") from = Math.max(from, target);
  const r = nextRange(from, target, s.range);
  if (!r) return undefined;
  return {
    chainId: s.init.chainId,
    from: r.from,
    to: r.to,
    parent: hashAt(s.pos, r.from - 1),
    requestManager: s.init.requestManager,
    fillManager: s.init.fillManager,
  };
}

/** A read that started at `from` still continues the tip (no rollback or rewind meanwhile). */
export function readFits(s: WatcherState, from: number): boolean {
  const next = nextFrom(s.pos, s.init.startBlock);
  return s.init.role === "l1" ? from >= next : from === next;
}

/** What the next view task reads. */
export function viewQuery(s: WatcherState, now: number): ViewQuery {
  const i = s.init;
  const wantParams = i.role === "rollup" && i.requestManager && i.fillManager &&
    (s.paramsAt === 0 || now - s.paramsAt > i.paramsRefreshMs);
  return {
    lp: i.lp,
    tokens: i.tokens,
    spender: i.fillManager,
    params: wantParams
      ? {
        requestManager: i.requestManager!,
        fillManager: i.fillManager!,
        otherChainIds: i.otherChainIds,
      }
      : undefined,
    gasPrice: i.role === "l1",
  };
}

/** The view of the chain as the watcher knows it at wall time `at`. */
export function viewOf(s: WatcherState, at: number): ChainView {
  const view: ChainView = {
    chainId: s.init.chainId,
    head: Math.max(s.head, 0),
    synced: synced(s),
    timestamp: s.pos.tipTs,
    at,
    rpcOk: s.rpcOk,
    rpcUrl: s.rpcUrl,
    nativeBalance: s.money?.nativeBalance ?? "0",
    tokens: s.money?.tokens ?? {},
  };
  if (s.money?.params) view.params = s.money.params;
  if (s.money?.gasPrice !== undefined) view.gasPrice = s.money.gasPrice;
  return view;
}

/** The router message delivering `e` as part of `batch`, acknowledged to `self`. */
export function eventMsg(e: DecodedEvent, self: string, batch: number): RouterMsg {
  return {
    type: "route",
    id: e.id,
    msg: { type: "Event", event: e.event, ref: e.ref, ack: { to: self, batch } },
  };
}

/** The router message retracting a delivered event whose block was reorged away. */
export function removedMsg(id: Hex, ref: EventRef): RouterMsg {
  return { type: "route", id, msg: { type: "EventRemoved", ref } };
}

/** One line for inspection, e.g. `synced 123/125 rpc ok http://127.0.0.1:8545`. */
export function watcherSummary(s: WatcherState): string {
  const pending = pendingCount(s.pos);
  return [
    `synced ${synced(s)}/${Math.max(s.head, 0)}`,
    `rpc ${s.rpcOk ? "ok" : "down"} ${s.rpcUrl}`,
    pending > 0 ? `unacked ${pending}` : "",
    s.forkPending ? "reorg" : "",
    !s.rpcOk && s.lastError ? `(${s.lastError.slice(0, 160)})` : "",
  ].filter(Boolean).join(" ");
}

/** An address in lower case. */
export function lowerAddress(a: string): Address {
  return a.toLowerCase() as Address;
}
