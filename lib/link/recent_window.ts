/**
 * Pure functions of the message queue: the bounded window of recently appended statuses (sent
 * without reading KV back) and fitting a status into one outbox entry.
 *
 * @module
 */
import { type StatusBody, utf8ByteLength } from "./frames.ts";
import { MAX_OUTBOX_ENTRY_BYTES, type OutboxEntry } from "./outbox.ts";
import { linkLog as log } from "./services.ts";

/** Consecutive statuses `first`, `first + 1`, … as appended to the outbox. */
export interface RecentWindow {
  first: number;
  bodies: StatusBody[];
}

/** Most statuses kept in the recent window (a bound on memory, not on the outbox). */
export const RECENT_MAX = 4000;

/** The entries after `afterSeq` held by the window, or undefined when it does not start there. */
export function fromWindow(
  w: RecentWindow,
  read: { afterSeq: number; limit: number },
): OutboxEntry<unknown>[] | undefined {
  const i = read.afterSeq + 1 - w.first;
  if (i < 0 || i >= w.bodies.length) return undefined;
  return w.bodies.slice(i, i + read.limit).map((message, k) => ({
    seq: read.afterSeq + 1 + k,
    message,
  }));
}

/** Add a batch appended with seqs ending at `lastSeq`; a batch that does not follow replaces it. */
export function addToWindow(w: RecentWindow, batch: StatusBody[], lastSeq: number): RecentWindow {
  const first = lastSeq - batch.length + 1;
  const bodies = first === w.first + w.bodies.length ? [...w.bodies, ...batch] : batch;
  const start = first === w.first + w.bodies.length ? w.first : first;
  const drop = Math.max(0, bodies.length - RECENT_MAX);
  return { first: start + drop, bodies: drop > 0 ? bodies.slice(drop) : bodies };
}

/** Forget statuses up to `acked`: they are never sent again. */
export function trimWindow(w: RecentWindow, acked: number): RecentWindow {
  const drop = Math.min(w.bodies.length, acked + 1 - w.first);
  if (drop <= 0) return w;
  return { first: w.first + drop, bodies: w.bodies.slice(drop) };
}

/** A status whose JSON exceeds one outbox entry keeps its identity and loses its details. */
export function fitToEntry(body: StatusBody): StatusBody {
  const bytes = utf8ByteLength(JSON.stringify(body), MAX_OUTBOX_ENTRY_BYTES + 1);
  if (bytes <= MAX_OUTBOX_ENTRY_BYTES) return body;
  log.warn("status {id} is over {limit} bytes; its details are replaced by a size note", {
    id: body.id,
    limit: MAX_OUTBOX_ENTRY_BYTES,
  });
  return { ...body, details: { truncated: true, bytes } };
}
