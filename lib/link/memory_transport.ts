/**
 * In-memory transports for unit tests: a connected pair, and a listener that hands out client
 * transports and can refuse connections or drop them all, like a server going down.
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

/**
 * One end of an in-memory connection. Messages are delivered to the other end asynchronously
 * (as a microtask), in order.
 */
export class MemoryTransport implements Transport {
  #state: TransportState = "idle";
  #events: TransportEvents | undefined;
  #early: (string | ArrayBuffer)[] = [];
  #peer: MemoryTransport | undefined;
  #opener: () => Promise<void>;
  readonly #maxInboundBytes: number;

  /** Make an unlinked end; `opener` decides whether `connect()` succeeds. */
  constructor(
    readonly url: string,
    opener: () => Promise<void> = () => Promise.resolve(),
    maxInboundBytes = DEFAULT_MAX_FRAME_BYTES,
  ) {
    this.#opener = opener;
    this.#maxInboundBytes = maxInboundBytes;
  }

  /** Link two ends so each delivers to the other. */
  static link(a: MemoryTransport, b: MemoryTransport): void {
    a.#peer = b;
    b.#peer = a;
  }

  /** The current lifecycle state. */
  get state(): TransportState {
    return this.#state;
  }

  /** Always 0: delivery does not buffer bytes. */
  get bufferedAmount(): number {
    return 0;
  }

  /** Set the event callbacks; messages that arrived before are delivered now. */
  listen(events: TransportEvents): void {
    this.#events = events;
    const early = this.#early.splice(0);
    for (const data of early) events.onMessage(data);
  }

  /** Open this end; rejects if the opener refuses. */
  async connect(): Promise<void> {
    if (this.#state === "open") return;
    if (this.#state !== "idle") {
      throw new TransportError("aborted", this.url, `transport is ${this.#state}`);
    }
    this.#state = "connecting";
    try {
      await this.#opener();
    } catch (err) {
      this.#state = "closed";
      throw err instanceof TransportError
        ? err
        : new TransportError("connect_failed", this.url, String(err));
    }
    if (this.#state !== "connecting") {
      throw new TransportError("aborted", this.url, "closed while connecting");
    }
    this.#state = "open";
  }

  /** Deliver `text` to the other end. */
  send(text: string): SendResult {
    const peer = this.#peer;
    if (this.#state !== "open" || !peer || peer.#state === "closed") {
      return { ok: false, reason: "not_open", detail: `transport is ${this.#state}` };
    }
    queueMicrotask(() => peer.#deliver(text));
    return { ok: true, bufferedAmount: 0 };
  }

  #deliver(data: string): void {
    if (this.#state === "closed" || this.#state === "closing") return;
    if (utf8ByteLength(data, this.#maxInboundBytes) > this.#maxInboundBytes) {
      this.close(CloseCodes.messageTooBig, `frame larger than ${this.#maxInboundBytes} bytes`);
      return;
    }
    if (this.#events) this.#events.onMessage(data);
    else this.#early.push(data);
  }

  /** Close both ends; each reports `onClose` once. */
  close(code: number = CloseCodes.normal, reason = ""): void {
    if (this.#state === "closed" || this.#state === "closing") return;
    const wasOpen = this.#state === "open";
    this.#state = "closed";
    if (wasOpen) this.#report({ code, reason, wasClean: true, initiator: "local" });
    const peer = this.#peer;
    if (peer && peer.#state !== "closed") {
      const peerWasOpen = peer.#state === "open";
      peer.#state = "closed";
      if (peerWasOpen) peer.#report({ code, reason, wasClean: true, initiator: "remote" });
    }
  }

  #report(close: TransportClose): void {
    queueMicrotask(() => this.#events?.onClose(close));
  }
}

/**
 * A connected in-memory pair: what the client sends the server receives and the reverse.
 * Both ends still need `connect()`.
 *
 * @example
 * const { client, server } = createMemoryPair();
 * await Promise.all([client.connect(), server.connect()]);
 */
export function createMemoryPair(
  maxInboundBytes = DEFAULT_MAX_FRAME_BYTES,
): { client: MemoryTransport; server: MemoryTransport } {
  const client = new MemoryTransport("memory://client", undefined, maxInboundBytes);
  const server = new MemoryTransport("memory://server", undefined, maxInboundBytes);
  MemoryTransport.link(client, server);
  return { client, server };
}

/**
 * An in-memory server: its {@link MemoryListener.factory} makes client transports; each
 * successful connect hands the server end to `onAccept`, already open.
 *
 * @example
 * const listener = new MemoryListener((server) => coordinator.accept(server));
 * const factory = listener.factory();
 * listener.accepting = false; // the next connect() rejects, as if the server were down
 */
export class MemoryListener {
  /** While false, `connect()` of new client transports rejects with `connect_failed`. */
  accepting = true;
  readonly #open = new Set<MemoryTransport>();

  /** @param onAccept receives the server end of each new connection. */
  constructor(
    readonly onAccept: (server: Transport) => void,
    readonly maxInboundBytes = DEFAULT_MAX_FRAME_BYTES,
  ) {}

  /** The number of connections accepted so far that are still open. */
  get openConnections(): number {
    for (const t of this.#open) if (t.state === "closed") this.#open.delete(t);
    return this.#open.size;
  }

  /** A factory of client transports that connect to this listener. */
  factory(): TransportFactory {
    return () => {
      const server = new MemoryTransport("memory://server", undefined, this.maxInboundBytes);
      const client = new MemoryTransport("memory://listener", async () => {
        if (!this.accepting) {
          throw new TransportError("connect_failed", "memory://listener", "not accepting");
        }
        await server.connect();
        this.#open.add(server);
        this.onAccept(server);
      }, this.maxInboundBytes);
      MemoryTransport.link(client, server);
      return client;
    };
  }

  /** Close every open connection from the server side, e.g. to simulate a restart. */
  dropAll(code: number = CloseCodes.goingAway, reason = "listener dropped"): void {
    for (const t of this.#open) t.close(code, reason);
    this.#open.clear();
  }
}
