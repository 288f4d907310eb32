/**
 * What an agent does with data from the coordinator, as a pure function: decode the frame and
 * say which event it is for the sender, which reply to send, which command to carry out, or why
 * it was refused. The connection actor only applies the result.
 *
 * @module
 */
import {
  type AgentFrame,
  agentFrame,
  type Command,
  decodeFrame,
  type FrameRejection,
} from "./frames.ts";
import type { SenderEvent } from "./sender.ts";

/** One consequence of an inbound frame. */
export type InboundEffect =
  /** Feed this event to `senderStep`. */
  | { type: "sender"; event: SenderEvent }
  /** Send this frame back at once (a pong for a ping), not through the outbox. */
  | { type: "reply"; frame: AgentFrame }
  /** Carry out a command, then send a `command_result` with its id. */
  | { type: "command"; id: string; command: Command }
  /** The coordinator answered a heartbeat: the round trip took `rttMs`. */
  | { type: "heartbeatAnswered"; rttMs: number }
  /** The coordinator saw the agent alive: any valid frame counts for the missed-heartbeat window. */
  | { type: "alive" }
  /** The frame was refused: log the reason and count it; the connection goes on. */
  | { type: "refused"; reason: FrameRejection; detail: string }
  /** The coordinator refused something of ours: log it; `reason` is its machine-readable code. */
  | { type: "coordinatorError"; reason: string; message: string; seq?: number };

/**
 * Interpret one message from the coordinator.
 *
 * @example
 * for (const effect of interpretCoordinatorData(data, Date.now())) {
 *   if (effect.type === "sender") state = senderStep(state, effect.event).state;
 * }
 */
export function interpretCoordinatorData(
  data: string | ArrayBuffer,
  nowMs: number,
  maxBytes?: number,
): InboundEffect[] {
  const decoded = decodeFrame(data, "coordinator", maxBytes);
  if (!decoded.ok) return [{ type: "refused", reason: decoded.reason, detail: decoded.detail }];
  const frame = decoded.frame;
  const effects: InboundEffect[] = [{ type: "alive" }];
  switch (frame.type) {
    case "welcome":
      effects.push({
        type: "sender",
        event: { type: "welcome", lastReceivedSeq: frame.body.lastReceivedSeq },
      });
      break;
    case "ack":
      effects.push({ type: "sender", event: { type: "ack", seq: frame.body.seq } });
      break;
    case "command":
      effects.push({ type: "command", id: frame.body.id, command: frame.body.command });
      break;
    case "ping":
      effects.push({ type: "reply", frame: agentFrame("pong", { sentAt: frame.body.sentAt }) });
      break;
    case "pong":
      effects.push({ type: "heartbeatAnswered", rttMs: Math.max(0, nowMs - frame.body.sentAt) });
      break;
    case "error":
      effects.push({
        type: "coordinatorError",
        reason: frame.body.reason,
        message: frame.body.message,
        seq: frame.body.seq,
      });
      if (frame.body.reason === "gap") effects.push({ type: "sender", event: { type: "gap" } });
      break;
  }
  return effects;
}

/** The identity an agent presents in its hello. */
export interface AgentIdentity {
  agentId: string;
  version: string;
  chains: { chainId: number; name: string }[];
  lpAddress: string;
  token: string;
}

/**
 * The hello frame for an identity and an outbox (its stream id and acked seq).
 *
 * @example
 * transport.send(encodeFrame(helloFrame(identity, outbox.streamId, action.lastAckedSeq)));
 */
export function helloFrame(
  identity: AgentIdentity,
  streamId: string,
  lastAckedSeq: number,
): AgentFrame {
  return agentFrame("hello", { ...identity, streamId, lastAckedSeq });
}
