/**
 * Readers the inspection commands use: over a running agent's inspector (HTTP) or over its KV
 * file (offline, read-only). Both return the shapes of `model.ts`.
 *
 * @module
 */

import { TernError } from "../errors.ts";
import {
  type ActorDetail,
  type ActorView,
  buildTree,
  claimsOf,
  type ClaimView,
  type InspectSource,
  type OutboxView,
  requestDetail,
  type RequestFilter,
  requestsOf,
  type RequestView,
  type TreeNode,
} from "./model.ts";

/** A request with its claims. */
export type RequestWithClaims = RequestView & { claims: ClaimView[] };

/** What the inspection commands read. */
export interface InspectReader {
  tree(): Promise<TreeNode[]>;
  actors(): Promise<ActorView[]>;
  actor(path: string): Promise<ActorDetail | null>;
  requests(f: RequestFilter): Promise<RequestView[]>;
  request(id: string): Promise<RequestWithClaims | null>;
  claims(): Promise<ClaimView[]>;
  outbox(): Promise<OutboxView[]>;
}

/** A reader over an {@link InspectSource} (e.g. a KV file). */
export function sourceReader(src: InspectSource): InspectReader {
  return {
    tree: async () => buildTree(await src.actors()),
    actors: () => src.actors(),
    actor: (p) => src.actor(p),
    requests: (f) => requestsOf(src, f),
    request: (id) => requestDetail(src, id),
    claims: () => claimsOf(src),
    outbox: () => src.outbox(),
  };
}

/** The inspector could not be reached or refused the request. */
export class InspectorUnreachableError extends TernError {
  constructor(url: string, problem: string, hint: string) {
    super("inspector_unreachable", `inspector at ${url}: ${problem}`, { hint, data: { url } });
    this.name = "InspectorUnreachableError";
  }
}

function reason(e: unknown): string {
  const cause = (e as { cause?: unknown })?.cause;
  const text = cause instanceof Error ? cause.message : e instanceof Error ? e.message : String(e);
  return text.split("\n")[0];
}

/** A reader over a running agent's inspector at `baseUrl`. */
export function httpReader(baseUrl: string, token?: string): InspectReader {
  const base = baseUrl.replace(/\/+$/, "");
  const get = async <T>(path: string, allow404 = false): Promise<T | null> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(10_000),
      });
    } catch (e) {
      throw new InspectorUnreachableError(
        base,
        `cannot connect (${reason(e)})`,
        "is the agent running? check --url against [inspector] bind and port, or read the KV " +
          "file offline with --kv",
      );
    }
    if (res.status === 404 && allow404) {
      await res.body?.cancel();
      return null;
    }
    if (res.status === 401) {
      await res.body?.cancel();
      throw new InspectorUnreachableError(
        base,
        "unauthorized",
        "put the inspector token in the variable named by --token-env",
      );
    }
    if (!res.ok) {
      const body = await res.text();
      throw new InspectorUnreachableError(base, `HTTP ${res.status}: ${body.slice(0, 200)}`, "");
    }
    return await res.json() as T;
  };
  const must = async <T>(p: string) => (await get<T>(p)) as T;
  return {
    tree: () => must<TreeNode[]>("/tree"),
    actors: () => must<ActorView[]>("/actors"),
    actor: (p) => get<ActorDetail>(`/actors${p.startsWith("/") ? p : `/${p}`}`, true),
    requests: (f) => {
      const q = new URLSearchParams();
      if (f.state) q.set("state", f.state);
      if (f.chain !== undefined) q.set("chain", String(f.chain));
      const qs = q.toString();
      return must<RequestView[]>(`/requests${qs ? `?${qs}` : ""}`);
    },
    request: (id) => get<RequestWithClaims>(`/requests/${encodeURIComponent(id)}`, true),
    claims: () => must<ClaimView[]>("/claims"),
    outbox: () => must<OutboxView[]>("/outbox"),
  };
}
