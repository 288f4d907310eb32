/**
 * Control (`/control`): carries out the operator's commands. Pausing a chain defers new fills
 * whose target is that chain; draining takes no new requests; both leave claims, challenges and
 * withdrawals running. The policy is part of this actor's snapshot, so it survives restarts, and
 * it is handed to the request router again whenever Control starts.
 *
 * @module
 */

import type { Behavior } from "../lib/runtime/mod.ts";
import {
  type CommandResult,
  type FillPolicy,
  type LinkCommand,
  paths,
  type RouterMsg,
} from "../lib/agent/messages.ts";
import { applyCommand } from "../lib/agent/policy.ts";

/** Messages Control accepts. */
export type ControlMsg =
  | LinkCommand
  /** Re-send the policy to the router (sent by the runtime on start). */
  | { type: "Announce" };

/** Init of Control: the configured rollups, so a command for another chain is refused. */
export interface ControlInit {
  chains: number[];
}

/** State of Control: the policy in force and the number of commands carried out. */
export interface ControlState {
  policy: FillPolicy;
  chains: number[];
  commands: number;
}

/** The Control behavior (kind `"control"`). */
export const controlBehavior: Behavior<ControlState, ControlMsg> = {
  kind: "control",
  version: 1,
  initial: (init) => ({
    policy: { pausedChains: [], draining: false },
    chains: (init as ControlInit | undefined)?.chains ?? [],
    commands: 0,
  }),
  onStart: () => ({ type: "Announce" }),
  handle(state, msg, ctx) {
    const announce = (policy: FillPolicy) =>
      ctx.send(paths.requests, { type: "Policy", policy } satisfies RouterMsg, { durable: true });
    if (msg.type === "Announce") return { state, effects: [announce(state.policy)] };
    const outcome = applyCommand(state.policy, msg.command, state.chains);
    const result: CommandResult = {
      type: "CommandResult",
      id: msg.id,
      ok: outcome.ok,
      detail: outcome.detail,
    };
    const next = { ...state, policy: outcome.policy, commands: state.commands + 1 };
    const effects = [ctx.send(msg.replyTo, result, { durable: true })];
    if (outcome.ok && msg.command.kind === "resync") {
      effects.unshift(ctx.send(paths.requests, { type: "Resync" } satisfies RouterMsg));
    } else if (outcome.ok) {
      effects.unshift(announce(outcome.policy));
    }
    return { state: next, effects };
  },
  summary: (s) =>
    `${s.policy.draining ? "draining" : "taking requests"}; paused chains: ${
      s.policy.pausedChains.length ? s.policy.pausedChains.join(",") : "none"
    }`,
};
