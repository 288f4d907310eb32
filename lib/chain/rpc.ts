/**
 * One chain's JSON-RPC access: several URLs in failover order, a timeout on every call, an
 * abort that ends every call in flight, and a WebSocket new-heads feed where a ws:// URL is given.
 *
 * @example
 * ```ts
 * const rpc = new ChainRpc({ chainId: 31338, urls: ["http://127.0.0.1:8545"], timeoutMs: 2_000 });
 * const head = await rpc.publicClient().getBlockNumber();
 * await rpc.close();
 * ```
 *
 * @module
 */
import { createPublicClient, custom, type PublicClient } from "viem";
import { TernError } from "../errors.ts";
import { HeadFeed } from "./heads.ts";

/** What {@link ChainRpc} reports about each call attempt (for metrics and logs). */
export interface RpcCallInfo {
  chainId: number;
  method: string;
  /** The URL tried, credentials stripped. */
  url: string;
  ms: number;
  ok: boolean;
}

/** Options of {@link ChainRpc}. */
export interface ChainRpcOptions {
  chainId: number;
  /** http(s):// URLs take calls in failover order; ws(s):// URLs feed new heads. */
  urls: string[];
  /** Per-call timeout of one attempt at one URL, ms. */
  timeoutMs: number;
  /** Called after every attempt. */
  onCall?: (info: RpcCallInfo) => void;
}

/** A JSON-RPC call failed at every URL, or the node refused it. */
export class RpcError extends TernError {
  /** Creates the error; `reply` tells a node's refusal from a transport failure. */
  constructor(
    readonly chainId: number,
    readonly method: string,
    readonly url: string,
    cause: unknown,
    readonly reply = false,
    readonly timedOut = false,
  ) {
    super(
      reply ? "rpc_reply" : "rpc_failed",
      `chain ${chainId}: ${method} at ${url} failed: ${causeText(cause)}`,
      {
        hint: reply
          ? "the node refused the call; check the method's parameters and the node's limits"
          : "check that the RPC URL is reachable, or list another one in rpc_urls",
        data: { chainId, method, url },
        cause,
      },
    );
    this.name = "RpcError";
  }
}

function causeText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** The URL with any user:password and query string removed, safe to log and report. */
export function stripCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    u.search = "";
    u.hash = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "<invalid url>";
  }
}

/** JSON-RPC error codes that mean "this endpoint is overloaded", worth failing over. */
const FAILOVER_CODES = new Set([-32005, 429, -32603]);

/** JSON-RPC access to one chain with failover, per-call timeouts and an abort-all `close()`. */
export class ChainRpc {
  readonly chainId: number;
  readonly timeoutMs: number;
  readonly #http: string[];
  readonly #ws: string | undefined;
  readonly #onCall?: (info: RpcCallInfo) => void;
  readonly #closing = new AbortController();
  #current = 0;
  #id = 0;
  #client?: PublicClient;
  #feed?: HeadFeed;

  /** Splits `urls` into call and new-head endpoints; throws when no call endpoint remains. */
  constructor(opts: ChainRpcOptions) {
    this.chainId = opts.chainId;
    this.timeoutMs = opts.timeoutMs;
    this.#onCall = opts.onCall;
    const ws = opts.urls.filter((u) => /^wss?:\/\//i.test(u));
    const http = opts.urls.filter((u) => /^https?:\/\//i.test(u));
    // A ws-only list: call the same host over http(s), as anvil and most nodes serve both.
    this.#http = http.length > 0 ? http : ws.map((u) => u.replace(/^ws/i, "http"));
    this.#ws = ws[0];
    if (this.#http.length === 0) {
      throw new TernError("rpc_config", `chain ${opts.chainId}: no RPC URL to call`, {
        hint: "list at least one http(s):// or ws(s):// URL in rpc_urls",
        data: { chainId: opts.chainId },
      });
    }
  }

  /** The call URL in use now, credentials stripped. */
  urlInUse(): string {
    return stripCredentials(this.#http[this.#current]);
  }

  /** The WebSocket URL new heads come from, if any (credentials stripped). */
  wsUrl(): string | undefined {
    return this.#ws === undefined ? undefined : stripCredentials(this.#ws);
  }

  /** True when new heads arrive over a WebSocket subscription. */
  hasHeadFeed(): boolean {
    return this.#ws !== undefined;
  }

  /**
   * One JSON-RPC call. Transport failures and timeouts fail over to the next URL (each URL tried
   * once per call); a node's error reply is thrown at once as an {@link RpcError} with `reply`.
   */
  async request<T = unknown>(
    method: string,
    params: unknown[] = [],
    opts: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<T> {
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    let last: RpcError | undefined;
    const start = this.#current;
    for (let i = 0; i < this.#http.length; i++) {
      const index = (start + i) % this.#http.length;
      const url = this.#http[index];
      const shown = stripCredentials(url);
      const outer = opts.signal
        ? AbortSignal.any([this.#closing.signal, opts.signal])
        : this.#closing.signal;
      if (outer.aborted) throw new RpcError(this.chainId, method, shown, "aborted");
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), timeoutMs);
      const signal = AbortSignal.any([outer, timeout.signal]);
      const started = performance.now();
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ jsonrpc: "2.0", id: ++this.#id, method, params }),
          signal,
        });
        const text = await res.text();
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const body = JSON.parse(text) as {
          result?: T;
          error?: { code: number; message: string };
        };
        if (body.error) {
          if (FAILOVER_CODES.has(body.error.code)) throw new Error(body.error.message);
          this.#report(method, shown, started, true);
          throw new RpcError(this.chainId, method, shown, body.error.message, true);
        }
        this.#report(method, shown, started, true);
        this.#current = index;
        return body.result as T;
      } catch (e) {
        if (e instanceof RpcError) throw e;
        this.#report(method, shown, started, false);
        if (outer.aborted) throw new RpcError(this.chainId, method, shown, "aborted");
        const timedOut = timeout.signal.aborted;
        last = new RpcError(
          this.chainId,
          method,
          shown,
          timedOut ? `no answer within ${timeoutMs} ms` : e,
          false,
          timedOut,
        );
        // The next call starts at the next URL: this one just failed.
        this.#current = (index + 1) % this.#http.length;
      } finally {
        clearTimeout(timer);
      }
    }
    throw last!;
  }

  /** A viem PublicClient whose every call goes through {@link request} (failover, timeout). */
  publicClient(): PublicClient {
    this.#client ??= createPublicClient({
      transport: custom({
        request: ({ method, params }) => this.request(method, (params ?? []) as unknown[]),
      }, { retryCount: 0 }),
    });
    return this.#client;
  }

  /**
   * Resolves with the first head number above `after` seen on the WebSocket feed. Rejects when
   * there is no feed, the feed fails, or `signal` aborts.
   */
  nextHead(after: number, signal: AbortSignal): Promise<number> {
    if (this.#ws === undefined) return Promise.reject(new Error("no WebSocket URL configured"));
    this.#feed ??= new HeadFeed(this.#ws);
    return this.#feed.next(after, AbortSignal.any([signal, this.#closing.signal]));
  }

  /** Aborts every call in flight and closes the new-heads feed; never waits on the network. */
  close(): Promise<void> {
    this.#closing.abort();
    this.#feed?.close();
    return Promise.resolve();
  }

  #report(method: string, url: string, started: number, ok: boolean): void {
    this.#onCall?.({
      chainId: this.chainId,
      method,
      url,
      ms: performance.now() - started,
      ok,
    });
  }
}
