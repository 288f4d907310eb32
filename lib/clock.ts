/**
 * Wall-clock time and timers behind one injectable interface.
 *
 * Deadlines of the protocol (request expiry, claim termination, the claim window) are chain
 * time and come from block timestamps ({@link ChainTime}); only local waits (back-offs, proof
 * finality as the reference agent measures it, retries) use a {@link Clock}. Production code
 * takes a `Clock` parameter and gets {@link systemClock}; tests pass a {@link ManualClock}.
 *
 * @module
 */

/** Opaque handle of a scheduled timer, returned by {@link Clock.setTimeout}. */
export type TimerHandle = number;

/**
 * A source of wall-clock time and one-shot timers.
 *
 * @example
 * ```ts
 * function expireLater(clock: Clock, onExpire: () => void): TimerHandle {
 *   return clock.setTimeout(onExpire, 30_000);
 * }
 * ```
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once, `ms` milliseconds from now (negative or NaN counts as 0). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; unknown or already fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** A point of chain time: the timestamp of a block, as read from that chain. */
export interface ChainTime {
  /** The chain the block belongs to. */
  readonly chainId: number;
  /** The block's number. */
  readonly blockNumber: bigint;
  /** The block's timestamp, Unix seconds (what `block.timestamp` is in the contracts). */
  readonly timestamp: number;
}

/** The process's real clock: `Date.now` and the global timer functions. */
export const systemClock: Clock = {
  now: () => Date.now(),
  // Deno's timers return numbers; the cast only hides the Node typings' `Timeout` in scope.
  setTimeout: (fn, ms) =>
    setTimeout(fn, Number.isFinite(ms) && ms > 0 ? ms : 0) as unknown as TimerHandle,
  clearTimeout: (handle) => clearTimeout(handle),
};

/** Whole Unix seconds of a clock's current time (the unit block timestamps use). */
export function wallSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}

interface PendingTimer {
  readonly handle: TimerHandle;
  readonly due: number;
  readonly fn: () => void;
}

/**
 * A clock that only moves when told to, for deterministic tests.
 *
 * Timers fire inside {@link ManualClock.advance} in order of due time, ties in the order they
 * were set; while a timer runs, `now()` equals its due time. Timers set by a firing timer fire
 * in the same `advance` call when they fall due within it.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(1_000);
 * clock.setTimeout(() => console.log("fired at", clock.now()), 500);
 * clock.advance(500); // prints "fired at 1500"
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #nextHandle = 1;
  #timers: PendingTimer[] = [];

  /** Starts the clock at `startMs` milliseconds since the epoch (default 0). */
  constructor(startMs = 0) {
    if (!Number.isFinite(startMs)) throw new RangeError(`ManualClock start must be finite`);
    this.#now = startMs;
  }

  /** The clock's current time in milliseconds. */
  now(): number {
    return this.#now;
  }

  /** Schedules `fn` at `now() + ms`; it runs during a later {@link advance}. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const handle = this.#nextHandle++;
    this.#timers.push({ handle, due: this.#now + delay, fn });
    return handle;
  }

  /** Removes a pending timer. */
  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.handle !== handle);
  }

  /** Number of timers not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms` (≥ 0), firing every timer that falls due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) {
      throw new RangeError(`ManualClock.advance needs a finite ms >= 0, got ${ms}`);
    }
    this.advanceTo(this.#now + ms);
  }

  /** Moves time forward to `targetMs`, firing due timers in order; never moves backwards. */
  advanceTo(targetMs: number): void {
    if (!Number.isFinite(targetMs) || targetMs < this.#now) {
      throw new RangeError(`ManualClock cannot move from ${this.#now} back to ${targetMs}`);
    }
    for (;;) {
      const next = this.#earliestDue(targetMs);
      if (next === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = next.due;
      next.fn();
    }
    this.#now = targetMs;
  }

  #earliestDue(limit: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.#timers) {
      // handles grow monotonically, so the smaller handle is the one set first
      if (t.due > limit) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.handle < best.handle)) best = t;
    }
    return best;
  }
}
