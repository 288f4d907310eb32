/**
 * A new-heads feed over a WebSocket JSON-RPC subscription (`eth_subscribe newHeads`), opened on
 * first use and re-opened on the next wait after a failure (at most every few seconds).
 *
 * @module
 */

interface Waiter {
  after: number;
  resolve(n: number): void;
  reject(e: Error): void;
}

/** Wait this long after a failed connection before opening another. */
const REOPEN_AFTER_MS = 2_000;

/** New block numbers from one WebSocket endpoint. */
export class HeadFeed {
  readonly #url: string;
  #ws?: WebSocket;
  #latest = -1;
  #failedAt = -Infinity;
  #closed = false;
  #waiters = new Set<Waiter>();

  /** Creates a feed for `url`; nothing is opened until the first {@link next}. */
  constructor(url: string) {
    this.#url = url;
  }

  /** Highest head number seen, or -1. */
  get latest(): number {
    return this.#latest;
  }

  /** Resolves with the first head above `after`; rejects on a feed failure or `signal`. */
  next(after: number, signal: AbortSignal): Promise<number> {
    if (this.#closed) return Promise.reject(new Error("head feed closed"));
    if (this.#latest > after) return Promise.resolve(this.#latest);
    this.#open();
    // Shortly after a failure no socket is opened: fail now so the caller polls meanwhile.
    if (!this.#ws) return Promise.reject(new Error("new-heads WebSocket unavailable"));
    return new Promise<number>((resolve, reject) => {
      const w: Waiter = {
        after,
        resolve: (n) => {
          signal.removeEventListener("abort", onAbort);
          resolve(n);
        },
        reject: (e) => {
          signal.removeEventListener("abort", onAbort);
          reject(e);
        },
      };
      const onAbort = () => {
        this.#waiters.delete(w);
        reject(new Error("aborted"));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(w);
    });
  }

  /** Closes the socket and rejects every waiter. */
  close(): void {
    this.#closed = true;
    this.#drop(new Error("head feed closed"));
  }

  #open(): void {
    if (this.#ws || this.#closed || performance.now() - this.#failedAt < REOPEN_AFTER_MS) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.#url);
    } catch (e) {
      this.#failedAt = performance.now();
      this.#drop(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    this.#ws = ws;
    // Event handlers must never throw: an exception there is uncaught and ends the process.
    ws.onopen = () => {
      try {
        ws.send(
          JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }),
        );
      } catch {
        fail();
      }
    };
    ws.onmessage = (ev) => {
      let n: number;
      try {
        const msg = JSON.parse(String(ev.data));
        const hex = msg?.method === "eth_subscription" ? msg.params?.result?.number : undefined;
        if (typeof hex !== "string") return;
        n = Number(BigInt(hex));
      } catch {
        return;
      }
      if (n <= this.#latest) return;
      this.#latest = n;
      for (const w of [...this.#waiters]) {
        if (n > w.after) {
          this.#waiters.delete(w);
          w.resolve(n);
        }
      }
    };
    const fail = () => {
      if (this.#ws !== ws) return;
      this.#failedAt = performance.now();
      this.#drop(new Error(`new-heads WebSocket closed`));
    };
    ws.onerror = fail;
    ws.onclose = fail;
  }

  #drop(error: Error): void {
    const ws = this.#ws;
    this.#ws = undefined;
    if (ws) {
      ws.onopen =
        ws.onmessage =
        ws.onerror =
        ws.onclose =
          null;
      try {
        ws.close();
      } catch { /* closing a socket that never opened */ }
    }
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const w of waiters) w.reject(error);
  }
}
