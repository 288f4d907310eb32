/**
 * The inspector's HTTP server (hono on Deno.serve): health, readiness, Prometheus metrics, the
 * actor registry, requests, claims, the outbox and a small live page. Bound to loopback by
 * default; any other address requires a bearer token.
 *
 * @module
 */

import { Hono } from "hono";
import { isLoopback } from "../config/checks.ts";
import { TernError } from "../errors.ts";
import { exposeRuntimeMetrics, type MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from "../metrics.ts";
import type { ActorSystem } from "../runtime/mod.ts";
import { buildTree, claimsOf, type InspectSource, requestDetail, requestsOf } from "./model.ts";
import { LIVE_PAGE } from "./page.ts";
import { systemSource } from "./sources.ts";

/** What `/readyz` reports. */
export interface Readiness {
  ready: boolean;
  checks: Record<string, unknown>;
}

/** Options of {@link startInspector}. */
export interface InspectorOptions {
  /** The running actor system (actors, state, runtime metrics). */
  system: ActorSystem;
  /** The agent's KV (passivated state, outbox). */
  kv: Deno.Kv;
  /** Address to bind; default 127.0.0.1. Anything but loopback requires `token`. */
  bind?: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** Bearer token required on every endpoint but `/healthz` and the page itself. */
  token?: string;
  /** The process's metrics; runtime counters are added to it. */
  metrics: MetricsRegistry;
  /** Readiness of the agent (chains read, keystore unlocked, …). */
  readiness: () => Readiness;
}

/** A running inspector. */
export interface InspectorHandle {
  /** Base URL, e.g. `http://127.0.0.1:9464`. */
  url: string;
  /** Stops the server. */
  stop(): Promise<void>;
}

/** The inspector refuses to start on a non-loopback address without a token. */
export class InspectorConfigError extends TernError {
  constructor(bind: string) {
    super("inspector_token_required", `inspector bind ${bind} is not loopback and has no token`, {
      hint: "set [inspector] token_env to a variable holding a token, or bind 127.0.0.1",
      data: { bind },
    });
    this.name = "InspectorConfigError";
  }
}

function sameToken(a: string, b: string): boolean {
  // Constant-time over the longer length, so the comparison does not leak a prefix match.
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

/** The inspector's routes over a source (exported for tests over other sources). */
export function inspectorApp(opts: {
  source: InspectSource;
  metrics: MetricsRegistry;
  readiness: () => Readiness;
  token?: string;
}): Hono {
  const app = new Hono();
  const { source, token } = opts;
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.get("/", (c) => c.html(LIVE_PAGE));
  app.use("*", async (c, next) => {
    if (token !== undefined) {
      const got = c.req.header("authorization") ?? "";
      if (!sameToken(got, `Bearer ${token}`)) {
        return c.json({ error: "unauthorized", hint: "send Authorization: Bearer <token>" }, 401);
      }
    }
    await next();
  });
  app.get("/readyz", (c) => {
    const r = opts.readiness();
    return c.json(r, r.ready ? 200 : 503);
  });
  app.get("/metrics", (c) => {
    c.header("content-type", PROMETHEUS_CONTENT_TYPE);
    return c.body(opts.metrics.render());
  });
  app.get("/actors", async (c) => {
    // Filters keep the answer small on agents with many actors.
    const kind = c.req.query("kind");
    const under = c.req.query("under");
    const limit = Number(c.req.query("limit") ?? "10000");
    const list = (await source.actors()).filter((a) =>
      (kind === undefined || a.kind === kind) &&
      (under === undefined || a.path === under || a.path.startsWith(`${under.replace(/\/$/, "")}/`))
    );
    return c.json(list.slice(0, Number.isFinite(limit) && limit >= 0 ? limit : 10000));
  });
  app.get("/tree", async (c) => c.json(buildTree(await source.actors())));
  app.get("/actors/*", async (c) => {
    const path = decodeURIComponent(c.req.path.slice("/actors".length));
    const a = await source.actor(path);
    return a ? c.json(a) : c.json({ error: `no actor at ${path}` }, 404);
  });
  app.get("/requests", async (c) => {
    const state = c.req.query("state");
    const chain = c.req.query("chain");
    return c.json(await requestsOf(source, { state, chain }));
  });
  app.get("/requests/:id", async (c) => {
    const r = await requestDetail(source, c.req.param("id"));
    return r ? c.json(r) : c.json({ error: `no request ${c.req.param("id")}` }, 404);
  });
  app.get("/claims", async (c) => c.json(await claimsOf(source, c.req.query("request"))));
  app.get("/outbox", async (c) => c.json(await source.outbox()));
  app.onError((e, c) => {
    const hint = e instanceof TernError ? e.hint : undefined;
    return c.json({ error: e.message, hint }, 500);
  });
  return app;
}

/**
 * Starts the inspector. Throws {@link InspectorConfigError} for a non-loopback bind without a
 * token.
 *
 * @example
 * ```ts
 * const insp = await startInspector({ system, kv, port: 9464, metrics, readiness });
 * console.log(insp.url);
 * await insp.stop();
 * ```
 */
export function startInspector(opts: InspectorOptions): Promise<InspectorHandle> {
  const bind = opts.bind ?? "127.0.0.1";
  const token = opts.token === "" ? undefined : opts.token;
  if (!isLoopback(bind) && token === undefined) {
    return Promise.reject(new InspectorConfigError(bind));
  }
  const { system } = opts;
  exposeRuntimeMetrics(opts.metrics, system, () => {
    let n = 0;
    for (const p of system.paths()) n += system.info(p)?.mailbox ?? 0;
    return n;
  });
  const app = inspectorApp({
    source: systemSource(system, opts.kv),
    metrics: opts.metrics,
    readiness: opts.readiness,
    token,
  });
  return new Promise((resolve, reject) => {
    try {
      const server = Deno.serve({
        hostname: bind,
        port: opts.port,
        onListen: () => {},
      }, app.fetch);
      const addr = server.addr as Deno.NetAddr;
      const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
      resolve({
        url: `http://${host}:${addr.port}`,
        stop: async () => {
          await server.shutdown();
        },
      });
    } catch (e) {
      reject(e);
    }
  });
}
