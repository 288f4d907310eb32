/**
 * ChainSupervisor (`/chain:<id>`): the parent of one chain's watcher and transaction sender. It
 * holds no state of its own; it exists so that a chain's actors restart together under their own
 * intensity budget, and a chain whose RPC keeps failing never uses up another chain's restarts.
 *
 * @module
 */

import type { Behavior } from "../lib/runtime/mod.ts";

/** The ChainSupervisor behavior (kind `"chain"`); it receives no messages of its own. */
export const chainSupervisorBehavior: Behavior<Record<string, never>, unknown> = {
  kind: "chain",
  version: 1,
  initial: () => ({}),
  handle: (state) => ({ state }),
  // A watcher that crashes on every RPC answer is restarted with backoff, 20 times a minute at most.
  supervision: { strategy: "one_for_one", intensity: 20, periodMs: 60_000, backoffMaxMs: 10_000 },
  summary: () => "supervises the chain's watcher and transaction sender",
};
