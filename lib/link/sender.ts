/**
 * The agent side of the seq/ack protocol as a pure reducer: given what happened (connected,
 * welcome, ack, gap, outbox appended, page read, disconnected) it returns the next state and the
 * actions to carry out (send hello, read a page, send frames, ack the outbox). It does no I/O,
 * so an actor can run it and tests can call it directly.
 *
 * @module
 */
import type { OutboxEntry } from "./outbox.ts";

/** Tuning of the sender. */
export interface SenderOptions {
  /** Most frames sent and not yet acked (bounds memory and resend volume). */
  window: number;
  /** Most entries read from the outbox at once. */
  pageSize: number;
}

/** Default tuning: 2,000 frames in flight, pages of 500. */
export const DEFAULT_SENDER_OPTIONS: SenderOptions = { window: 2000, pageSize: 500 };

/** The sender's state; plain JSON. */
export interface SenderState {
  /** `down`: no connection; `greeting`: hello sent, waiting for welcome; `ready`: sending. */
  link: "down" | "greeting" | "ready";
  /** Highest seq the coordinator confirmed as stored (welcome or ack). */
  acked: number;
  /** Highest seq the outbox has deleted as acknowledged. */
  outboxAcked: number;
  /** Highest seq sent on the current connection. */
  sent: number;
  /** Highest seq in the outbox. */
  lastSeq: number;
  /** The `afterSeq` of the outbox read in flight, or null. */
  reading: number | null;
}

/** What happened, as the sender's input. */
export type SenderEvent =
  | { type: "connected" }
  | { type: "welcome"; lastReceivedSeq: number }
  | { type: "ack"; seq: number }
  | { type: "gap" }
  | { type: "appended"; lastSeq: number }
  | { type: "read"; afterSeq: number; entries: OutboxEntry<unknown>[] }
  | { type: "outboxAcked"; seq: number }
  | { type: "disconnected" };

/** What to do, as the sender's output. */
export type SenderAction =
  | { type: "sendHello"; lastAckedSeq: number }
  | { type: "read"; afterSeq: number; limit: number }
  | { type: "send"; entries: OutboxEntry<unknown>[] }
  | { type: "ackOutbox"; seq: number }
  | { type: "protocolError"; detail: string };

/** The result of {@link senderStep}. */
export interface SenderStep {
  state: SenderState;
  actions: SenderAction[];
}

/**
 * The initial state for an outbox with the given counters (from `Outbox.stats()`).
 *
 * @example
 * let state = initialSenderState(outbox.stats());
 */
export function initialSenderState(outbox: { lastSeq: number; lastAckedSeq: number }): SenderState {
  return {
    link: "down",
    acked: outbox.lastAckedSeq,
    outboxAcked: outbox.lastAckedSeq,
    sent: outbox.lastAckedSeq,
    lastSeq: outbox.lastSeq,
    reading: null,
  };
}

/**
 * Apply one event. Pure: the same state and event always give the same result.
 *
 * @example
 * const { state, actions } = senderStep(s, { type: "ack", seq: 10 }, DEFAULT_SENDER_OPTIONS);
 * // actions: [{ type: "ackOutbox", seq: 10 }, ...maybe a read of the next page]
 */
export function senderStep(
  state: SenderState,
  event: SenderEvent,
  options: SenderOptions = DEFAULT_SENDER_OPTIONS,
): SenderStep {
  const actions: SenderAction[] = [];
  let next: SenderState = state;
  switch (event.type) {
    case "connected":
      next = { ...state, link: "greeting", sent: state.acked, reading: null };
      actions.push({ type: "sendHello", lastAckedSeq: state.outboxAcked });
      return { state: next, actions };
    case "disconnected":
      return { state: { ...state, link: "down", sent: state.acked, reading: null }, actions };
    case "welcome": {
      const seq = event.lastReceivedSeq;
      if (seq > state.lastSeq) {
        actions.push({
          type: "protocolError",
          detail: `coordinator has seq ${seq} but the outbox ends at ${state.lastSeq}`,
        });
        return { state: { ...state, link: "down" }, actions };
      }
      // Resume right after what the coordinator has, even if an ack for it was never seen.
      next = {
        ...state,
        link: "ready",
        acked: Math.max(state.acked, seq),
        sent: seq,
        reading: null,
      };
      break;
    }
    case "ack":
      if (event.seq > state.lastSeq) {
        actions.push({
          type: "protocolError",
          detail: `ack for seq ${event.seq} but the outbox ends at ${state.lastSeq}`,
        });
        return { state, actions };
      }
      next = { ...state, acked: Math.max(state.acked, event.seq) };
      if (next.sent < next.acked) next.sent = next.acked;
      break;
    case "gap":
      // The coordinator refused frames after a missing seq: resend from its last ack.
      next = { ...state, sent: state.acked, reading: null };
      break;
    case "appended":
      next = { ...state, lastSeq: Math.max(state.lastSeq, event.lastSeq) };
      break;
    case "outboxAcked":
      next = { ...state, outboxAcked: Math.max(state.outboxAcked, event.seq) };
      break;
    case "read": {
      if (state.reading !== event.afterSeq) return { state, actions }; // a stale page
      next = { ...state, reading: null };
      if (state.link !== "ready" || event.afterSeq !== state.sent) break;
      const entries: OutboxEntry<unknown>[] = [];
      const room = options.window - (state.sent - state.acked);
      let expected = state.sent + 1;
      for (const entry of event.entries) {
        if (entry.seq !== expected || entries.length >= room) break;
        entries.push(entry);
        expected++;
      }
      if (event.entries[0]?.seq !== state.sent + 1) {
        // The entries after `sent` are gone: they were acked and deleted, yet the coordinator
        // asks for them. Reconnecting sends the outbox's ack level in hello, which lets the
        // coordinator skip them (it records them as lost) instead of waiting forever.
        const first = event.entries[0]?.seq;
        actions.push({
          type: "protocolError",
          detail: first === undefined
            ? `outbox has no entries after seq ${state.sent} but its last seq is ${state.lastSeq}`
            : `outbox continues at seq ${first}, not ${state.sent + 1}; reconnect to resync`,
        });
        return { state: { ...next, link: "down", sent: next.acked }, actions };
      }
      if (entries.length > 0) {
        actions.push({ type: "send", entries });
        next.sent = entries[entries.length - 1].seq;
      }
      break;
    }
  }
  if (next.acked > state.acked) {
    actions.push({ type: "ackOutbox", seq: next.acked });
  }
  const read = nextRead(next, options);
  if (read) {
    next = { ...next, reading: read.afterSeq };
    actions.push(read);
  }
  return { state: next, actions };
}

function nextRead(
  state: SenderState,
  options: SenderOptions,
): Extract<SenderAction, { type: "read" }> | undefined {
  if (state.link !== "ready" || state.reading !== null || state.sent >= state.lastSeq) return;
  const room = options.window - (state.sent - state.acked);
  if (room <= 0) return;
  return { type: "read", afterSeq: state.sent, limit: Math.min(options.pageSize, room) };
}
