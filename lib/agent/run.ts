/**
 * The agent assembled: one KV file, the instance lease, an RPC per chain, and the actor tree —
 * a ChainWatcher and a TxSender per chain, the sharded requests, the StatusHub, Control, the
 * coordinator link when configured, and the HTTP inspector. {@link startAgent} brings it up;
 * `stop()` takes it down in the order that loses nothing and stays within the shutdown bound.
 *
 * @module
 */

import type { Address, Hex, PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Config } from "../config/types.ts";
import { ActorSystem, type Behavior } from "../runtime/mod.ts";
import { getLog } from "../log.ts";
import { paths } from "./messages.ts";
import { settingsFromConfig } from "./settings.ts";
import { agentKvPath } from "../kv/paths.ts";
import { holdInstance, type InstanceHold } from "../kv/lease.ts";
import type { ChainRpc } from "../chain/rpc.ts";
import { chainRpcFor, l1WatcherInit, rollupWatcherInit } from "../chain/setup.ts";
import { chainWatcherBehavior } from "../../actors/chain_watcher.ts";
import { txSenderBehaviors } from "../../actors/tx_sender.ts";
import { requestRouterBehaviors } from "../../actors/requests.ts";
import { statusBehavior } from "../../actors/status.ts";
import { controlBehavior } from "../../actors/control.ts";
import { chainSupervisorBehavior } from "../../actors/chain.ts";
import { createLinkServices, type LinkServices } from "../link/services.ts";
import { linkBehaviors, startLink, stopLink } from "../link/wiring.ts";
import { type AgentMetrics, createAgentMetrics } from "./metrics.ts";
import { type InspectorHandle, startInspector } from "../inspector/server.ts";
import { metricsSampler } from "../inspector/sampler.ts";
import { systemSource } from "../inspector/sources.ts";
import { INSPECTOR_KIND, inspectorBehavior } from "../../actors/inspector.ts";
import { readiness } from "./readiness.ts";
import { specUpdateOf } from "./spec.ts";

const log = getLog("agent");

/** How often the spec is checked for changes (balances move with every fill and withdrawal). */
const SPEC_EVERY_MS = 2_000;

/** The version reported to the coordinator. */
export const AGENT_VERSION = "0.1.0";

/** Options of {@link startAgent}. */
export interface AgentOptions {
  config: Config;
  /** The LP key, already decrypted from its keystore. */
  privateKey: Hex;
  /** KV file (default `<data_dir>/tern.kv`). */
  kvPath?: string;
}

/** A running agent. */
export interface RunningAgent {
  readonly lp: Address;
  readonly system: ActorSystem;
  readonly kv: Deno.Kv;
  readonly metrics: AgentMetrics;
  /** The inspector's base URL, when it runs. */
  readonly inspectorUrl?: string;
  /** Resolves when the agent stopped by itself (a `tern stop` request or a lost lease). */
  readonly stopped: Promise<string>;
  /** Stops everything; resolves within about two seconds even with a hung RPC. */
  stop(reason: string): Promise<void>;
}

/** Starts the agent described by `opts.config`. */
export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const { config } = opts;
  const account = privateKeyToAccount(opts.privateKey);
  const lp = account.address.toLowerCase() as Address;
  const kvPath = opts.kvPath ?? agentKvPath(config);
  await Deno.mkdir(config.agent.dataDir, { recursive: true });
  const kv = await Deno.openKv(kvPath);
  const cleanups: (() => Promise<void> | void)[] = [() => kv.close()];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (e) {
        log.warn("cleanup step failed: {error}", { error: String(e) });
      }
    }
  };

  let selfStop: (reason: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => selfStop = resolve);
  try {
    const rollupIds = config.chains.map((c) => c.chainId);
    const chainIds = [config.baseChain.chainId, ...rollupIds];
    const hold: InstanceHold = await holdInstance(kv, {
      chainIds,
      account: lp,
      onLost: (reason) => {
        log.error("instance lease lost ({reason}): no further transactions; stopping", {
          reason,
        });
        selfStop(`lease lost: ${reason}`);
      },
      onStopRequested: () => selfStop("stop requested (tern stop)"),
    });
    cleanups.push(() => hold.release());

    const metrics = createAgentMetrics();
    const rpcs = new Map<number, ChainRpc>();
    const onCall = metrics.onRpcCall;
    rpcs.set(config.baseChain.chainId, chainRpcFor(config.baseChain, { onCall }));
    for (const c of config.chains) rpcs.set(c.chainId, chainRpcFor(c, { onCall }));
    cleanups.push(() => Promise.all([...rpcs.values()].map((r) => r.close())).then(() => {}));
    const rpcFor = (chainId: number) => {
      const rpc = rpcs.get(chainId);
      if (!rpc) throw new Error(`chain ${chainId} is not configured`);
      return rpc;
    };

    const settings = settingsFromConfig(config, lp);
    let link: LinkServices | undefined;
    if (config.coordinator) {
      link = await createLinkServices({
        kv,
        config: config.coordinator,
        agent: {
          id: config.coordinator.agentId ?? `${lp.slice(0, 10)}@${Deno.hostname()}`,
          version: AGENT_VERSION,
          chains: config.chains.map((c) => ({ chainId: c.chainId, name: c.name })),
          lp,
        },
      });
    }
    // The sampler reads the system through this holder: the system is created with its behaviors.
    const holder: { system?: ActorSystem } = {};
    const sample = () => {
      if (!holder.system) return Promise.resolve({ requestsByState: {}, outboxDepth: 0 });
      return metricsSampler(systemSource(holder.system, kv), metrics.registry)();
    };
    const behaviors: Behavior[] = [
      chainSupervisorBehavior as Behavior,
      chainWatcherBehavior({ rpcFor }) as Behavior,
      ...txSenderBehaviors({
        publicClientFor: (id) => rpcFor(id).publicClient() as PublicClient,
        account,
        mayBroadcast: () => hold.valid(),
      }),
      ...requestRouterBehaviors(settings),
      statusBehavior as Behavior,
      controlBehavior as Behavior,
      ...(link ? linkBehaviors(link) : []),
      inspectorBehavior(sample) as Behavior,
    ];
    const system = await ActorSystem.start({
      kv,
      behaviors,
      onFatal: (path, error) => {
        log.fatal("{path} failed past every restart: {error}", { path, error: error.message });
        selfStop(`fatal failure of ${path}`);
      },
    });
    holder.system = system;
    metrics.attach(system);
    cleanups.push(async () => {
      // Drain mailboxes and flush snapshots; tasks still waiting on a hung RPC are aborted.
      await system.stop({ timeoutMs: 1_000 });
    });

    system.spawn(paths.status, "status", { forwardToLink: link !== undefined });
    system.spawn(paths.control, "control", { chains: rollupIds });
    system.spawn(paths.requests, "requests");
    for (const id of chainIds) system.spawn(`/chain:${id}`, "chain");
    system.spawn(
      paths.watcher(config.baseChain.chainId),
      "chain-watcher",
      l1WatcherInit(config, lp),
    );
    for (const c of config.chains) {
      system.spawn(paths.watcher(c.chainId), "chain-watcher", rollupWatcherInit(config, c, lp));
      system.spawn(paths.txSender(c.chainId), "tx_sender", { chainId: c.chainId });
    }
    if (link) {
      const services = link;
      startLink(system, services);
      // The spec (balances, chains) goes to the link when it changes; the link sends it on
      // every connect too.
      let lastSpec = "";
      const specTimer = setInterval(() => {
        const update = specUpdateOf(system, config);
        const text = JSON.stringify(update.spec);
        if (text !== lastSpec) {
          lastSpec = text;
          system.send(paths.link, update);
        }
      }, SPEC_EVERY_MS);
      // Close the link cleanly; what is not acknowledged stays in the outbox for next time.
      cleanups.push(() => stopLink(system, services, 300));
      cleanups.push(() => clearInterval(specTimer));
    }
    system.spawn("/inspector", INSPECTOR_KIND, { periodMs: 5_000 });

    let inspector: InspectorHandle | undefined;
    if (config.inspector.enabled) {
      inspector = await startInspector({
        system,
        kv,
        bind: config.inspector.bind,
        port: config.inspector.port,
        token: config.inspector.token,
        metrics: metrics.registry,
        readiness: () => readiness(system, chainIds, link && (() => link.state())),
      });
      const running = inspector;
      cleanups.push(() => running.stop());
    }

    let stopping: Promise<void> | undefined;
    return {
      lp,
      system,
      kv,
      metrics,
      inspectorUrl: inspector?.url,
      stopped,
      stop(reason: string) {
        stopping ??= (async () => {
          log.info("stopping: {reason}", { reason });
          await cleanup();
        })();
        return stopping;
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
