/**
 * The reference coordinator's storage on Deno KV: one record per agent (stream, last seq,
 * counters), every accepted message under (agent, stream, seq), and the latest state per
 * (agent, kind, id).
 *
 * @module
 */
import type { AgentFrameOf, Command, StatusBody } from "../link/frames.ts";

/** Counters of refused frames, by reason. */
export type BadFrameCounts = Record<string, number>;

/** What the coordinator knows about one agent; persisted with every batch it stores. */
export interface AgentRecord {
  schema: 1;
  agentId: string;
  /** The agent's current outbox stream; seqs are per stream. */
  streamId: string;
  /** Highest contiguous seq stored for `streamId`. */
  lastSeq: number;
  /** Sequenced messages stored (all streams). */
  received: number;
  /** Sequenced messages received again after being stored (acked, not stored twice). */
  duplicates: number;
  /** Sequenced messages refused because an earlier seq was missing. */
  gaps: number;
  /** Seqs the agent reported as acked that this store never had (its KV was reset). */
  lost: number;
  /** Refused frames on this agent's connections, by reason. */
  badFrames: BadFrameCounts;
  version: string;
  lpAddress: string;
  chains: { chainId: number; name: string }[];
  firstSeenAt: string;
  lastSeenAt: string;
}

/** One stored sequenced message. */
export interface StoredMessage {
  seq: number;
  type: "status" | "spec" | "metrics";
  body: unknown;
  receivedAt: string;
}

/** The latest known state of one request, claim or transaction of an agent. */
export interface LatestState {
  kind: StatusBody["kind"];
  id: string;
  state: string;
  chainId: number;
  at: string;
  seq: number;
  details: Record<string, unknown>;
}

/** A command sent to an agent and, once it answered, its result. */
export interface CommandRecord {
  id: string;
  command: Command;
  sentAt: string;
  result?: { ok: boolean; detail?: string; at: string };
}

/** A sequenced frame the coordinator accepted, ready to store. */
export type AcceptedFrame =
  | AgentFrameOf<"status">
  | AgentFrameOf<"spec">
  | AgentFrameOf<"metrics">;

// Deno KV: 64 KiB per value; keep stored bodies well below it.
const MAX_STORED_BODY_BYTES = 48 * 1024;
/** Most frames one commit holds: each status writes its message and its latest state. */
export const MAX_FRAMES_PER_COMMIT = 400;
/** Byte budget of the frames in one commit (Deno KV allows 800 KiB). */
export const COMMIT_FRAME_BYTES = 300 * 1024;

/** Shrink a body that would not fit a KV value, saying so in the stored value. */
export function storableBody(body: unknown, encodedBytes: number): unknown {
  if (encodedBytes <= MAX_STORED_BODY_BYTES) return body;
  return { truncated: true, bytes: encodedBytes };
}

/**
 * Read and write the coordinator's KV.
 *
 * @example
 * const store = new CoordinatorStore(await Deno.openKv("coord.kv"));
 * const page = await store.messages("lp-1", { afterSeq: 0, limit: 100 });
 */
export class CoordinatorStore {
  /** @param kv the open KV; @param prefix the key prefix of everything stored. */
  constructor(readonly kv: Deno.Kv, readonly prefix: Deno.KvKey = ["coord"]) {}

  #key(...parts: Deno.KvKeyPart[]): Deno.KvKey {
    return [...this.prefix, ...parts];
  }

  /** Every agent record, ordered by agent id. */
  async agents(): Promise<AgentRecord[]> {
    const out: AgentRecord[] = [];
    for await (const e of this.kv.list<AgentRecord>({ prefix: this.#key("agent") })) {
      out.push(e.value);
    }
    return out;
  }

  /** One agent's record, or null if it never said hello. */
  async agent(agentId: string): Promise<AgentRecord | null> {
    return (await this.kv.get<AgentRecord>(this.#key("agent", agentId))).value;
  }

  /** Persist an agent record alone (after a hello). */
  async saveAgent(record: AgentRecord): Promise<void> {
    await this.kv.set(this.#key("agent", record.agentId), record);
  }

  /**
   * Store accepted frames (consecutive seqs, in order) together with the updated agent record,
   * in one atomic commit. The caller keeps the batch within {@link MAX_FRAMES_PER_COMMIT}.
   */
  async commitBatch(
    record: AgentRecord,
    frames: { frame: AcceptedFrame; body: unknown }[],
    receivedAt: string,
  ): Promise<void> {
    const op = this.kv.atomic();
    const latest = new Map<string, { key: Deno.KvKey; value: unknown }>();
    for (const { frame, body } of frames) {
      if (frame.seq !== undefined) {
        const stored: StoredMessage = { seq: frame.seq, type: frame.type, body, receivedAt };
        op.set(this.#key("msg", record.agentId, record.streamId, frame.seq), stored);
      }
      if (frame.type === "status") {
        const b = frame.body;
        const key = this.#key("latest", record.agentId, b.kind, b.id);
        const details = (body as StatusBody).details ?? body;
        const value: LatestState = {
          kind: b.kind,
          id: b.id,
          state: b.state,
          chainId: b.chainId,
          at: b.at,
          seq: frame.seq,
          details: details as Record<string, unknown>,
        };
        latest.set(JSON.stringify(key), { key, value });
      } else {
        const key = this.#key(frame.type, record.agentId);
        latest.set(JSON.stringify(key), { key, value: { seq: frame.seq, body, receivedAt } });
      }
    }
    for (const { key, value } of latest.values()) op.set(key, value);
    op.set(this.#key("agent", record.agentId), record);
    const res = await op.commit();
    if (!res.ok) throw new Error("coordinator store commit was refused");
  }

  /** Stored messages of an agent's stream after `afterSeq`, in seq order. */
  async messages(
    agentId: string,
    options: { afterSeq?: number; limit?: number; streamId?: string } = {},
  ): Promise<StoredMessage[]> {
    const streamId = options.streamId ?? (await this.agent(agentId))?.streamId;
    if (streamId === undefined) return [];
    const out: StoredMessage[] = [];
    const prefix = this.#key("msg", agentId, streamId);
    const iter = this.kv.list<StoredMessage>({
      start: [...prefix, (options.afterSeq ?? 0) + 1],
      end: [...prefix, Number.MAX_SAFE_INTEGER],
    }, { limit: Math.min(options.limit ?? 1000, 10_000) });
    for await (const e of iter) out.push(e.value);
    return out;
  }

  /** Latest states of an agent's requests (or claims, txs), ordered by id, paged by id. */
  async latest(
    agentId: string,
    kind: StatusBody["kind"],
    options: { afterId?: string; limit?: number } = {},
  ): Promise<LatestState[]> {
    const prefix = this.#key("latest", agentId, kind);
    const selector: Deno.KvListSelector = options.afterId === undefined
      ? { prefix }
      : { prefix, start: [...prefix, options.afterId + "\0"] };
    const out: LatestState[] = [];
    const iter = this.kv.list<LatestState>(selector, {
      limit: Math.min(options.limit ?? 100, 1000),
    });
    for await (const e of iter) out.push(e.value);
    return out;
  }

  /** The latest spec (or metrics) body an agent sent, or null. */
  async latestOf(agentId: string, type: "spec" | "metrics"): Promise<unknown> {
    return (await this.kv.get(this.#key(type, agentId))).value;
  }

  /** Record a command sent or its result. */
  async saveCommand(agentId: string, record: CommandRecord): Promise<void> {
    await this.kv.set(this.#key("cmd", agentId, record.id), record);
  }

  /** A command record, or null. */
  async command(agentId: string, id: string): Promise<CommandRecord | null> {
    return (await this.kv.get<CommandRecord>(this.#key("cmd", agentId, id))).value;
  }
}
