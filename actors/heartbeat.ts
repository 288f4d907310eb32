/**
 * HeartbeatActor (`/link/heartbeat`): every `heartbeatIntervalMs` it writes a `heartbeat` frame
 * straight onto the live connection (its own mailbox and send path, so it never waits behind
 * queued statuses) and asks `/link` to check the missed-heartbeat window. Every
 * `metricsEveryBeats` beats a `metrics` frame with the link's counters goes along.
 *
 * @module
 */
import type { Behavior } from "../lib/runtime/types.ts";
import { paths } from "../lib/agent/messages.ts";
import { type AgentFrame, agentFrame } from "../lib/link/frames.ts";
import { linkMetrics, type LinkServices } from "../lib/link/services.ts";

/** Behavior kind of the heartbeat actor. */
export const HEARTBEAT_KIND = "link.heartbeat";

/** The heartbeat actor's state. */
export interface HeartbeatState {
  /** Heartbeats written. */
  sent: number;
  /** Ticks on which no connection was open. */
  skipped: number;
  stopped: boolean;
}

/** Messages the heartbeat actor accepts. */
export type HeartbeatMsg =
  | { type: "Start" }
  | { type: "Beat" }
  | { type: "Beaten"; sent: boolean }
  | { type: "Stop" };

/** The heartbeat actor, bound to the link's services. */
export function heartbeatBehavior(
  services: LinkServices,
): Behavior<HeartbeatState, HeartbeatMsg> {
  const interval = services.config.heartbeatIntervalMs;
  return {
    kind: HEARTBEAT_KIND,
    version: 1,
    persist: false,
    initial: () => ({ sent: 0, skipped: 0, stopped: false }),
    onStart: () => ({ type: "Start" }),
    summary: (s) => `sent=${s.sent} skipped=${s.skipped}${s.stopped ? " stopped" : ""}`,
    handle(s, msg, ctx) {
      switch (msg.type) {
        case "Start":
          return { state: s, effects: [ctx.setTimer("beat", interval, { type: "Beat" })] };
        case "Beat": {
          if (s.stopped) return { state: s };
          const beat = ctx.task("link.heartbeat", () => {
            const frame = agentFrame("heartbeat", {
              sentAt: services.clock(),
              outboxDepth: services.outboxDepth(),
            });
            // Undefined generation: whichever connection is live now.
            const frames: AgentFrame[] = [frame];
            const every = services.tuning.metricsEveryBeats;
            if (every > 0 && (s.sent + s.skipped + 1) % every === 0) {
              frames.push(agentFrame("metrics", { values: linkMetrics(services) }));
            }
            const sent = services.sendFrames(undefined, frames);
            if (sent) services.counters.heartbeatsSent++;
            return Promise.resolve(sent);
          }, (r) => ({ type: "Beaten", sent: r.ok && r.value === true }));
          return {
            state: s,
            effects: [
              beat,
              ctx.send(paths.link, { type: "CheckLiveness" }),
              ctx.setTimer("beat", interval, { type: "Beat" }),
            ],
          };
        }
        case "Beaten":
          return {
            state: msg.sent ? { ...s, sent: s.sent + 1 } : { ...s, skipped: s.skipped + 1 },
          };
        case "Stop":
          return { state: { ...s, stopped: true }, effects: [ctx.cancelTimer("beat")] };
      }
    },
  };
}
