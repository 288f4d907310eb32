/**
 * One agent's inbound stream at the coordinator: hellos and sequenced frames are handled one at
 * a time, in arrival order; accepted frames are stored in batches; acks are cumulative and
 * batched.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { CloseCodes } from "../link/close_codes.ts";
import { coordinatorFrame, type HelloBody } from "../link/frames.ts";
import {
  type AcceptedFrame,
  type AgentRecord,
  COMMIT_FRAME_BYTES,
  type CoordinatorStore,
  MAX_FRAMES_PER_COMMIT,
  storableBody,
} from "./store.ts";

const log = getLogger(["tern", "coordinator"]);

/** The part of a connection an agent stream talks to. */
export interface StreamPeer {
  /** Send one encoded coordinator frame. */
  sendFrame(frame: ReturnType<typeof coordinatorFrame>): void;
  /** Close the connection. */
  close(code: number, reason: string): void;
  /** Whether the connection is still open. */
  readonly isOpen: boolean;
}

/** How acks are batched and how much a connection may queue. */
export interface StreamPolicy {
  /** Ack at once when this many frames are unacknowledged. */
  everyMessages: number;
  /** Otherwise ack at most this many ms after the first unacknowledged frame. */
  delayMs: number;
  /** A connection with more frames than this waiting to be stored is closed (1008). */
  maxQueuedFrames: number;
}

type Task =
  | { kind: "hello"; peer: StreamPeer; hello: HelloBody }
  | { kind: "frame"; peer: StreamPeer; frame: AcceptedFrame; bytes: number };
type FrameTask = Extract<Task, { kind: "frame" }>;

/** A fresh record for an agent never seen before. */
export function newAgentRecord(agentId: string, now: string): AgentRecord {
  return {
    schema: 1,
    agentId,
    streamId: "",
    lastSeq: 0,
    received: 0,
    duplicates: 0,
    gaps: 0,
    lost: 0,
    badFrames: {},
    version: "",
    lpAddress: "",
    chains: [],
    firstSeenAt: now,
    lastSeenAt: now,
  };
}

/**
 * The coordinator's state of one agent; only the newest authenticated connection may write.
 */
export class AgentStream {
  /** The connection currently bound to this agent, if any. */
  current: StreamPeer | undefined;
  /** Last heartbeat the agent sent: its outbox depth and when it arrived. */
  heartbeat: { outboxDepth: number; at: number } | undefined;
  #tasks: Task[] = [];
  #running: Promise<void> | undefined;
  #unacked = 0;
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  /** @param record the persisted record (or a new one); @param store where to persist. */
  constructor(
    public record: AgentRecord,
    readonly store: CoordinatorStore,
    readonly policy: StreamPolicy,
    readonly now: () => Date = () => new Date(),
  ) {}

  /** Whether a connection is bound to this agent. */
  get connected(): boolean {
    return this.current !== undefined;
  }

  /** Queue a hello from `peer`; frames it sends later are handled after the welcome. */
  hello(peer: StreamPeer, hello: HelloBody): void {
    this.#push({ kind: "hello", peer, hello });
  }

  /** Queue a sequenced (or latest-only) frame from `peer`, of `bytes` encoded size. */
  frame(peer: StreamPeer, frame: AcceptedFrame, bytes: number): void {
    if (this.#tasks.length >= this.policy.maxQueuedFrames) {
      // An agent keeps a bounded window in flight; one that does not would fill our memory.
      this.countBadFrame("flood");
      peer.close(
        CloseCodes.policyViolation,
        `more than ${this.policy.maxQueuedFrames} frames waiting to be stored`,
      );
      return;
    }
    this.#push({ kind: "frame", peer, frame, bytes });
  }

  /** Forget `peer` if it is the current connection (it closed). */
  detach(peer: StreamPeer): void {
    if (this.current === peer) {
      this.current = undefined;
      this.#clearAckTimer();
      this.#unacked = 0;
    }
  }

  /** Count a refused frame against this agent. */
  countBadFrame(reason: string): void {
    this.record.badFrames[reason] = (this.record.badFrames[reason] ?? 0) + 1;
  }

  /** Stop: no more work is started; resolves when the running batch finished. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#tasks = [];
    this.#clearAckTimer();
    await this.#running;
  }

  #push(task: Task): void {
    if (this.#closed) return;
    this.#tasks.push(task);
    if (!this.#running) {
      this.#running = this.#drain().finally(() => (this.#running = undefined));
    }
  }

  async #drain(): Promise<void> {
    while (this.#tasks.length > 0 && !this.#closed) {
      const task = this.#tasks.shift()!;
      try {
        if (task.kind === "hello") await this.#welcome(task.peer, task.hello);
        else await this.#store(task.peer, this.#batchFrom(task));
      } catch (err) {
        // Storage failures are handled inside; this is a defect. Keep serving other agents.
        log.error("handling a frame of {agentId} failed: {error}", {
          agentId: this.record.agentId,
          error: err,
        });
        task.peer.close(CloseCodes.internalError, "coordinator error; resend after reconnect");
      }
    }
  }

  /** `task` and the frames queued right behind it from the same peer, within one commit. */
  #batchFrom(task: FrameTask): FrameTask[] {
    const batch = [task];
    let bytes = task.bytes;
    while (
      this.#tasks.length > 0 && batch.length < MAX_FRAMES_PER_COMMIT &&
      this.#tasks[0].kind === "frame" && this.#tasks[0].peer === task.peer &&
      bytes + this.#tasks[0].bytes <= COMMIT_FRAME_BYTES
    ) {
      const next = this.#tasks.shift() as FrameTask;
      bytes += next.bytes;
      batch.push(next);
    }
    return batch;
  }

  async #welcome(peer: StreamPeer, hello: HelloBody): Promise<void> {
    const previous = this.current;
    if (previous && previous !== peer) {
      previous.close(CloseCodes.superseded, "a newer connection for this agent took over");
    }
    this.#clearAckTimer();
    this.#unacked = 0;
    const now = this.now().toISOString();
    const record: AgentRecord = {
      ...this.record,
      badFrames: this.record.badFrames, // shared: counted while a commit is in flight
      version: hello.version,
      lpAddress: hello.lpAddress,
      chains: hello.chains,
      lastSeenAt: now,
    };
    if (record.streamId !== hello.streamId) {
      if (record.streamId !== "") {
        log.warn("agent {agentId} started a new stream {streamId}; seqs restart at 1", {
          agentId: record.agentId,
          streamId: hello.streamId,
        });
      }
      record.streamId = hello.streamId;
      record.lastSeq = 0;
    }
    if (hello.lastAckedSeq > record.lastSeq) {
      // The agent deleted messages this store never saw: it was reset. Continue after them.
      log.error("agent {agentId} acked up to {acked} but the store has {have}: {lost} lost", {
        agentId: record.agentId,
        acked: hello.lastAckedSeq,
        have: record.lastSeq,
        lost: hello.lastAckedSeq - record.lastSeq,
      });
      record.lost += hello.lastAckedSeq - record.lastSeq;
      record.lastSeq = hello.lastAckedSeq;
    }
    try {
      await this.store.saveAgent(record);
    } catch (err) {
      log.error("storing agent {agentId} failed: {error}", { agentId: record.agentId, error: err });
      peer.close(CloseCodes.internalError, "coordinator storage failed");
      return;
    }
    this.record = record;
    if (!peer.isOpen) return; // it closed while its hello was being stored
    this.current = peer;
    peer.sendFrame(coordinatorFrame("welcome", { lastReceivedSeq: record.lastSeq }));
  }

  async #store(peer: StreamPeer, batch: FrameTask[]): Promise<void> {
    if (peer !== this.current) return; // a superseded connection's frames are dropped unacked
    const record: AgentRecord = { ...this.record }; // badFrames stays shared: see #welcome
    const accepted: { frame: AcceptedFrame; body: unknown }[] = [];
    let firstGap: { expected: number; got: number } | undefined;
    let acked = 0;
    for (const { frame, bytes } of batch) {
      const seq = frame.seq;
      if (seq === undefined) {
        accepted.push({ frame, body: storableBody(frame.body, bytes) });
      } else if (seq <= record.lastSeq) {
        record.duplicates++;
        acked++;
      } else if (seq === record.lastSeq + 1) {
        accepted.push({ frame, body: storableBody(frame.body, bytes) });
        record.lastSeq = seq;
        record.received++;
        acked++;
      } else {
        record.gaps++;
        firstGap ??= { expected: record.lastSeq + 1, got: seq };
      }
    }
    record.lastSeenAt = this.now().toISOString();
    try {
      await this.store.commitBatch(record, accepted, record.lastSeenAt);
    } catch (err) {
      log.error("storing {n} frames of {agentId} failed: {error}", {
        n: accepted.length,
        agentId: record.agentId,
        error: err,
      });
      peer.close(CloseCodes.internalError, "coordinator storage failed; resend after reconnect");
      return;
    }
    this.record = record;
    if (peer !== this.current) return;
    this.#unacked += acked;
    if (firstGap) {
      peer.sendFrame(coordinatorFrame("error", {
        reason: "gap",
        message: `expected seq ${firstGap.expected}, got ${firstGap.got}; ` +
          `resend from ${firstGap.expected}`,
        seq: firstGap.got,
      }));
      this.#ackNow();
    } else if (this.#unacked >= this.policy.everyMessages) {
      this.#ackNow();
    } else if (this.#unacked > 0 && this.#ackTimer === undefined) {
      this.#ackTimer = setTimeout(() => {
        this.#ackTimer = undefined;
        this.#ackNow();
      }, this.policy.delayMs);
    }
  }

  #ackNow(): void {
    this.#clearAckTimer();
    this.#unacked = 0;
    this.current?.sendFrame(coordinatorFrame("ack", { seq: this.record.lastSeq }));
  }

  #clearAckTimer(): void {
    if (this.#ackTimer !== undefined) clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
  }
}
