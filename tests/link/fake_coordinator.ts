// A scripted coordinator on 127.0.0.1:0 for agent-side tests: accepts WebSockets on /link,
// records what arrives, and lets the test decide what (if anything) to answer.
import { coordinatorFrame, decodeFrame, encodeFrame } from "../../lib/link/mod.ts";
import type { AgentFrame } from "../../lib/link/mod.ts";

export interface FakeConnection {
  socket: WebSocket;
  frames: AgentFrame[];
  /** Arrival time (ms) of each frame in `frames`. */
  times: number[];
  closedWith?: number;
}

export interface FakeCoordinator {
  url: string;
  connections: FakeConnection[];
  /** The newest connection. */
  last(): FakeConnection | undefined;
  stop(): Promise<void>;
}

/** `mode`: "welcome" answers hello with welcome and heartbeats with pong (never acks); "silent" answers nothing. */
export function startFakeCoordinator(mode: "welcome" | "silent"): FakeCoordinator {
  const connections: FakeConnection[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    const conn: FakeConnection = { socket, frames: [], times: [] };
    connections.push(conn);
    socket.onmessage = (ev) => {
      const r = decodeFrame(ev.data, "agent");
      if (!r.ok) return;
      conn.frames.push(r.frame);
      conn.times.push(Date.now());
      if (mode === "silent") return;
      if (r.frame.type === "hello") {
        socket.send(encodeFrame(coordinatorFrame("welcome", { lastReceivedSeq: 0 })));
      } else if (r.frame.type === "heartbeat") {
        socket.send(encodeFrame(coordinatorFrame("pong", { sentAt: r.frame.body.sentAt })));
      }
    };
    socket.onclose = (ev) => (conn.closedWith = ev.code);
    return response;
  });
  const port = (server.addr as Deno.NetAddr).port;
  return {
    url: `ws://127.0.0.1:${port}/link`,
    connections,
    last: () => connections[connections.length - 1],
    stop: async () => {
      for (const c of connections) {
        try {
          c.socket.close(1001, "stopping");
        } catch { /* already closed */ }
      }
      await server.shutdown();
    },
  };
}
