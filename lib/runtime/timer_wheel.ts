/**
 * One scheduler for every actor timer: a min-heap keyed by due time driving a single host timer,
 * so 100,000 armed timers cost one `setTimeout`, not 100,000.
 *
 * @module
 */

/** The clock the runtime uses: wall time and host timers (injectable for tests). */
export interface RuntimeClock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** Schedules `fn` after `ms`; returns a handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a handle returned by `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

/** The host's clock. */
export const hostClock: RuntimeClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

interface Entry {
  at: number;
  owner: string;
  name: string;
  gen: number;
}

/**
 * Timers keyed by (owner, name). Re-arming a name replaces the earlier one; cancelled entries are
 * dropped lazily when they reach the top of the heap.
 *
 * @example
 * ```ts
 * const wheel = new TimerWheel(hostClock, (owner, name) => console.log(owner, name));
 * wheel.arm("/a", "tick", Date.now() + 1000);
 * wheel.close();
 * ```
 */
export class TimerWheel {
  readonly #clock: RuntimeClock;
  readonly #fire: (owner: string, name: string) => void;
  readonly #heap: Entry[] = [];
  readonly #live = new Map<string, number>(); // owner\0name -> generation
  #gen = 0;
  #handle: unknown = undefined;
  #handleAt = Infinity;
  #closed = false;

  constructor(clock: RuntimeClock, fire: (owner: string, name: string) => void) {
    this.#clock = clock;
    this.#fire = fire;
  }

  /** Number of armed timers. */
  get size(): number {
    return this.#live.size;
  }

  /** Arms (or re-arms) timer `name` of `owner` to fire at wall time `at`. */
  arm(owner: string, name: string, at: number): void {
    if (this.#closed) return;
    const gen = ++this.#gen;
    this.#live.set(owner + "\0" + name, gen);
    this.#push({ at, owner, name, gen });
    if (at < this.#handleAt) this.#schedule();
  }

  /** Disarms timer `name` of `owner`. */
  cancel(owner: string, name: string): void {
    this.#live.delete(owner + "\0" + name);
  }

  /** Disarms every timer of `owner`. */
  cancelAll(owner: string, names: Iterable<string>): void {
    for (const n of names) this.cancel(owner, n);
  }

  /** Stops the wheel: nothing fires afterwards. */
  close(): void {
    this.#closed = true;
    if (this.#handle !== undefined) this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#live.clear();
    this.#heap.length = 0;
  }

  #schedule(): void {
    if (this.#handle !== undefined) this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#handleAt = Infinity;
    const top = this.#heap[0];
    if (top === undefined || this.#closed) return;
    const delay = Math.max(0, Math.min(top.at - this.#clock.now(), 2_147_483_647));
    this.#handleAt = top.at;
    this.#handle = this.#clock.setTimeout(() => this.#run(), delay);
  }

  #run(): void {
    this.#handle = undefined;
    this.#handleAt = Infinity;
    const now = this.#clock.now();
    // Fire a bounded number per turn so a flood of due timers cannot starve the event loop.
    let fired = 0;
    while (this.#heap.length > 0 && this.#heap[0].at <= now && fired < 10_000) {
      const e = this.#pop()!;
      const id = e.owner + "\0" + e.name;
      if (this.#live.get(id) !== e.gen) continue;
      this.#live.delete(id);
      fired++;
      this.#fire(e.owner, e.name);
    }
    this.#schedule();
  }

  #push(e: Entry): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].at <= h[i].at) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  #pop(): Entry | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && h[l].at < h[m].at) m = l;
        if (r < h.length && h[r].at < h[m].at) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}
