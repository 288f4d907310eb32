/**
 * Benchmark of the coordinator link over localhost: statuses persisted in the outbox, sent and
 * acknowledged per second through the link actors; and how long after the coordinator is back
 * the outbox flows again: from the restarted coordinator listening to every status queued while it
 * was down being stored (backoff pinned to 1 ms, so it measures reconnect, hello, welcome and
 * resend rather than waiting).
 *
 * Run: `deno run -A --unstable-kv scripts/bench_link.ts`
 *
 * @module
 */
import { ActorSystem } from "../lib/runtime/system.ts";
import { paths, type StatusReport } from "../lib/agent/messages.ts";
import { startCoordinator } from "../lib/coordinator/mod.ts";
import { createLinkServices, linkBehaviors, startLink, stopLink } from "../lib/link/mod.ts";

/** Results of {@link benchLink}. */
export interface LinkBenchResult {
  /** Statuses appended, stored by the coordinator and acked back, per second. */
  persistSendAckPerSec: number;
  /** Coordinator back up → every status queued while it was down stored, ms. */
  reconnectMs: number;
  /** Statuses in the throughput run. */
  messages: number;
  /** Statuses queued while the coordinator was down. */
  queuedWhileDown: number;
}

function report(n: number): StatusReport {
  return {
    type: "Status",
    kind: "request",
    id: `0x${n.toString(16).padStart(64, "0")}`,
    state: n % 2 ? "filled" : "claimed",
    chainId: 31337,
    at: new Date(Date.UTC(2026, 0, 1) + n).toISOString(),
    details: { n, amount: "1000000000000000000", hash: `0x${"ab".repeat(32)}` },
  };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Run the link benchmark; `messages` statuses for throughput (default 20,000). */
export async function benchLink(
  messages = 20_000,
  queuedWhileDown = 500,
): Promise<LinkBenchResult> {
  const dir = await Deno.makeTempDir({ prefix: "tern-bench-link-" });
  const tokens = new Map([["bench-token-1", "bench-agent"]]);
  let coord = await startCoordinator({ kvPath: `${dir}/coord.kv`, tokens });
  const port = coord.port;
  const kv = await Deno.openKv(`${dir}/agent.kv`);
  const services = await createLinkServices({
    kv,
    config: {
      url: coord.url,
      tokenEnv: "BENCH",
      token: "bench-token-1",
      heartbeatIntervalMs: 1000,
      heartbeatTimeoutMs: 10_000,
      outboxWarnSize: 1_000_000,
    },
    agent: { id: "bench-agent", version: "bench", chains: [], lp: `0x${"12".repeat(20)}` },
    tuning: { backoff: { initialMs: 1, maxMs: 1, multiplier: 1, jitter: 0 } },
  });
  const system = await ActorSystem.start({ kv, behaviors: linkBehaviors(services) });
  startLink(system, services);
  const lastSeq = () => coord.stats().agents[0]?.lastSeq ?? 0;
  try {
    await until(() => services.state() === "connected", 10_000, "connection");
    const t0 = performance.now();
    for (let n = 1; n <= messages; n++) {
      system.send(paths.queue, { type: "AppendStatus", report: report(n) });
    }
    await until(
      () => lastSeq() === messages && services.outboxDepth() === 0,
      120_000,
      "throughput run",
    );
    const persistSendAckPerSec = Math.round(messages / ((performance.now() - t0) / 1000));

    await coord.stop();
    await until(() => services.state() === "queueing", 10_000, "link down");
    for (let n = messages + 1; n <= messages + queuedWhileDown; n++) {
      system.send(paths.queue, { type: "AppendStatus", report: report(n) });
    }
    const total = messages + queuedWhileDown;
    await until(() => services.outbox.stats().lastSeq === total, 10_000, "outbox append");
    coord = await startCoordinator({ kvPath: `${dir}/coord.kv`, tokens, port });
    const t1 = performance.now(); // the coordinator is back up and listening
    await until(() => lastSeq() === total, 30_000, "resend after reconnect");
    const reconnectMs = Math.round(performance.now() - t1);
    return { persistSendAckPerSec, reconnectMs, messages, queuedWhileDown };
  } finally {
    await stopLink(system, services);
    await system.stop();
    kv.close();
    await coord.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const r = await benchLink();
  console.log(JSON.stringify(r));
  console.log(
    `link: ${r.persistSendAckPerSec} statuses/s persisted+sent+acked (target >= 5000); ` +
      `reconnect ${r.reconnectMs} ms to flowing again (target < 200)`,
  );
}
