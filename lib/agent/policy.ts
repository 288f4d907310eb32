/**
 * Operator commands as pure functions over the fill policy.
 *
 * @example
 * ```ts
 * const { policy } = applyCommand({ pausedChains: [], draining: false }, {
 *   kind: "pause_chain",
 *   chainId: 31338,
 * });
 * // policy.pausedChains = [31338]
 * ```
 *
 * @module
 */

import type { ControlCommand, FillPolicy } from "./messages.ts";

/** What a command did to the policy. */
export interface CommandOutcome {
  ok: boolean;
  policy: FillPolicy;
  detail: string;
}

/**
 * Applies one command. Commands are idempotent: pausing a paused chain is ok and changes
 * nothing. A chain that is not configured is refused, so a typo does not look like success.
 */
export function applyCommand(
  policy: FillPolicy,
  command: ControlCommand,
  knownChains?: readonly number[],
): CommandOutcome {
  switch (command.kind) {
    case "pause_chain":
    case "resume_chain": {
      if (knownChains && !knownChains.includes(command.chainId)) {
        return { ok: false, policy, detail: `chain ${command.chainId} is not configured` };
      }
      const others = policy.pausedChains.filter((c) => c !== command.chainId);
      const pausedChains = command.kind === "pause_chain"
        ? [...others, command.chainId].sort((a, b) => a - b)
        : others;
      const verb = command.kind === "pause_chain" ? "paused" : "resumed";
      return {
        ok: true,
        policy: { ...policy, pausedChains },
        detail: `new fills on chain ${command.chainId} ${verb}`,
      };
    }
    case "drain":
      return {
        ok: true,
        policy: { ...policy, draining: true },
        detail: "draining: no new requests; work in progress goes on",
      };
    case "resync":
      return { ok: true, policy, detail: "every live request and claim reports its state again" };
  }
}
