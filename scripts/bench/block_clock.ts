/**
 * When did each block become available at the RPC? A `newHeads` WebSocket subscription per chain
 * records the arrival time of every block, so latencies are measured from outside the agent:
 * from the block carrying an event being available to the block carrying the reaction.
 *
 * @module
 */

/** Arrival times (performance.now() ms) of the blocks of one or more chains. */
export class BlockClock {
  readonly #arrivals = new Map<number, Map<number, number>>();
  readonly #sockets: WebSocket[] = [];

  /** Subscribes to `newHeads` at every `(chainId, wsUrl)`; resolves once all are subscribed. */
  async watch(chains: { chainId: number; wsUrl: string }[]): Promise<void> {
    await Promise.all(chains.map(({ chainId, wsUrl }) =>
      new Promise<void>((resolve, reject) => {
        const seen = new Map<number, number>();
        this.#arrivals.set(chainId, seen);
        const ws = new WebSocket(wsUrl);
        this.#sockets.push(ws);
        ws.onopen = () =>
          ws.send(JSON.stringify({
            jsonrpc: "2.0",
            id: 1,
            method: "eth_subscribe",
            params: ["newHeads"],
          }));
        ws.onerror = () => reject(new Error(`newHeads subscription to ${wsUrl} failed`));
        ws.onmessage = (ev) => {
          const now = performance.now();
          const msg = JSON.parse(String(ev.data));
          if (msg.id === 1) return resolve();
          const n = msg.params?.result?.number;
          if (typeof n === "string" && !seen.has(Number(n))) seen.set(Number(n), now);
        };
      })
    ));
  }

  /** The arrival time of block `n` of `chainId`, if seen. */
  arrival(chainId: number, n: number): number | undefined {
    return this.#arrivals.get(chainId)?.get(n);
  }

  /** Closes every subscription. */
  close(): void {
    for (const ws of this.#sockets) {
      try {
        ws.close();
      } catch { /* closed */ }
    }
  }
}

/** The `q` quantile (0..1) of `values` (nearest rank). */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
