/**
 * The non-actor resources of the coordinator link: the transport factory, the outbox, the
 * identity sent in hello, tuning, and the one live transport. The link actors reach I/O only
 * through these functions, called from their tasks.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { CoordinatorConfig } from "../config/types.ts";
import type { StatusReport } from "../agent/messages.ts";
import { type BackoffOptions, DEFAULT_BACKOFF } from "./backoff.ts";
import { type AgentFrame, encodeFrame, type StatusBody } from "./frames.ts";
import { Outbox } from "./outbox.ts";
import { DEFAULT_SENDER_OPTIONS, type SenderOptions } from "./sender.ts";
import type { Transport, TransportFactory } from "./transport.ts";
import { webSocketTransportFactory } from "./ws_transport.ts";
import type { AgentIdentity } from "./agent_inbound.ts";

/** Where the link's loggers live. */
export const linkLog = getLogger(["tern", "link"]);

/** The link's readiness, for `/readyz`. */
export type LinkReadiness = "connected" | "queueing" | "refused";

/** Tuning of the link actors; every field has a default. */
export interface LinkTuning {
  /** Reconnect backoff after a retryable close or a failed connect. */
  backoff: BackoffOptions;
  /** Delay before trying again after bad auth (4001) or being superseded (4003). */
  refusedRetryMs: number;
  /** Sender window and page size. */
  sender: SenderOptions;
  /** How long `/control` may take to answer a command before an error result is sent. */
  commandTimeoutMs: number;
  /** Send a `metrics` frame (the link's counters) every this many heartbeats; 0: never. */
  metricsEveryBeats: number;
  /** Largest frame accepted from the coordinator. */
  maxFrameBytes: number;
  /** Give up a connection attempt after this many ms. */
  connectTimeoutMs: number;
}

/** Default tuning: 250 ms … 30 s backoff, 5 min after a refusal, 10 s command timeout. */
export const DEFAULT_LINK_TUNING: LinkTuning = {
  backoff: DEFAULT_BACKOFF,
  refusedRetryMs: 300_000,
  sender: DEFAULT_SENDER_OPTIONS,
  commandTimeoutMs: 10_000,
  metricsEveryBeats: 10,
  maxFrameBytes: 1024 * 1024,
  connectTimeoutMs: 10_000,
};

/** What the agent presents to the coordinator. */
export interface LinkAgentInfo {
  id: string;
  version: string;
  chains: { chainId: number; name: string }[];
  /** The LP address (0x + 40 hex). */
  lp: string;
}

/** Options of {@link createLinkServices}. */
export interface LinkServicesOptions {
  /** The agent's KV; the outbox lives under `["outbox", agentId]`. */
  kv: Deno.Kv;
  /** The `[coordinator]` section (url, token, heartbeat timing, outbox warn size). */
  config: CoordinatorConfig;
  agent: LinkAgentInfo;
  /** Makes one transport per connection attempt (default: WebSocket to `config.url`). */
  transportFactory?: TransportFactory;
  /** Wall clock in ms (default `Date.now`); used for heartbeat timestamps. */
  clock?: () => number;
  /** Random source of the backoff jitter (default `Math.random`). */
  random?: () => number;
  /** Overrides of {@link DEFAULT_LINK_TUNING}. */
  tuning?: Partial<LinkTuning>;
}

/** Counters of the link, kept outside actor state because transport callbacks update them. */
export interface LinkCounters {
  /** Connection attempts started. */
  connectAttempts: number;
  /** Connections that reached `welcome`. */
  connections: number;
  /** Heartbeat frames written. */
  heartbeatsSent: number;
  /** Status frames written (resends included). */
  statusFramesSent: number;
  /** Connections the coordinator refused for good: bad auth (4001) or superseded (4003). */
  refusals: number;
  /** Refused coordinator frames by reason. */
  badFrames: Record<string, number>;
  /** Times the outbox grew past `outboxWarnSize`. */
  outboxWarnings: number;
  /** Connections closed because the missed-heartbeat window passed. */
  heartbeatTimeouts: number;
  /** Commands answered with an error because `/control` did not answer in time. */
  commandTimeouts: number;
}

/** The live connection, tagged with the generation the connection actor gave it. */
interface Live {
  gen: number;
  transport: Transport;
}

/** The resources the link actors share. Create with {@link createLinkServices}. */
export interface LinkServices {
  readonly identity: AgentIdentity;
  readonly config: CoordinatorConfig;
  readonly tuning: LinkTuning;
  readonly outbox: Outbox<StatusBody>;
  readonly transportFactory: TransportFactory;
  readonly counters: LinkCounters;
  readonly clock: () => number;
  readonly random: () => number;
  /** Delivers a transport event to an actor; set by `startLink`. */
  post: (path: string, msg: unknown) => void;
  /** Readiness for `/readyz`; set by `startLink` (before: "queueing"). */
  state: () => LinkReadiness;
  /** Unacknowledged messages in the outbox. */
  outboxDepth(): number;
  /** The transport of connection `gen`, when it is the live one. */
  live(gen?: number): Transport | undefined;
  /** Record `transport` as the live connection `gen`. */
  setLive(gen: number, transport: Transport | undefined): void;
  /** A new connection generation, increasing for the life of these services. */
  nextGen(): number;
  /** Write frames on connection `gen`; false when it is not the live, open one. */
  sendFrames(gen: number | undefined, frames: AgentFrame[]): boolean;
}

/**
 * Open the outbox and gather the link's resources.
 *
 * @example
 * const services = await createLinkServices({ kv, config: config.coordinator!, agent });
 * const system = await ActorSystem.start({ kv, behaviors: [...linkBehaviors(services)] });
 * startLink(system, services);
 */
export async function createLinkServices(options: LinkServicesOptions): Promise<LinkServices> {
  const { config, agent } = options;
  const token = config.token ?? "";
  if (token === "") {
    linkLog.warn(
      "no coordinator token: set {env}; the coordinator will refuse the hello until it is set",
      { env: config.tokenEnv },
    );
  }
  const tuning: LinkTuning = { ...DEFAULT_LINK_TUNING, ...options.tuning };
  const outbox = await Outbox.open<StatusBody>(options.kv, { agentId: agent.id });
  const transportFactory = options.transportFactory ??
    webSocketTransportFactory(config.url, {
      connectTimeoutMs: tuning.connectTimeoutMs,
      maxInboundBytes: tuning.maxFrameBytes,
    });
  let live: Live | undefined;
  let gen = 0;
  const services: LinkServices = {
    identity: {
      agentId: agent.id,
      version: agent.version,
      chains: agent.chains,
      lpAddress: agent.lp,
      token,
    },
    config,
    tuning,
    outbox,
    transportFactory,
    counters: {
      connectAttempts: 0,
      connections: 0,
      heartbeatsSent: 0,
      statusFramesSent: 0,
      refusals: 0,
      badFrames: {},
      outboxWarnings: 0,
      heartbeatTimeouts: 0,
      commandTimeouts: 0,
    },
    clock: options.clock ?? Date.now,
    random: options.random ?? Math.random,
    post: () => {},
    state: () => "queueing",
    outboxDepth: () => outbox.stats().depth,
    live: (gen) => (live && (gen === undefined || live.gen === gen) ? live.transport : undefined),
    setLive: (gen, transport) => {
      live = transport ? { gen, transport } : (live?.gen === gen ? undefined : live);
    },
    nextGen: () => ++gen,
    sendFrames: (which, frames) => {
      const t = live && (which === undefined || live.gen === which) ? live.transport : undefined;
      if (!t || t.state !== "open") return false;
      for (const frame of frames) {
        const r = t.send(encodeFrame(frame));
        if (!r.ok) return false;
      }
      return true;
    },
  };
  return services;
}

/** The wire body of a status report (the report without its message `type`). */
export function statusBodyOf(report: StatusReport): StatusBody {
  return {
    kind: report.kind,
    id: report.id,
    state: report.state,
    chainId: report.chainId,
    at: report.at,
    details: report.details,
  };
}

/** The link's counters and outbox depth, for metrics. */
export function linkMetrics(services: LinkServices): Record<string, number> {
  const c = services.counters;
  const out: Record<string, number> = {
    link_connect_attempts: c.connectAttempts,
    link_connections: c.connections,
    link_heartbeats_sent: c.heartbeatsSent,
    link_status_frames_sent: c.statusFramesSent,
    link_refusals: c.refusals,
    link_outbox_depth: services.outboxDepth(),
    link_outbox_warnings: c.outboxWarnings,
    link_heartbeat_timeouts: c.heartbeatTimeouts,
    link_command_timeouts: c.commandTimeouts,
  };
  for (const [reason, n] of Object.entries(c.badFrames)) out[`link_bad_frames_${reason}`] = n;
  return out;
}
