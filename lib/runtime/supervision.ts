/**
 * Supervision rules as pure functions: which actors restart with a failed child, whether the
 * restart intensity is exceeded, and how long to back off.
 *
 * @module
 */

import { DEFAULT_SUPERVISION, type Strategy, type SupervisionSpec } from "./types.ts";

/** Fills a partial spec with the defaults. */
export function supervisionSpec(partial: Partial<SupervisionSpec> | undefined): SupervisionSpec {
  return { ...DEFAULT_SUPERVISION, ...partial };
}

/**
 * The children to restart when `failed` fails, in spawn order.
 *
 * @example
 * ```ts
 * restartSet("rest_for_one", ["/a", "/b", "/c"], "/b"); // ["/b", "/c"]
 * ```
 */
export function restartSet(
  strategy: Strategy,
  children: readonly string[],
  failed: string,
): string[] {
  switch (strategy) {
    case "one_for_one":
      return [failed];
    case "one_for_all":
      return [...children];
    case "rest_for_one": {
      const i = children.indexOf(failed);
      return i < 0 ? [failed] : children.slice(i);
    }
  }
}

/**
 * Records a restart at `now` in a supervisor's history and says whether it stays within the
 * intensity (at most `intensity` restarts within `periodMs`).
 */
export function admitRestart(
  history: readonly number[],
  now: number,
  spec: Pick<SupervisionSpec, "intensity" | "periodMs">,
): { allowed: boolean; history: number[]; recent: number } {
  const recent = history.filter((t) => now - t < spec.periodMs);
  recent.push(now);
  return { allowed: recent.length <= spec.intensity, history: recent, recent: recent.length };
}

/**
 * Delay before the `attempt`-th restart inside the period (1-based): exponential from
 * `backoffMinMs`, capped at `backoffMaxMs`, with multiplicative jitter. Never below 1 ms, so a
 * crash loop always yields to the event loop.
 */
export function backoffDelay(
  spec: Pick<SupervisionSpec, "backoffMinMs" | "backoffMaxMs" | "jitter">,
  attempt: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(spec.backoffMaxMs, spec.backoffMinMs * 2 ** Math.max(0, attempt - 1));
  const j = Math.min(1, Math.max(0, spec.jitter));
  const factor = 1 - j + 2 * j * random();
  return Math.max(1, Math.round(base * factor));
}
