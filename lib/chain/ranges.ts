/**
 * Adaptive `eth_getLogs` ranges: shrink on "too many results", range-limit errors and timeouts,
 * grow after quick successes, always within [1, maxBlocksPerQuery].
 *
 * @module
 */

/** Calls faster than this grow the range. */
export const FAST_MS = 2_000;

/** Replies that mean "ask for fewer blocks", as providers word them. */
const TOO_MUCH =
  /too many|more than \d+ results|exceed|limit|range is too (large|wide)|response size|query timeout|block range/i;

/** True when an RPC error says the range was too large (shrink and retry, no failover). */
export function isRangeTooLarge(message: string): boolean {
  return TOO_MUCH.test(message);
}

/** True when a call ran out of time (a large range is a common cause: shrink it). */
export function isTimeout(message: string): boolean {
  return /no answer within|timed out/i.test(message);
}

/** The inclusive block range to read next, or undefined when `from` is past `target`. */
export function nextRange(
  from: number,
  target: number,
  size: number,
): { from: number; to: number } | undefined {
  if (from > target) return undefined;
  return { from, to: Math.min(target, from + Math.max(1, size) - 1) };
}

/** The range size after a successful read that took `ms`. */
export function grow(size: number, ms: number, max: number): number {
  return ms < FAST_MS ? Math.min(max, Math.max(1, size) * 2) : Math.min(max, Math.max(1, size));
}

/** The range size after a read failed for its size or timed out. */
export function shrink(size: number): number {
  return Math.max(1, Math.floor(size / 5));
}
