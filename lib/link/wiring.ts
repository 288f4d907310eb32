/**
 * Wiring of the coordinator link into an actor system: the behaviors to register, and starting
 * and stopping the three link actors (`/link`, `/link/queue`, `/link/heartbeat`).
 *
 * @module
 */
import type { ActorSystem } from "../runtime/system.ts";
import type { Behavior } from "../runtime/types.ts";
import { paths } from "../agent/messages.ts";
import {
  CONNECTION_KIND,
  connectionBehavior,
  type ConnectionState,
} from "../../actors/connection.ts";
import { messageQueueBehavior, QUEUE_KIND } from "../../actors/message_queue.ts";
import { HEARTBEAT_KIND, heartbeatBehavior } from "../../actors/heartbeat.ts";
import type { LinkReadiness, LinkServices } from "./services.ts";
export { linkMetrics } from "./services.ts";

/** Path of the heartbeat actor. */
export const HEARTBEAT_PATH = "/link/heartbeat";

/**
 * The behaviors of the link actors, to pass to `ActorSystem.start`.
 *
 * @example
 * const system = await ActorSystem.start({ kv, behaviors: [...others, ...linkBehaviors(services)] });
 */
export function linkBehaviors(services: LinkServices): Behavior[] {
  return [
    connectionBehavior(services),
    messageQueueBehavior(services),
    heartbeatBehavior(services),
  ] as Behavior[];
}

/**
 * Spawn the link actors and connect. Statuses go to `paths.queue` as `AppendStatus`, specs to
 * `paths.link` as `SpecUpdate`; commands arrive at `paths.control` as `LinkCommand`.
 */
export function startLink(system: ActorSystem, services: LinkServices): void {
  services.post = (path, msg) => void system.send(path, msg);
  services.state = (): LinkReadiness => {
    const s = system.stateOf<ConnectionState>(paths.link);
    if (s?.phase === "ready") return "connected";
    if (s?.phase === "refused") return "refused";
    return "queueing";
  };
  system.spawn(paths.link, CONNECTION_KIND);
  system.spawn(paths.queue, QUEUE_KIND);
  system.spawn(HEARTBEAT_PATH, HEARTBEAT_KIND);
}

/**
 * Close the connection cleanly (1000) and stop heartbeats and reconnects; resolves once the
 * transport closed (or after `timeoutMs`). Stop the actor system afterwards as usual.
 */
export async function stopLink(
  system: ActorSystem,
  services: LinkServices,
  timeoutMs = 5000,
): Promise<void> {
  system.send(HEARTBEAT_PATH, { type: "Stop" });
  system.send(paths.link, { type: "Stop" });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const phase = system.stateOf<ConnectionState>(paths.link)?.phase;
    const t = services.live();
    if (phase === "stopped" && (!t || t.state === "closed")) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}
