/**
 * One agent connection at the coordinator: waits for a valid hello, authenticates it, then
 * routes frames to the agent's stream; refuses bad frames with an `error` frame and a counter.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { CloseCodes } from "../link/close_codes.ts";
import {
  type AgentFrame,
  type CoordinatorFrame,
  coordinatorFrame,
  decodeFrame,
  encodeFrame,
  utf8ByteLength,
} from "../link/frames.ts";
import type { Transport } from "../link/transport.ts";
import type { AgentStream, StreamPeer } from "./agent_stream.ts";

const log = getLogger(["tern", "coordinator"]);

/** What a session needs from the coordinator around it. */
export interface SessionContext {
  /** Largest accepted frame in bytes. */
  maxFrameBytes: number;
  /** Close a connection that sent no hello within this many ms. */
  helloTimeoutMs: number;
  /** Close a connection after this many refused frames. */
  maxBadFramesPerConnection: number;
  /** The agent id a token belongs to, or undefined. */
  agentForToken(token: string): string | undefined;
  /** The stream of an agent, created on first use. */
  streamFor(agentId: string): AgentStream;
  /** Count a refused frame not attributable to an agent. */
  countUnattributed(reason: string): void;
  /** An agent answered a command. */
  onCommandResult(
    agentId: string,
    result: Extract<AgentFrame, { type: "command_result" }>["body"],
  ): void;
  /** The session ended. */
  onClosed(session: Session): void;
  /** Wall clock in ms. */
  nowMs(): number;
}

/** One connection from (hopefully) an agent. */
export class Session implements StreamPeer {
  #stream: AgentStream | undefined;
  #helloTimer: ReturnType<typeof setTimeout> | undefined;
  #badFrames = 0;
  #closed = false;

  /** @param transport the accepted connection; @param ctx the coordinator around it. */
  constructor(readonly transport: Transport, readonly ctx: SessionContext) {}

  /** The agent this connection authenticated as, if it did. */
  get agentId(): string | undefined {
    return this.#stream?.record.agentId;
  }

  /** Whether this connection is still open. */
  get isOpen(): boolean {
    return !this.#closed;
  }

  /** Begin listening and start the hello deadline. */
  start(): void {
    this.transport.listen({
      onMessage: (data) => this.#onMessage(data),
      onClose: (close) => {
        if (close.code === CloseCodes.messageTooBig && close.initiator === "local") {
          this.#count("oversize");
          log.warn("closed a connection of {agent}: frame above {max} bytes", {
            agent: this.agentId ?? "(no hello)",
            max: this.ctx.maxFrameBytes,
          });
        }
        this.#finish();
      },
    });
    this.#helloTimer = setTimeout(() => {
      this.#helloTimer = undefined;
      this.#count("hello_required");
      this.close(CloseCodes.helloRequired, `no hello within ${this.ctx.helloTimeoutMs} ms`);
    }, this.ctx.helloTimeoutMs);
  }

  /** Send one coordinator frame (dropped if the connection is gone). */
  sendFrame(frame: CoordinatorFrame): void {
    if (!this.#closed) this.transport.send(encodeFrame(frame));
  }

  /** Close the connection with a code and reason. */
  close(code: number, reason: string): void {
    this.transport.close(code, reason);
    this.#finish();
  }

  #finish(): void {
    if (this.#helloTimer !== undefined) clearTimeout(this.#helloTimer);
    this.#helloTimer = undefined;
    if (this.#closed) return;
    this.#closed = true;
    this.#stream?.detach(this);
    this.ctx.onClosed(this);
  }

  #count(reason: string): void {
    if (this.#stream) this.#stream.countBadFrame(reason);
    else this.ctx.countUnattributed(reason);
  }

  #refuse(reason: string, message: string, seq?: number): void {
    this.#count(reason);
    log.warn("refused a frame from {agent}: {reason}: {message}", {
      agent: this.agentId ?? "(no hello)",
      reason,
      message,
    });
    this.sendFrame(coordinatorFrame("error", { reason, message, seq }));
    if (++this.#badFrames > this.ctx.maxBadFramesPerConnection) {
      this.close(
        CloseCodes.policyViolation,
        `more than ${this.ctx.maxBadFramesPerConnection} bad frames`,
      );
    }
  }

  #onMessage(data: string | ArrayBuffer): void {
    if (this.#closed) return;
    const decoded = decodeFrame(data, "agent", this.ctx.maxFrameBytes);
    if (!decoded.ok) {
      this.#refuse(decoded.reason, decoded.detail, decoded.seq);
      return;
    }
    const frame = decoded.frame;
    const stream = this.#stream;
    if (!stream) {
      this.#onFirstFrame(frame);
      return;
    }
    switch (frame.type) {
      case "hello":
        this.#refuse("protocol", "hello was already accepted on this connection");
        return;
      case "status":
      case "spec":
      case "metrics": {
        const bytes = typeof data === "string" ? utf8ByteLength(data) : data.byteLength;
        stream.frame(this, frame, bytes);
        return;
      }
      case "heartbeat":
        stream.heartbeat = { outboxDepth: frame.body.outboxDepth, at: this.ctx.nowMs() };
        this.sendFrame(
          coordinatorFrame("pong", { sentAt: frame.body.sentAt, receivedAt: this.ctx.nowMs() }),
        );
        return;
      case "pong":
        return;
      case "command_result":
        this.ctx.onCommandResult(stream.record.agentId, frame.body);
        return;
    }
  }

  #onFirstFrame(frame: AgentFrame): void {
    if (frame.type !== "hello") {
      this.#count("hello_required");
      this.sendFrame(coordinatorFrame("error", {
        reason: "hello_required",
        message: `the first frame must be hello, got ${frame.type}`,
      }));
      this.close(CloseCodes.helloRequired, "hello required");
      return;
    }
    const owner = this.ctx.agentForToken(frame.body.token);
    if (owner === undefined || owner !== frame.body.agentId) {
      this.ctx.countUnattributed("bad_auth");
      log.warn("refused hello from {agentId}: {why}", {
        agentId: frame.body.agentId,
        why: owner === undefined ? "unknown token" : "token of another agent",
      });
      this.sendFrame(coordinatorFrame("error", {
        reason: "bad_auth",
        message: "bad auth: the token is unknown or belongs to another agent id",
      }));
      this.close(CloseCodes.badAuth, "bad auth");
      return;
    }
    if (this.#helloTimer !== undefined) clearTimeout(this.#helloTimer);
    this.#helloTimer = undefined;
    this.#stream = this.ctx.streamFor(owner);
    this.#stream.hello(this, frame.body);
  }
}
