// A minimal agent-side link driver for integration tests: runs the pure sender reducer over a
// real Outbox and real WebSocket transports, reconnecting after every close. It is what the
// link actors do, without the actor runtime.
import {
  agentFrame,
  encodeFrame,
  helloFrame,
  initialSenderState,
  interpretCoordinatorData,
  isRetryableClose,
  type Outbox,
  type SenderAction,
  type SenderEvent,
  type SenderOptions,
  type SenderState,
  senderStep,
  type StatusBody,
  type TransportClose,
  WebSocketTransport,
} from "../../lib/link/mod.ts";
import { LP } from "./helpers.ts";

export class Pump {
  state: SenderState;
  transport: WebSocketTransport | undefined;
  readonly errors: string[] = [];
  readonly closes: TransportClose[] = [];
  #running = true;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #pending = new Set<Promise<unknown>>();

  constructor(
    readonly outbox: Outbox<StatusBody>,
    readonly url: () => string,
    readonly agentId = "agent-a",
    readonly token = "token-a",
    readonly retryMs = 20,
    readonly options: SenderOptions = { window: 300, pageSize: 100 },
  ) {
    this.state = initialSenderState(outbox.stats());
  }

  start(): void {
    this.#connect();
  }

  #track<T>(p: Promise<T>): void {
    const tracked = p.catch((err) => this.errors.push(String(err))).finally(() =>
      this.#pending.delete(tracked)
    );
    this.#pending.add(tracked);
  }

  #connect(): void {
    if (!this.#running) return;
    const transport = new WebSocketTransport(this.url(), { connectTimeoutMs: 2000 });
    this.transport = transport;
    transport.listen({
      onMessage: (data) => {
        if (this.transport !== transport) return;
        for (const effect of interpretCoordinatorData(data, Date.now())) {
          if (effect.type === "sender") this.dispatch(effect.event);
          else if (effect.type === "refused") this.errors.push(`bad frame: ${effect.reason}`);
          else if (effect.type === "reply") transport.send(encodeFrame(effect.frame));
        }
      },
      onClose: (close) => {
        this.closes.push(close);
        if (this.transport !== transport) return;
        this.dispatch({ type: "disconnected" });
        if (isRetryableClose(close.code)) this.#retryLater();
      },
    });
    this.#track(
      transport.connect().then(
        () => this.dispatch({ type: "connected" }),
        () => this.#retryLater(),
      ),
    );
  }

  #retryLater(): void {
    if (!this.#running || this.#retryTimer !== undefined) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, this.retryMs);
  }

  async append(messages: StatusBody[]): Promise<number[]> {
    const seqs = await this.outbox.append(messages);
    this.dispatch({ type: "appended", lastSeq: seqs[seqs.length - 1] });
    return seqs;
  }

  dispatch(event: SenderEvent): void {
    if (!this.#running) return;
    const { state, actions } = senderStep(this.state, event, this.options);
    this.state = state;
    for (const action of actions) this.#run(action);
  }

  #run(action: SenderAction): void {
    const transport = this.transport;
    switch (action.type) {
      case "sendHello":
        transport?.send(encodeFrame(helloFrame(
          {
            agentId: this.agentId,
            version: "test",
            chains: [],
            lpAddress: LP,
            token: this.token,
          },
          this.outbox.streamId,
          action.lastAckedSeq,
        )));
        return;
      case "read":
        this.#track(
          this.outbox.readAfter(action.afterSeq, action.limit).then((entries) =>
            this.dispatch({ type: "read", afterSeq: action.afterSeq, entries })
          ),
        );
        return;
      case "send":
        for (const e of action.entries) {
          transport?.send(encodeFrame(agentFrame("status", e.message as StatusBody, e.seq)));
        }
        return;
      case "ackOutbox":
        this.#track(
          this.outbox.ackUpTo(action.seq).then(() =>
            this.dispatch({ type: "outboxAcked", seq: action.seq })
          ),
        );
        return;
      case "protocolError":
        this.errors.push(action.detail);
        transport?.close(1000, "resync");
        return;
    }
  }

  /** Stop like a killed process would: drop the connection, finish in-flight KV calls. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    this.transport?.close(1000, "agent stopping");
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    if (this.transport && this.transport.state !== "closed") {
      const t = this.transport;
      const deadline = Date.now() + 5000;
      while (t.state !== "closed" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }
}

export function statusOf(n: number): StatusBody {
  return {
    kind: "request",
    id: `0x${(n % 97).toString(16)}`,
    state: `s${n}`,
    chainId: 31337,
    at: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    details: { n },
  };
}
