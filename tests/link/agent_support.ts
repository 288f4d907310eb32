// Test support: an agent's link actors in this process, over a real KV file, talking to a
// coordinator (or any server) through the given transport factory or URL.
import { ActorSystem } from "../../lib/runtime/system.ts";
import type { Behavior } from "../../lib/runtime/types.ts";
import type { CoordinatorConfig } from "../../lib/config/types.ts";
import type { StatusReport } from "../../lib/agent/messages.ts";
import {
  createLinkServices,
  linkBehaviors,
  type LinkServices,
  type LinkTuning,
  startLink,
  stopLink,
  type TransportFactory,
} from "../../lib/link/mod.ts";
import { LP } from "./helpers.ts";

export interface TestLinkAgent {
  system: ActorSystem;
  services: LinkServices;
  kv: Deno.Kv;
  stop(): Promise<void>;
}

export interface TestLinkAgentOptions {
  kvPath: string;
  url: string;
  agentId?: string;
  token?: string;
  config?: Partial<CoordinatorConfig>;
  tuning?: Partial<LinkTuning>;
  transportFactory?: TransportFactory;
  extraBehaviors?: Behavior[];
}

export const FAST_BACKOFF = { initialMs: 20, maxMs: 200, multiplier: 2, jitter: 0.5 };

export async function startTestAgent(opts: TestLinkAgentOptions): Promise<TestLinkAgent> {
  const kv = await Deno.openKv(opts.kvPath);
  const services = await createLinkServices({
    kv,
    config: {
      url: opts.url,
      tokenEnv: "TERN_COORDINATOR_TOKEN",
      token: opts.token ?? "token-a",
      heartbeatIntervalMs: 200,
      heartbeatTimeoutMs: 2000,
      outboxWarnSize: 100_000,
      ...opts.config,
    },
    agent: {
      id: opts.agentId ?? "agent-a",
      version: "0.1.0-test",
      chains: [{ chainId: 31337, name: "devnet" }],
      lp: LP,
    },
    transportFactory: opts.transportFactory,
    tuning: { backoff: FAST_BACKOFF, ...opts.tuning },
  });
  const system = await ActorSystem.start({
    kv,
    behaviors: [...linkBehaviors(services), ...(opts.extraBehaviors ?? [])],
  });
  startLink(system, services);
  let stopped = false;
  return {
    system,
    services,
    kv,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopLink(system, services);
      await system.stop();
      kv.close();
    },
  };
}

export function report(n: number): StatusReport {
  return {
    type: "Status",
    kind: "request",
    id: `0x${(n % 251).toString(16)}`,
    state: `s${n}`,
    chainId: 31337,
    at: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
    details: { n },
  };
}
