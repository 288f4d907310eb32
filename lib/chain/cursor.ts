/**
 * The watcher's position on one chain as pure data and pure functions: the durable cursor, the
 * read tip, recent block hashes for reorg detection, delivered-but-unacknowledged batches, and
 * recent deliveries (to retract them after a reorg).
 *
 * Invariants: `cursor.n <= tip.n`; batches cover `(cursor, tip]` in order; the cursor moves past
 * a batch only when every event of it and of every earlier batch was acknowledged.
 *
 * @module
 */
import type { EventRef, Hex } from "../agent/messages.ts";
import type { DecodedEvent } from "./decode.ts";

/** A block by number and hash. */
export interface Block {
  n: number;
  h: Hex;
}

/** Events delivered together; `keys` are those not acknowledged yet. */
export interface Batch {
  n: number;
  /** Last block the batch covers. */
  to: Block;
  /** Timestamp of `to`, Unix seconds. */
  ts: number;
  keys: string[];
  /** Wall ms when the batch was sent (ack timeout). */
  sentAt: number;
}

/** A delivery remembered for retraction: the request it went to and where its log was. */
export interface Delivered {
  id: Hex;
  ref: EventRef;
}

/** Cursor, tip and the bookkeeping between them. */
export interface CursorState {
  /** Every event up to this block is durable at the receivers. */
  cursor: Block | null;
  cursorTs: number;
  /** Highest block whose events were sent. */
  tip: Block | null;
  tipTs: number;
  /** Recent blocks read, ascending by number, at most `window` entries. */
  hashes: Block[];
  batches: Batch[];
  nextBatch: number;
  /** Recent deliveries, oldest first, for EventRemoved after a reorg. */
  delivered: Delivered[];
}

/** Bounds of the bookkeeping (they keep the snapshot well under KV's 64 KiB per value). */
export interface CursorLimits {
  /** Block hashes remembered: the deepest reorg handled by rollback. */
  window: number;
  /** Deliveries remembered for retraction. */
  delivered: number;
  /** Unacknowledged events at most; reads pause above it. */
  pending: number;
}

/** Default bounds. */
export const DEFAULT_LIMITS: CursorLimits = { window: 64, delivered: 48, pending: 128 };

/** An empty position; the first read starts at the configured start block. */
export function emptyCursor(): CursorState {
  return {
    cursor: null,
    cursorTs: 0,
    tip: null,
    tipTs: 0,
    hashes: [],
    batches: [],
    nextBatch: 1,
    delivered: [],
  };
}

/** The first block to read next. */
export function nextFrom(s: CursorState, startBlock: number): number {
  return s.tip ? s.tip.n + 1 : startBlock;
}

/** The remembered hash of block `n`, if any. */
export function hashAt(s: CursorState, n: number): Hex | undefined {
  if (s.tip?.n === n) return s.tip.h;
  if (s.cursor?.n === n) return s.cursor.h;
  return s.hashes.find((b) => b.n === n)?.h;
}

/** Number of events sent and not yet acknowledged. */
export function pendingCount(s: CursorState): number {
  return s.batches.reduce((sum, b) => sum + b.keys.length, 0);
}

/** What a read of `(tip, to]` found. */
export interface ReadOutcome {
  to: Block;
  ts: number;
  events: DecodedEvent[];
  /** Blocks whose hash the read saw (the events' blocks and `to`). */
  blocks: Block[];
}

/**
 * Keeps at most `room` events (whole blocks only, at least one block) so a burst never makes the
 * bookkeeping exceed its bound; the read then ends at the last kept block.
 */
export function limitRead(r: ReadOutcome, room: number, tsOf: (n: number) => number): ReadOutcome {
  if (r.events.length <= Math.max(1, room)) return r;
  const sorted = [...r.events].sort((a, b) =>
    a.ref.blockNumber - b.ref.blockNumber || a.ref.logIndex - b.ref.logIndex
  );
  // Walk whole blocks while they fit; the first block is always kept.
  let end = sorted[0].ref.blockNumber;
  let i = 0;
  while (i < sorted.length) {
    const n = sorted[i].ref.blockNumber;
    let j = i;
    while (j < sorted.length && sorted[j].ref.blockNumber === n) j++;
    if (i > 0 && j > room) break;
    end = n;
    i = j;
  }
  const kept = sorted.filter((e) => e.ref.blockNumber <= end);
  const last = kept[kept.length - 1].ref;
  return {
    to: { n: end, h: last.blockHash },
    ts: tsOf(end),
    events: kept,
    blocks: r.blocks.filter((b) => b.n <= end),
  };
}

/**
 * Records a read: its events become batch `s.nextBatch` (returned with the events to send); a
 * read without events extends the last batch or, with none pending, moves the cursor at once.
 */
export function applyRead(
  s: CursorState,
  r: ReadOutcome,
  now: number,
  limits: CursorLimits = DEFAULT_LIMITS,
): { state: CursorState; batch: number; send: DecodedEvent[] } {
  const hashes = mergeHashes(s.hashes, [...r.blocks, r.to], limits.window);
  const base = { ...s, tip: r.to, tipTs: r.ts, hashes };
  if (r.events.length === 0) {
    if (s.batches.length === 0) {
      return { state: { ...base, cursor: r.to, cursorTs: r.ts }, batch: 0, send: [] };
    }
    const last = s.batches[s.batches.length - 1];
    const batches = [...s.batches.slice(0, -1), { ...last, to: r.to, ts: r.ts }];
    return { state: { ...base, batches }, batch: 0, send: [] };
  }
  const n = s.nextBatch;
  const keys = [...new Set(r.events.map((e) => e.ref.key))];
  const known = new Set(r.events.map((e) => e.ref.key));
  const delivered = [
    ...s.delivered.filter((d) => !known.has(d.ref.key)),
    ...r.events.map((e) => ({ id: e.id, ref: e.ref })),
  ].slice(-limits.delivered);
  const batches = [...s.batches, { n, to: r.to, ts: r.ts, keys, sentAt: now }];
  return { state: { ...base, batches, nextBatch: n + 1, delivered }, batch: n, send: r.events };
}

/** Records an acknowledgement and moves the cursor past every fully acknowledged leading batch. */
export function applyAck(s: CursorState, batch: number, key: string): CursorState {
  const i = s.batches.findIndex((b) => b.n === batch);
  if (i < 0 || !s.batches[i].keys.includes(key)) return s;
  const batches = s.batches.map((b, j) =>
    j === i ? { ...b, keys: b.keys.filter((k) => k !== key) } : b
  );
  let cursor = s.cursor;
  let cursorTs = s.cursorTs;
  while (batches.length > 0 && batches[0].keys.length === 0) {
    const done = batches.shift()!;
    cursor = done.to;
    cursorTs = done.ts;
  }
  return { ...s, batches, cursor, cursorTs };
}

/** The oldest unacknowledged batch was sent before `now - timeoutMs`. */
export function ackOverdue(s: CursorState, now: number, timeoutMs: number): boolean {
  return s.batches.length > 0 && now - s.batches[0].sentAt > timeoutMs;
}

/** Forgets what was sent past the cursor so the next reads send it again (at least once). */
export function rewindToCursor(s: CursorState): CursorState {
  return { ...s, tip: s.cursor, tipTs: s.cursorTs, batches: [] };
}

/**
 * Rolls back to `fork` (the highest block still on the chain): tip and cursor never stay above
 * it, batches above it are dropped (their blocks are read again), and deliveries above it are
 * returned to be retracted.
 */
export function rollback(s: CursorState, fork: Block | null): {
  state: CursorState;
  removed: Delivered[];
} {
  const at = fork?.n ?? -1;
  const above = (b: Block | null) => b !== null && b.n > at;
  const cursor = above(s.cursor) ? fork : s.cursor;
  const cursorTs = above(s.cursor) ? 0 : s.cursorTs;
  const firstGone = s.batches.findIndex((b) => b.to.n > at);
  const batches = firstGone < 0 ? s.batches : s.batches.slice(0, firstGone);
  // Re-read from the end of the last surviving batch (or the cursor) so no event is skipped.
  let tip = s.tip;
  let tipTs = s.tipTs;
  if (firstGone >= 0) {
    const prev = batches[batches.length - 1];
    tip = prev ? prev.to : cursor;
    tipTs = prev ? prev.ts : cursorTs;
  }
  if (above(tip)) {
    tip = fork;
    tipTs = 0;
  }
  const removed = s.delivered.filter((d) => d.ref.blockNumber > at);
  return {
    state: {
      ...s,
      cursor,
      cursorTs,
      tip,
      tipTs,
      batches,
      hashes: s.hashes.filter((b) => b.n <= at),
      delivered: s.delivered.filter((d) => d.ref.blockNumber <= at),
    },
    removed,
  };
}

/** Blocks to compare with the chain when looking for the fork point, newest first. */
export function forkCandidates(s: CursorState): Block[] {
  const all = mergeHashes(s.hashes, [s.cursor, s.tip].filter((b): b is Block => b !== null), 1e9);
  return all.reverse();
}

function mergeHashes(old: Block[], add: Block[], window: number): Block[] {
  const byN = new Map<number, Block>();
  for (const b of old) byN.set(b.n, b);
  for (const b of add) byN.set(b.n, b);
  return [...byN.values()].sort((a, b) => a.n - b.n).slice(-window);
}
