// Test helpers for the link: a temp KV dir, a coordinator on port 0, and a raw test agent
// that speaks frames over a real WebSocket and records what comes back.
import {
  type AgentFrame,
  agentFrame,
  type CoordinatorFrame,
  decodeFrame,
  encodeFrame,
  type TransportClose,
  WebSocketTransport,
} from "../../lib/link/mod.ts";
import {
  type Coordinator,
  type CoordinatorOptions,
  startCoordinator,
} from "../../lib/coordinator/mod.ts";

export const LP = "0x" + "12".repeat(20);
export const TOKENS = new Map([["token-a", "agent-a"], ["token-b", "agent-b"]]);

/** Poll `check` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Run `fn` with a fresh temp dir, removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "tern-link-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Run `fn` with a coordinator on 127.0.0.1:0 and a temp KV file; stops it afterwards. */
export function withCoordinator(
  fn: (coord: Coordinator, kvPath: string) => Promise<void>,
  options: Partial<CoordinatorOptions> = {},
): Promise<void> {
  return withTempDir(async (dir) => {
    const kvPath = `${dir}/coord.kv`;
    const coord = await startCoordinator({ kvPath, tokens: TOKENS, ackDelayMs: 5, ...options });
    try {
      await fn(coord, kvPath);
    } finally {
      await coord.stop();
    }
  });
}

/** A raw agent over a real WebSocket: sends frames, records decoded replies and the close. */
export class TestAgent {
  readonly frames: CoordinatorFrame[] = [];
  readonly rejected: string[] = [];
  closed: TransportClose | undefined;
  readonly transport: WebSocketTransport;

  constructor(url: string, maxInboundBytes?: number) {
    this.transport = new WebSocketTransport(url, { connectTimeoutMs: 5000, maxInboundBytes });
    this.transport.listen({
      onMessage: (data) => {
        const r = decodeFrame(data, "coordinator");
        if (r.ok) this.frames.push(r.frame);
        else this.rejected.push(r.reason);
      },
      onClose: (close) => (this.closed = close),
    });
  }

  static async connect(url: string): Promise<TestAgent> {
    const agent = new TestAgent(url);
    await agent.transport.connect();
    return agent;
  }

  send(frame: AgentFrame): void {
    const r = this.transport.send(encodeFrame(frame));
    if (!r.ok) throw new Error(`send failed: ${r.detail}`);
  }

  sendRaw(text: string): void {
    const r = this.transport.send(text);
    if (!r.ok) throw new Error(`send failed: ${r.detail}`);
  }

  hello(agentId = "agent-a", token = "token-a", streamId = "stream-1", lastAckedSeq = 0): void {
    this.send(agentFrame("hello", {
      agentId,
      version: "0.1.0",
      chains: [{ chainId: 31337, name: "devnet" }],
      lpAddress: LP,
      streamId,
      lastAckedSeq,
      token,
    }));
  }

  status(seq: number, id = `0x${seq.toString(16)}`, state = "filled"): void {
    this.send(agentFrame("status", {
      kind: "request",
      id,
      state,
      chainId: 31337,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq % 60)).toISOString(),
      details: { n: seq },
    }, seq));
  }

  of<T extends CoordinatorFrame["type"]>(type: T): Extract<CoordinatorFrame, { type: T }>[] {
    return this.frames.filter((f) => f.type === type) as Extract<CoordinatorFrame, { type: T }>[];
  }

  lastAck(): number {
    const acks = this.of("ack");
    return acks.length ? acks[acks.length - 1].body.seq : -1;
  }

  async welcome(): Promise<number> {
    const w = await waitFor("welcome", () => this.of("welcome")[0]);
    return w.body.lastReceivedSeq;
  }

  async waitAck(seq: number): Promise<void> {
    await waitFor(`ack ${seq}`, () => this.lastAck() >= seq);
  }

  async waitClosed(): Promise<TransportClose> {
    return await waitFor("close", () => this.closed);
  }

  async close(): Promise<void> {
    if (!this.closed && this.transport.state !== "closed") {
      this.transport.close(1000, "test done");
      await this.waitClosed();
    }
  }
}
