/**
 * A {@link Transport} over Deno's WebSocket: a client for ws:// and wss:// URLs, and a wrapper
 * for sockets a server accepted with `Deno.upgradeWebSocket`.
 *
 * @module
 */
import { CloseCodes } from "./close_codes.ts";
import { DEFAULT_MAX_FRAME_BYTES, utf8ByteLength } from "./frames.ts";
import {
  type SendResult,
  type Transport,
  type TransportClose,
  TransportError,
  type TransportEvents,
  type TransportFactory,
  type TransportState,
} from "./transport.ts";

/** Options of a WebSocket transport. */
export interface WebSocketTransportOptions {
  /** Give up connecting after this many ms (default 10,000). */
  connectTimeoutMs?: number;
  /** Close the connection when a received frame is larger than this (default 1 MiB). */
  maxInboundBytes?: number;
  /** Refuse to send a frame larger than this (default: no limit). */
  maxOutboundBytes?: number;
}

const noEvents: TransportEvents = { onMessage() {}, onClose() {} };

/**
 * A WebSocket connection as a {@link Transport}.
 *
 * @example
 * const t = new WebSocketTransport("ws://127.0.0.1:8080/link", { connectTimeoutMs: 5000 });
 * t.listen({ onMessage: console.log, onClose: (c) => console.log("closed", c.code) });
 * await t.connect();
 */
export class WebSocketTransport implements Transport {
  #state: TransportState = "idle";
  #socket: WebSocket | undefined;
  #events: TransportEvents = noEvents;
  #lastError: string | undefined;
  #localClose: { code: number; reason: string } | undefined;
  #closeReported = false;
  #serverSide = false;
  #opened = false;
  readonly #options: Required<WebSocketTransportOptions>;

  /** A client transport for `url` (ws:// or wss://); nothing happens until `connect()`. */
  constructor(readonly url: string, options: WebSocketTransportOptions = {}) {
    this.#options = {
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      maxInboundBytes: options.maxInboundBytes ?? DEFAULT_MAX_FRAME_BYTES,
      maxOutboundBytes: options.maxOutboundBytes ?? Infinity,
    };
  }

  /**
   * Wrap a socket a server accepted (from `Deno.upgradeWebSocket`). The transport counts as
   * connected once the socket opens; `connect()` waits for that.
   */
  static accepted(
    socket: WebSocket,
    url: string,
    options: WebSocketTransportOptions = {},
  ): WebSocketTransport {
    const transport = new WebSocketTransport(url, options);
    transport.#serverSide = true;
    transport.#adopt(socket);
    return transport;
  }

  /** The current lifecycle state. */
  get state(): TransportState {
    return this.#state;
  }

  /** Bytes queued in the socket and not yet written to the network. */
  get bufferedAmount(): number {
    return this.#socket?.bufferedAmount ?? 0;
  }

  /** Set the event callbacks. */
  listen(events: TransportEvents): void {
    this.#events = events;
  }

  /** Open the connection, within the connect timeout. */
  connect(): Promise<void> {
    if (this.#socket && this.#state === "open") return Promise.resolve();
    if (this.#state === "closed" || this.#state === "closing") {
      return Promise.reject(
        new TransportError("aborted", this.url, "this transport was closed; make a new one"),
      );
    }
    if (!this.#socket) {
      let parsed: URL;
      try {
        parsed = new URL(this.url);
      } catch {
        return Promise.reject(
          new TransportError("invalid_url", this.url, "not a URL; expected ws://host:port/path"),
        );
      }
      if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") {
        return Promise.reject(
          new TransportError(
            "invalid_url",
            this.url,
            `expected ws:// or wss://, got ${parsed.protocol}//`,
          ),
        );
      }
      try {
        this.#adopt(new WebSocket(this.url));
      } catch (err) {
        this.#state = "closed";
        return Promise.reject(new TransportError("connect_failed", this.url, String(err)));
      }
    }
    return this.#waitOpen();
  }

  #waitOpen(): Promise<void> {
    const socket = this.#socket!;
    if (socket.readyState === WebSocket.OPEN) {
      this.#state = "open";
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        this.#state = "closed";
        this.#closeReported = true; // never opened: the rejection is the report
        socket.close();
        reject(
          new TransportError(
            "timeout",
            this.url,
            `no connection within ${this.#options.connectTimeoutMs} ms`,
          ),
        );
      }, this.#options.connectTimeoutMs);
      const onOpen = () => {
        cleanup();
        if (this.#state === "connecting") this.#state = "open";
        resolve();
      };
      const onFail = () => {
        cleanup();
        this.#closeReported = true;
        this.#state = "closed";
        const why = this.#localClose
          ? `closed before opening (${this.#localClose.reason || "by caller"})`
          : this.#lastError ?? "connection closed before opening";
        reject(new TransportError(this.#localClose ? "aborted" : "connect_failed", this.url, why));
      };
      const cleanup = () => {
        clearTimeout(timer);
        socket.removeEventListener("open", onOpen);
        socket.removeEventListener("close", onFail);
      };
      socket.addEventListener("open", onOpen);
      socket.addEventListener("close", onFail);
    });
  }

  #adopt(socket: WebSocket): void {
    this.#socket = socket;
    this.#opened = socket.readyState === WebSocket.OPEN;
    this.#state = this.#opened ? "open" : "connecting";
    socket.binaryType = "arraybuffer";
    socket.addEventListener("open", () => {
      this.#opened = true;
      if (this.#state === "connecting") this.#state = "open";
    });
    socket.addEventListener("error", (event) => {
      const message = (event as ErrorEvent).message;
      this.#lastError = message || "WebSocket error";
    });
    socket.addEventListener("message", (event) => this.#receive(event.data));
    socket.addEventListener("close", (event) => {
      this.#state = "closed";
      // A connection that never opened is reported by connect() rejecting, not by onClose.
      if (this.#closeReported || !this.#opened) return;
      this.#closeReported = true;
      const close: TransportClose = {
        // Deno reports 0 when the peer vanished without a close frame; RFC 6455 calls that 1006.
        code: this.#localClose?.code ?? (event.code || 1006),
        reason: this.#localClose?.reason ?? event.reason,
        wasClean: event.wasClean,
        initiator: this.#localClose ? "local" : "remote",
      };
      if (this.#lastError && !event.wasClean) close.error = this.#lastError;
      this.#events.onClose(close);
    });
  }

  #receive(data: unknown): void {
    if (this.#state !== "open") return;
    const limit = this.#options.maxInboundBytes;
    let size: number;
    let payload: string | ArrayBuffer;
    if (typeof data === "string") {
      size = utf8ByteLength(data, limit);
      payload = data;
    } else if (data instanceof ArrayBuffer) {
      size = data.byteLength;
      payload = data;
    } else {
      return; // Blob cannot arrive with binaryType "arraybuffer"
    }
    if (size > limit) {
      this.close(
        this.#serverSide ? CloseCodes.messageTooBig : CloseCodes.messageTooBigClient,
        `frame larger than ${limit} bytes`,
      );
      return;
    }
    this.#events.onMessage(payload);
  }

  /** Queue one text frame on the socket. */
  send(text: string): SendResult {
    const socket = this.#socket;
    if (!socket || this.#state !== "open" || socket.readyState !== WebSocket.OPEN) {
      return { ok: false, reason: "not_open", detail: `transport is ${this.#state}` };
    }
    const limit = this.#options.maxOutboundBytes;
    if (limit !== Infinity && utf8ByteLength(text, limit) > limit) {
      return { ok: false, reason: "oversize", detail: `frame larger than ${limit} bytes` };
    }
    try {
      socket.send(text);
    } catch (err) {
      return { ok: false, reason: "not_open", detail: String(err) };
    }
    return { ok: true, bufferedAmount: socket.bufferedAmount };
  }

  /** Close with `code` (default 1000) and `reason`; aborts a pending `connect()`. */
  close(code: number = CloseCodes.normal, reason = ""): void {
    const socket = this.#socket;
    if (!socket || this.#state === "closed" || this.#state === "closing") {
      if (!socket) this.#state = "closed";
      return;
    }
    this.#localClose = { code, reason };
    this.#state = "closing";
    try {
      socket.close(code, reason);
    } catch {
      // A client may not send reserved codes (1001-2999): close normally, report the real code.
      socket.close(CloseCodes.normal, reason);
    }
  }
}

/**
 * A factory of client WebSocket transports to one URL, one per connection attempt.
 *
 * @example
 * const factory = webSocketTransportFactory("wss://coordinator.example/link");
 */
export function webSocketTransportFactory(
  url: string,
  options: WebSocketTransportOptions = {},
): TransportFactory {
  return () => new WebSocketTransport(url, options);
}
