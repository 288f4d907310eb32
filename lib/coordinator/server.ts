/**
 * The reference coordinator: accepts agents over WebSocket at `/link`, stores what they send in
 * its own KV (exactly once, in order), acks, sends commands, and serves stats over HTTP.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { CloseCodes } from "../link/close_codes.ts";
import { type Command, coordinatorFrame, DEFAULT_MAX_FRAME_BYTES } from "../link/frames.ts";
import type { Transport } from "../link/transport.ts";
import { WebSocketTransport } from "../link/ws_transport.ts";
import { AgentStream, newAgentRecord } from "./agent_stream.ts";
import { coordinatorApp } from "./http.ts";
import { Session } from "./session.ts";
import { type BadFrameCounts, CoordinatorStore } from "./store.ts";

const log = getLogger(["tern", "coordinator"]);

/** Options of {@link startCoordinator}. */
export interface CoordinatorOptions {
  /** Port to listen on; 0 picks a free one (default 0). */
  port?: number;
  /** Address to bind (default 127.0.0.1). */
  hostname?: string;
  /** The coordinator's KV file; created if missing. */
  kvPath: string;
  /** Accepted tokens: a map token → agent id, or a function. */
  tokens: Map<string, string> | ((token: string) => string | undefined);
  /** Largest accepted frame in bytes (default 1 MiB); larger frames close the connection 1009. */
  maxFrameBytes?: number;
  /** Ack at once when this many frames are unacknowledged (default 256). */
  ackEveryMessages?: number;
  /** Otherwise ack at most this many ms after a frame was stored (default 20). */
  ackDelayMs?: number;
  /** Close connections that send no hello in time (default 10,000 ms). */
  helloTimeoutMs?: number;
  /** Close a connection after this many refused frames (default 100). */
  maxBadFramesPerConnection?: number;
  /** Close a connection that has this many frames waiting to be stored (default 20,000). */
  maxQueuedFrames?: number;
  /** WebSocket-level idle timeout in seconds (Deno pings; default 60). */
  idleTimeoutSeconds?: number;
  /** Serve TLS (wss:// and https://) with this PEM certificate chain and key. */
  tls?: { cert: string; key: string };
}

/** One agent in `GET /stats`. */
export interface AgentStats {
  id: string;
  received: number;
  duplicates: number;
  gaps: number;
  lastSeq: number;
  connected: boolean;
  badFrames: BadFrameCounts;
  lost: number;
  streamId: string;
  outboxDepth: number | null;
  lastSeenAt: string;
}

/** The body of `GET /stats`. */
export interface CoordinatorStats {
  agents: AgentStats[];
  /** Refused frames that could not be attributed to an agent (before or failing hello). */
  badFrames: BadFrameCounts;
  connections: number;
}

/** The result of sending a command. */
export type SendCommandResult =
  | { sent: true; id: string }
  | { sent: false; reason: "not_connected"; detail: string };

/** A running coordinator. */
export interface Coordinator {
  /** The WebSocket URL agents connect to (ws://host:port/link, or wss:// with TLS). */
  url: string;
  /** The HTTP base URL (http://host:port, or https:// with TLS). */
  httpUrl: string;
  /** The bound port. */
  port: number;
  /** Its storage (open until `stop()`). */
  store: CoordinatorStore;
  /** Send a command to a connected agent. */
  sendCommand(agentId: string, command: Command): Promise<SendCommandResult>;
  /** Send a ping to a connected agent; false if it is not connected. */
  ping(agentId: string): boolean;
  /** Counters, as served at `GET /stats`. */
  stats(): CoordinatorStats;
  /** Serve one already-open transport as an agent connection (e.g. an in-memory one). */
  accept(transport: Transport): void;
  /** Close every connection (1001), stop listening, close the KV. The port is free after. */
  stop(): Promise<void>;
}

/**
 * Start the reference coordinator.
 *
 * @example
 * const coord = await startCoordinator({ kvPath: "./coord.kv", tokens: new Map([["t1", "lp-1"]]) });
 * console.log(coord.url); // ws://127.0.0.1:PORT/link
 * await coord.stop();
 */
export async function startCoordinator(options: CoordinatorOptions): Promise<Coordinator> {
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const tokens = options.tokens;
  const agentForToken = typeof tokens === "function" ? tokens : (t: string) => tokens.get(t);
  const kv = await Deno.openKv(options.kvPath);
  const store = new CoordinatorStore(kv);
  const policy = {
    everyMessages: options.ackEveryMessages ?? 256,
    delayMs: options.ackDelayMs ?? 20,
    maxQueuedFrames: options.maxQueuedFrames ?? 20_000,
  };
  const streams = new Map<string, AgentStream>();
  const sessions = new Set<Session>();
  const unattributed: BadFrameCounts = {};
  let stopping = false;

  try {
    for (const record of await store.agents()) {
      streams.set(record.agentId, new AgentStream(record, store, policy));
    }
  } catch (err) {
    kv.close();
    throw err;
  }

  const streamFor = (agentId: string): AgentStream => {
    let stream = streams.get(agentId);
    if (!stream) {
      stream = new AgentStream(newAgentRecord(agentId, new Date().toISOString()), store, policy);
      streams.set(agentId, stream);
    }
    return stream;
  };

  const context = {
    maxFrameBytes,
    helloTimeoutMs: options.helloTimeoutMs ?? 10_000,
    maxBadFramesPerConnection: options.maxBadFramesPerConnection ?? 100,
    agentForToken,
    streamFor,
    countUnattributed: (reason: string) => {
      unattributed[reason] = (unattributed[reason] ?? 0) + 1;
    },
    onCommandResult: (agentId: string, result: { id: string; ok: boolean; detail?: string }) => {
      void (async () => {
        const record = await store.command(agentId, result.id);
        if (!record) return;
        record.result = { ok: result.ok, detail: result.detail, at: new Date().toISOString() };
        await store.saveCommand(agentId, record);
      })().catch((err) => log.error("storing a command result failed: {err}", { err }));
    },
    onClosed: (session: Session) => void sessions.delete(session),
    nowMs: () => Date.now(),
  };

  const accept = (transport: Transport): void => {
    if (stopping) {
      transport.close(CloseCodes.goingAway, "coordinator stopping");
      return;
    }
    const session = new Session(transport, context);
    sessions.add(session);
    session.start();
  };

  const stats = (): CoordinatorStats => ({
    agents: [...streams.values()].map((s) => ({
      id: s.record.agentId,
      received: s.record.received,
      duplicates: s.record.duplicates,
      gaps: s.record.gaps,
      lastSeq: s.record.lastSeq,
      connected: s.connected,
      badFrames: { ...s.record.badFrames },
      lost: s.record.lost,
      streamId: s.record.streamId,
      outboxDepth: s.heartbeat?.outboxDepth ?? null,
      lastSeenAt: s.record.lastSeenAt,
    })).sort((a, b) => a.id.localeCompare(b.id)),
    badFrames: { ...unattributed },
    connections: sessions.size,
  });

  const sendCommand = async (agentId: string, command: Command): Promise<SendCommandResult> => {
    const peer = streams.get(agentId)?.current;
    if (!peer) {
      return { sent: false, reason: "not_connected", detail: `agent ${agentId} is not connected` };
    }
    const id = crypto.randomUUID();
    await store.saveCommand(agentId, { id, command, sentAt: new Date().toISOString() });
    peer.sendFrame(coordinatorFrame("command", { id, command }));
    return { sent: true, id };
  };

  const ping = (agentId: string): boolean => {
    const peer = streams.get(agentId)?.current;
    peer?.sendFrame(coordinatorFrame("ping", { sentAt: Date.now() }));
    return peer !== undefined;
  };

  const hostname = options.hostname ?? "127.0.0.1";
  const app = coordinatorApp({
    store,
    stats,
    sendCommand: (agentId, command) => sendCommand(agentId, command as Command),
    upgrade: (request) => {
      if (stopping) return new Response("coordinator stopping", { status: 503 });
      let upgraded: { socket: WebSocket; response: Response };
      try {
        upgraded = Deno.upgradeWebSocket(request, {
          idleTimeout: options.idleTimeoutSeconds ?? 60,
        });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        return new Response(`not a valid WebSocket upgrade: ${message}`, { status: 400 });
      }
      const { socket, response } = upgraded;
      accept(
        WebSocketTransport.accepted(socket, `agent@${request.url}`, {
          maxInboundBytes: maxFrameBytes,
        }),
      );
      return response;
    },
  });

  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    const listen = { port: options.port ?? 0, hostname, onListen() {} };
    server = Deno.serve(options.tls ? { ...listen, ...options.tls } : listen, app.fetch);
  } catch (err) {
    kv.close();
    throw err;
  }
  const port = server.addr.port;
  const secure = options.tls !== undefined;
  const httpUrl = `${secure ? "https" : "http"}://${hostname}:${port}`;
  log.info("coordinator listening on {url}", { url: httpUrl });

  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    for (const session of [...sessions]) {
      session.close(CloseCodes.goingAway, "coordinator stopping");
    }
    await Promise.all([...streams.values()].map((s) => s.close()));
    await server.shutdown();
    kv.close();
  };

  return {
    url: `${secure ? "wss" : "ws"}://${hostname}:${port}/link`,
    httpUrl,
    port,
    store,
    sendCommand,
    ping,
    stats,
    accept,
    stop,
  };
}

/**
 * Run a coordinator until `signal` aborts, then stop it: what `tern coordinator` does.
 *
 * @example
 * const ac = new AbortController();
 * Deno.addSignalListener("SIGINT", () => ac.abort());
 * await runCoordinator({ kvPath: "coord.kv", tokens, port: 8787, signal: ac.signal });
 */
export async function runCoordinator(
  options: CoordinatorOptions & {
    signal: AbortSignal;
    onListen?: (coordinator: Coordinator) => void;
  },
): Promise<void> {
  const coordinator = await startCoordinator(options);
  try {
    options.onListen?.(coordinator);
    if (!options.signal.aborted) {
      await new Promise<void>((resolve) =>
        options.signal.addEventListener("abort", () => resolve(), { once: true })
      );
    }
  } finally {
    await coordinator.stop();
  }
}
