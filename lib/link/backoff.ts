/**
 * Reconnect delays: exponential backoff with jitter, as a pure function of the attempt number
 * and a random source, so tests can pin it.
 *
 * @module
 */

/** Backoff tuning. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter (default 250 ms). */
  initialMs: number;
  /** Largest delay, before jitter (default 30,000 ms). */
  maxMs: number;
  /** Growth per attempt (default 2). */
  multiplier: number;
  /** Fraction of the delay that is random, 0..1 (default 0.5: between 50% and 100%). */
  jitter: number;
}

/** Default backoff: 250 ms doubling to 30 s, half of it random. */
export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 250,
  maxMs: 30_000,
  multiplier: 2,
  jitter: 0.5,
};

/**
 * The delay before reconnect attempt `attempt` (0 for the first retry). With jitter `j` the delay
 * lies in `[(1 - j) * d, d]` for the un-jittered `d`, so many agents that lost one coordinator do
 * not reconnect in step, and no delay collapses to zero.
 *
 * @example
 * backoffDelayMs(0, DEFAULT_BACKOFF, () => 1);   // 250
 * backoffDelayMs(10, DEFAULT_BACKOFF, () => 0);  // 15000 (half of the 30 s cap)
 */
export function backoffDelayMs(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 64);
  const base = Math.min(options.maxMs, options.initialMs * options.multiplier ** exponent);
  const jitter = Math.min(1, Math.max(0, options.jitter));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(base * (1 - jitter + jitter * r));
}
