/**
 * The Transport abstraction of the coordinator link: one object per connection, driven by calls
 * and reporting through callbacks, so an actor can turn every callback into a message.
 *
 * @module
 */

/** Lifecycle of one transport: `idle` → `connecting` → `open` → `closing` → `closed`. */
export type TransportState = "idle" | "connecting" | "open" | "closing" | "closed";

/** Why the connection ended, reported once through {@link TransportEvents.onClose}. */
export interface TransportClose {
  /** The close code (see `CloseCodes`); 1006 when the connection dropped without a close frame. */
  code: number;
  /** The close reason text, possibly empty. */
  reason: string;
  /** Whether the close handshake completed. */
  wasClean: boolean;
  /** Which side started the close, as far as this side knows. */
  initiator: "local" | "remote";
  /** The last transport error seen before the close, if any: what went wrong, in words. */
  error?: string;
}

/** Callbacks a transport calls; each call is one event. None is called after `onClose`. */
export interface TransportEvents {
  /** A text or binary message arrived (already checked against the size limit). */
  onMessage(data: string | ArrayBuffer): void;
  /** The open connection ended. Called exactly once, and only if `connect()` had succeeded. */
  onClose(close: TransportClose): void;
}

/** The result of {@link Transport.send}: sent, with the bytes still buffered, or refused. */
export type SendResult =
  | { ok: true; bufferedAmount: number }
  | { ok: false; reason: "not_open" | "oversize"; detail: string };

/** Why {@link Transport.connect} failed. */
export type TransportErrorKind = "invalid_url" | "timeout" | "connect_failed" | "aborted";

/** A connection attempt that failed: the kind, the URL and what happened. */
export class TransportError extends Error {
  /** @param kind what failed; @param url where to; @param message what happened. */
  constructor(
    readonly kind: TransportErrorKind,
    readonly url: string,
    message: string,
  ) {
    super(`link transport ${kind} (${url}): ${message}`);
    this.name = "TransportError";
  }
}

/**
 * One connection to a peer. A transport is used once: to reconnect, make a new one with a
 * {@link TransportFactory}. `send` never throws and never blocks; `bufferedAmount` tells how much
 * is still queued locally so a sender can hold back (backpressure).
 *
 * @example
 * const t = factory();
 * t.listen({ onMessage: (d) => inbox.push(d), onClose: (c) => console.log(c.code, c.reason) });
 * await t.connect();
 * t.send('{"v":1,"type":"heartbeat","body":{"sentAt":0,"outboxDepth":0}}');
 */
export interface Transport {
  /** Where this transport connects to, for logs and errors. */
  readonly url: string;
  /** The current lifecycle state. */
  readonly state: TransportState;
  /** Bytes accepted by `send` that the transport has not yet written. */
  readonly bufferedAmount: number;
  /** Set the event callbacks; call before `connect()` so no event is missed. */
  listen(events: TransportEvents): void;
  /** Open the connection. Resolves when open; rejects with a {@link TransportError}. */
  connect(): Promise<void>;
  /** Queue one text frame. Refused (not thrown) when not open or too large. */
  send(text: string): SendResult;
  /** Close the connection (or abort the connection attempt). Safe to call more than once. */
  close(code?: number, reason?: string): void;
}

/** Makes a fresh, unconnected transport for each connection attempt. */
export type TransportFactory = () => Transport;

/** What a transport event looks like as a plain message, for actors and iterators. */
export type TransportEvent =
  | { type: "message"; data: string | ArrayBuffer }
  | { type: "close"; close: TransportClose };

/**
 * Adapt a transport's callbacks to an async iterator of events, ending after the close event.
 * Useful in tests and scripts; actors should use {@link Transport.listen} directly.
 *
 * @example
 * for await (const ev of transportEvents(t)) if (ev.type === "message") handle(ev.data);
 */
export function transportEvents(transport: Transport): AsyncIterableIterator<TransportEvent> {
  const buffered: TransportEvent[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  transport.listen({
    onMessage: (data) => {
      buffered.push({ type: "message", data });
      wake?.();
    },
    onClose: (close) => {
      buffered.push({ type: "close", close });
      wake?.();
    },
  });
  const iterator: AsyncIterableIterator<TransportEvent> = {
    async next() {
      while (buffered.length === 0) {
        if (done) return { done: true, value: undefined };
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      const event = buffered.shift()!;
      if (event.type === "close") done = true;
      return { done: false, value: event };
    },
    return() {
      done = true;
      wake?.();
      return Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
