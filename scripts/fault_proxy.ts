/**
 * A fault-injecting JSON-RPC proxy for tests and chaos runs: it forwards HTTP POSTs to an RPC
 * endpoint and, as told, blackholes them (never answers), answers HTTP 500, answers malformed
 * JSON, or delays them. Deterministic for a given seed.
 *
 * Run standalone: `deno run -A scripts/fault_proxy.ts --target http://127.0.0.1:8545 --port 0
 * --error-rate 0.05 --malformed-rate 0.05 --delay-rate 0.1 --delay-ms 2000` prints `PROXY <url>`.
 *
 * @module
 */

/** What the proxy does to calls. Rates are probabilities in [0, 1]. */
export interface FaultMode {
  /** Hold every call without answering (until the mode changes or the proxy stops). */
  blackhole: boolean;
  /** Share of calls answered with HTTP 500. */
  errorRate: number;
  /** Share of calls answered with a body that is not JSON. */
  malformedRate: number;
  /** Share of calls delayed by `delayMs` before being forwarded. */
  delayRate: number;
  /** Delay applied to delayed calls, ms. */
  delayMs: number;
  /** When above `delayMs`: delayed calls wait a random time in [delayMs, delayMaxMs] ms. */
  delayMaxMs?: number;
}

/** Counters of a running proxy. */
export interface FaultStats {
  calls: number;
  forwarded: number;
  blackholed: number;
  errors: number;
  malformed: number;
  delayed: number;
}

/** A running proxy. */
export interface FaultProxy {
  /** The proxy's URL (http://127.0.0.1:port). */
  url: string;
  /** Changes what the proxy does from now on; released blackholed calls are forwarded. */
  setMode(mode: Partial<FaultMode>): void;
  /** Blackholes every call for `ms`, then releases the held calls (a timed outage). */
  blackholeFor(ms: number): void;
  /** Current counters. */
  stats(): FaultStats;
  /** Stops listening; calls still held are answered with HTTP 503. */
  stop(): Promise<void>;
}

/** A small seeded PRNG (mulberry32), so fault patterns repeat for a seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Starts a proxy in front of `target`.
 *
 * @example
 * ```ts
 * const proxy = await startFaultProxy({ target: "http://127.0.0.1:8545" });
 * proxy.setMode({ blackhole: true });
 * await proxy.stop();
 * ```
 */
export function startFaultProxy(
  opts: { target: string; port?: number; seed?: number; mode?: Partial<FaultMode> },
): Promise<FaultProxy> {
  const random = prng(opts.seed ?? 1);
  let mode: FaultMode = {
    blackhole: false,
    errorRate: 0,
    malformedRate: 0,
    delayRate: 0,
    delayMs: 0,
    ...opts.mode,
  };
  const stats: FaultStats = {
    calls: 0,
    forwarded: 0,
    blackholed: 0,
    errors: 0,
    malformed: 0,
    delayed: 0,
  };
  const held = new Set<() => void>();
  const stopping = new AbortController();
  let outage: ReturnType<typeof setTimeout> | undefined;
  const setMode = (m: Partial<FaultMode>) => {
    mode = { ...mode, ...m };
    if (!mode.blackhole) { for (const release of [...held]) release(); }
  };

  const wait = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        signal.removeEventListener("abort", done);
        stopping.signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done);
      stopping.signal.addEventListener("abort", done);
    });

  const handler = async (req: Request): Promise<Response> => {
    stats.calls++;
    const body = await req.text();
    while (mode.blackhole && !stopping.signal.aborted && !req.signal.aborted) {
      stats.blackholed++;
      await new Promise<void>((resolve) => {
        const release = () => {
          held.delete(release);
          req.signal.removeEventListener("abort", release);
          resolve();
        };
        held.add(release);
        req.signal.addEventListener("abort", release);
      });
    }
    if (stopping.signal.aborted) return new Response("proxy stopping", { status: 503 });
    if (random() < mode.delayRate && mode.delayMs > 0) {
      stats.delayed++;
      const spread = Math.max(0, (mode.delayMaxMs ?? mode.delayMs) - mode.delayMs);
      await wait(mode.delayMs + Math.floor(random() * spread), req.signal);
    }
    const roll = random();
    if (roll < mode.errorRate) {
      stats.errors++;
      return new Response("injected failure", { status: 500 });
    }
    if (roll < mode.errorRate + mode.malformedRate) {
      stats.malformed++;
      return new Response('{"jsonrpc":"2.0","result":', {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    }
    try {
      const res = await fetch(opts.target, {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
        signal: req.signal,
      });
      stats.forwarded++;
      return new Response(await res.arrayBuffer(), {
        status: res.status,
        headers: { "content-type": res.headers.get("content-type") ?? "application/json" },
      });
    } catch (e) {
      return new Response(`upstream failed: ${e instanceof Error ? e.message : e}`, {
        status: 502,
      });
    }
  };

  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: opts.port ?? 0,
      onListen: ({ port }) => {
        resolve({
          url: `http://127.0.0.1:${port}`,
          setMode,
          blackholeFor(ms) {
            setMode({ blackhole: true });
            clearTimeout(outage);
            outage = setTimeout(() => setMode({ blackhole: false }), ms);
          },
          stats: () => ({ ...stats }),
          async stop() {
            clearTimeout(outage);
            stopping.abort();
            for (const release of [...held]) release();
            await server.shutdown(); // graceful: held calls get their 503 first
          },
        });
      },
    }, handler);
  });
}

if (import.meta.main) {
  const arg = (name: string, fallback: string) => {
    const i = Deno.args.indexOf(`--${name}`);
    return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
  };
  const target = arg("target", "");
  if (!target.startsWith("http")) {
    console.error("fault_proxy: --target http://host:port is required");
    Deno.exit(2);
  }
  const proxy = await startFaultProxy({
    target,
    port: Number(arg("port", "0")),
    seed: Number(arg("seed", "1")),
    mode: {
      errorRate: Number(arg("error-rate", "0")),
      malformedRate: Number(arg("malformed-rate", "0")),
      delayRate: Number(arg("delay-rate", "0")),
      delayMs: Number(arg("delay-ms", "0")),
    },
  });
  console.log(`PROXY ${proxy.url}`);
  const stop = async () => {
    await proxy.stop();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
