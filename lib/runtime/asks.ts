/**
 * Request/reply from outside the actor system with the runtime's own correlation ids and
 * timeouts (nact's `query` can answer the wrong caller under heavy concurrency).
 *
 * @module
 */

import type { RuntimeClock } from "./timer_wheel.ts";
import { type ActorPath, ASK_PATH, type ReplyTo } from "./types.ts";

/** A reply did not come within the ask's timeout. */
export class AskTimeoutError extends Error {
  constructor(readonly path: ActorPath, readonly timeoutMs: number) {
    super(`no reply from ${path} within ${timeoutMs} ms`);
    this.name = "AskTimeoutError";
  }
}

/** Pending asks by correlation id. */
export class AskRegistry {
  readonly #clock: RuntimeClock;
  readonly #pending = new Map<string, { resolve: (v: unknown) => void; timer: unknown }>();
  #seq = 0;

  constructor(clock: RuntimeClock) {
    this.#clock = clock;
  }

  /**
   * Opens an ask to `path`: `deliver` receives the reply address and returns false when the
   * message could not be delivered (the ask then fails at once).
   */
  open<T>(path: ActorPath, timeoutMs: number, deliver: (replyTo: ReplyTo) => boolean): Promise<T> {
    const corr = `q${++this.#seq}`;
    return new Promise<T>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        this.#pending.delete(corr);
        reject(new AskTimeoutError(path, timeoutMs));
      }, timeoutMs);
      this.#pending.set(corr, { resolve: resolve as (v: unknown) => void, timer });
      if (!deliver({ path: ASK_PATH, corr })) {
        this.#clock.clearTimeout(timer);
        this.#pending.delete(corr);
        reject(new Error(`no actor at ${path}`));
      }
    });
  }

  /** Resolves the ask `corr` with `msg`; unknown or timed-out ids are ignored. */
  resolve(corr: string, msg: unknown): void {
    const pending = this.#pending.get(corr);
    if (!pending) return;
    this.#pending.delete(corr);
    this.#clock.clearTimeout(pending.timer);
    pending.resolve(msg);
  }

  /** Drops every pending ask and its timer (they never settle). */
  clear(): void {
    for (const a of this.#pending.values()) this.#clock.clearTimeout(a.timer);
    this.#pending.clear();
  }
}
