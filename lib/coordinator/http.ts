/**
 * The coordinator's HTTP API on hono: stats, stored states and messages, commands, and a small
 * HTML page. The WebSocket endpoint is mounted by the server.
 *
 * @module
 */
import { Hono } from "hono";
import { commandSchema } from "../link/frames.ts";
import type { CoordinatorStats, SendCommandResult } from "./server.ts";
import type { CoordinatorStore, LatestState } from "./store.ts";

/** What the HTTP routes need from the running coordinator. */
export interface HttpContext {
  store: CoordinatorStore;
  stats(): CoordinatorStats;
  sendCommand(agentId: string, command: unknown): Promise<SendCommandResult>;
  /** Upgrade a request at `/link` to a WebSocket. */
  upgrade(request: Request): Response;
}

const kinds = { requests: "request", claims: "claim", txs: "tx" } as const;

function intParam(value: string | undefined, fallback: number, max: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 && n <= max ? n : undefined;
}

/** Escape text for HTML. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/**
 * Build the hono app of the coordinator.
 *
 * @example
 * Deno.serve({ port: 0 }, coordinatorApp(ctx).fetch);
 */
export function coordinatorApp(ctx: HttpContext): Hono {
  const app = new Hono();

  app.get("/link", (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      return c.json({ error: "this endpoint speaks WebSocket; connect with ws:// or wss://" }, 426);
    }
    return ctx.upgrade(c.req.raw);
  });

  app.get("/stats", (c) => c.json(ctx.stats()));

  app.get("/agents/:id", async (c) => {
    const id = c.req.param("id");
    const agent = ctx.stats().agents.find((a) => a.id === id);
    if (!agent) return c.json({ error: `no agent ${id} has said hello` }, 404);
    const [spec, metrics] = await Promise.all([
      ctx.store.latestOf(id, "spec"),
      ctx.store.latestOf(id, "metrics"),
    ]);
    return c.json({ agent, spec, metrics });
  });

  app.get("/agents/:id/:kind{requests|claims|txs}", async (c) => {
    const kind = kinds[c.req.param("kind") as keyof typeof kinds];
    const limit = intParam(c.req.query("limit"), 100, 1000);
    if (limit === undefined) return c.json({ error: "limit must be an integer 0..1000" }, 400);
    const items = await ctx.store.latest(c.req.param("id"), kind, {
      afterId: c.req.query("after"),
      limit,
    });
    return c.json({ agentId: c.req.param("id"), kind, items });
  });

  app.get("/agents/:id/messages", async (c) => {
    const after = intParam(c.req.query("after"), 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(c.req.query("limit"), 1000, 10_000);
    if (after === undefined || limit === undefined) {
      return c.json({ error: "after must be a seq >= 0 and limit an integer 0..10000" }, 400);
    }
    const messages = await ctx.store.messages(c.req.param("id"), { afterSeq: after, limit });
    return c.json({ agentId: c.req.param("id"), messages });
  });

  app.post("/agents/:id/commands", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: 'expected a JSON command like {"kind":"drain"}' }, 400);
    }
    const parsed = commandSchema.safeParse(body);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
      return c.json({ error: "invalid command", detail }, 400);
    }
    const result = await ctx.sendCommand(c.req.param("id"), parsed.data);
    return result.sent ? c.json(result, 202) : c.json(result, 409);
  });

  app.get("/", async (c) => c.html(await renderPage(ctx)));

  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError((err, c) => c.json({ error: `internal error: ${err.message}` }, 500));
  return app;
}

async function renderPage(ctx: HttpContext): Promise<string> {
  const stats = ctx.stats();
  const sections: string[] = [];
  for (const agent of stats.agents) {
    const requests: LatestState[] = await ctx.store.latest(agent.id, "request", { limit: 50 });
    const rows = requests.map((r) =>
      `<tr><td><code>${escapeHtml(r.id)}</code></td><td>${escapeHtml(r.state)}</td>` +
      `<td>${r.chainId}</td><td>${escapeHtml(r.at)}</td><td>${r.seq}</td></tr>`
    ).join("");
    sections.push(
      `<section><h2>${escapeHtml(agent.id)} <small>${
        agent.connected ? "connected" : "disconnected"
      }</small></h2>` +
        `<p>received ${agent.received} · duplicates ${agent.duplicates} · gaps ${agent.gaps}` +
        ` · last seq ${agent.lastSeq}</p>` +
        (rows
          ? `<table><tr><th>request</th><th>state</th><th>chain</th><th>at</th><th>seq</th></tr>${rows}</table>`
          : "<p>no requests yet</p>") +
        `</section>`,
    );
  }
  return `<!doctype html><html><head><meta charset="utf-8"><title>tern coordinator</title>
<meta http-equiv="refresh" content="5">
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}small{color:#666}</style></head>
<body><h1>tern coordinator</h1><p>${stats.agents.length} agent(s)</p>${
    sections.join("") || "<p>no agents yet</p>"
  }</body></html>`;
}
