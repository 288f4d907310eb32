/**
 * The persistent outbox of the coordinator link on Deno KV: messages get consecutive sequence
 * numbers and are durable before `append` returns; they stay until acknowledged; reads are paged,
 * so the outbox may be larger than memory.
 *
 * @module
 */

/** Largest encoded message (JSON, UTF-8) one outbox entry holds: Deno KV's 64 KiB value limit. */
export const MAX_OUTBOX_ENTRY_BYTES = 65_000;

// Deno KV atomic limits: 1,000 mutations and 800 KiB per commit; keep a margin for key encoding.
const MAX_MUTATIONS_PER_COMMIT = 1000;
const COMMIT_BYTE_BUDGET = 760 * 1024;
const KEY_OVERHEAD_BYTES = 128;
const MAX_CONFLICT_RETRIES = 50;

/** A failure of the outbox: what was attempted, for which agent, and why. */
export class OutboxError extends Error {
  /** @param agentId whose outbox; @param operation what was attempted; @param message why. */
  constructor(readonly agentId: string, readonly operation: string, message: string) {
    super(`outbox of ${agentId}: ${operation}: ${message}`);
    this.name = "OutboxError";
  }
}

/** One stored message with its sequence number. */
export interface OutboxEntry<T> {
  /** Position in the agent's stream, starting at 1. */
  seq: number;
  /** The message as appended. */
  message: T;
}

/** What the outbox holds, from its persisted counters. */
export interface OutboxStats {
  /** Identifies this outbox's seq space; a fresh KV gets a new one. */
  streamId: string;
  /** Messages appended and not yet acknowledged. */
  depth: number;
  /** The oldest unacknowledged seq, or null when empty. */
  firstSeq: number | null;
  /** The last seq handed out (0 before the first append). */
  lastSeq: number;
  /** Everything up to this seq is acknowledged and deleted. */
  lastAckedSeq: number;
  /** Encoded size (UTF-8 JSON) of the unacknowledged messages. */
  bytes: number;
}

/** Options of {@link Outbox.open}. */
export interface OutboxOptions {
  /** Whose outbox: part of every key, so agents can share one KV file. */
  agentId: string;
  /** Key prefix in front of the agent id (default `["outbox"]`). */
  prefix?: Deno.KvKey;
}

interface OutboxMeta {
  schema: 1;
  streamId: string;
  lastSeq: number;
  lastAckedSeq: number;
  /** Encoded bytes ever appended; each entry stores this total as of its own end. */
  appendedBytes: number;
  /** Encoded bytes of the acknowledged entries. */
  ackedBytes: number;
}

/** One stored entry: the encoded message and the stream's byte total at its end. */
interface StoredEntry {
  data: Uint8Array;
  end: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function newStreamId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}

function isMeta(value: unknown): value is OutboxMeta {
  if (typeof value !== "object" || value === null) return false;
  const m = value as Record<string, unknown>;
  return m.schema === 1 && typeof m.streamId === "string" && Number.isSafeInteger(m.lastSeq) &&
    Number.isSafeInteger(m.lastAckedSeq) && Number.isSafeInteger(m.appendedBytes) &&
    Number.isSafeInteger(m.ackedBytes);
}

/**
 * A persistent, ordered, acknowledged outbox for one agent.
 *
 * @example
 * const kv = await Deno.openKv("./tern.kv");
 * const outbox = await Outbox.open(kv, { agentId: "lp-1" });
 * const [seq] = await outbox.append([{ kind: "request", id: "0xab", state: "filled" }]);
 * const page = await outbox.readAfter(0, 100); // [{ seq: 1, message: {...} }]
 * await outbox.ackUpTo(seq);
 */
export class Outbox<T = unknown> {
  #meta: OutboxMeta;
  #versionstamp: string;
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly kv: Deno.Kv,
    readonly agentId: string,
    readonly prefix: Deno.KvKey,
    meta: OutboxMeta,
    versionstamp: string,
  ) {
    this.#meta = meta;
    this.#versionstamp = versionstamp;
  }

  /** Open (or create) the outbox of `agentId` in `kv`; continues where the last process left. */
  static async open<T = unknown>(kv: Deno.Kv, options: OutboxOptions): Promise<Outbox<T>> {
    const prefix: Deno.KvKey = [...(options.prefix ?? ["outbox"]), options.agentId];
    const metaKey = [...prefix, "meta"];
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const found = await kv.get(metaKey);
      if (found.versionstamp !== null) {
        if (!isMeta(found.value)) {
          throw new OutboxError(options.agentId, "open", `unreadable meta record at ${metaKey}`);
        }
        return new Outbox<T>(kv, options.agentId, prefix, found.value, found.versionstamp);
      }
      const meta: OutboxMeta = {
        schema: 1,
        streamId: newStreamId(),
        lastSeq: 0,
        lastAckedSeq: 0,
        appendedBytes: 0,
        ackedBytes: 0,
      };
      const res = await kv.atomic().check({ key: metaKey, versionstamp: null }).set(metaKey, meta)
        .commit();
      if (res.ok) return new Outbox<T>(kv, options.agentId, prefix, meta, res.versionstamp);
    }
    throw new OutboxError(options.agentId, "open", "meta record kept changing; giving up");
  }

  /** Counters as of this instance's last read or write (no I/O). */
  stats(): OutboxStats {
    const { streamId, lastSeq, lastAckedSeq, appendedBytes, ackedBytes } = this.#meta;
    const depth = lastSeq - lastAckedSeq;
    return {
      streamId,
      depth,
      firstSeq: depth > 0 ? lastAckedSeq + 1 : null,
      lastSeq,
      lastAckedSeq,
      bytes: appendedBytes - ackedBytes,
    };
  }

  /** The id of this outbox's seq space (sent in `hello`). */
  get streamId(): string {
    return this.#meta.streamId;
  }

  #metaKey(): Deno.KvKey {
    return [...this.prefix, "meta"];
  }

  #entryKey(seq: number): Deno.KvKey {
    return [...this.prefix, "e", seq];
  }

  #serialized<R>(work: () => Promise<R>): Promise<R> {
    const run = this.#tail.then(work, work);
    this.#tail = run.catch(() => {});
    return run;
  }

  async #reload(): Promise<void> {
    const found = await this.kv.get(this.#metaKey());
    if (found.versionstamp === null || !isMeta(found.value)) {
      throw new OutboxError(this.agentId, "reload", "meta record disappeared or is unreadable");
    }
    this.#meta = found.value;
    this.#versionstamp = found.versionstamp;
  }

  /**
   * Append messages in order and return their seqs. Each commit holds as many messages as
   * Deno KV allows; when this returns, every message is durable. A batch larger than one commit
   * is durable chunk by chunk: if the process dies midway, a prefix of the batch is stored.
   */
  append(messages: readonly T[]): Promise<number[]> {
    let encoded: Uint8Array[];
    try {
      encoded = messages.map((message, index) => this.#encode(message, index));
    } catch (err) {
      return Promise.reject(err);
    }
    if (encoded.length === 0) return Promise.resolve([]);
    return this.#serialized(async () => {
      const seqs: number[] = [];
      for (const chunk of chunkForCommit(encoded)) {
        seqs.push(...await this.#commitChunk(chunk));
      }
      return seqs;
    });
  }

  #encode(message: T, index: number): Uint8Array {
    let json: string | undefined;
    try {
      json = JSON.stringify(message);
    } catch (err) {
      throw new OutboxError(this.agentId, "append", `message ${index} is not JSON: ${err}`);
    }
    if (json === undefined) {
      throw new OutboxError(this.agentId, "append", `message ${index} is not a JSON value`);
    }
    const bytes = encoder.encode(json);
    if (bytes.byteLength > MAX_OUTBOX_ENTRY_BYTES) {
      throw new OutboxError(
        this.agentId,
        "append",
        `message ${index} is ${bytes.byteLength} bytes; the limit is ${MAX_OUTBOX_ENTRY_BYTES}`,
      );
    }
    return bytes;
  }

  async #commitChunk(chunk: Uint8Array[]): Promise<number[]> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const first = this.#meta.lastSeq + 1;
      const op = this.kv.atomic().check({ key: this.#metaKey(), versionstamp: this.#versionstamp });
      let end = this.#meta.appendedBytes;
      chunk.forEach((data, i) => {
        end += data.byteLength;
        const entry: StoredEntry = { data, end };
        op.set(this.#entryKey(first + i), entry);
      });
      const next: OutboxMeta = {
        ...this.#meta,
        lastSeq: this.#meta.lastSeq + chunk.length,
        appendedBytes: end,
      };
      op.set(this.#metaKey(), next);
      const res = await op.commit();
      if (res.ok) {
        this.#meta = next;
        this.#versionstamp = res.versionstamp;
        return chunk.map((_, i) => first + i);
      }
      await this.#reload(); // another writer on the same prefix moved the counters
    }
    throw new OutboxError(this.agentId, "append", "lost the race for the meta record too often");
  }

  /** Up to `limit` (at most 1,000) entries with seq greater than `afterSeq`, in seq order. */
  async readAfter(afterSeq: number, limit: number): Promise<OutboxEntry<T>[]> {
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) {
      throw new OutboxError(
        this.agentId,
        "readAfter",
        `afterSeq must be a seq >= 0, got ${afterSeq}`,
      );
    }
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new OutboxError(this.agentId, "readAfter", `limit must be >= 1, got ${limit}`);
    }
    const entries: OutboxEntry<T>[] = [];
    const iter = this.kv.list<StoredEntry>(
      { start: this.#entryKey(afterSeq + 1), end: [...this.prefix, "e", Number.MAX_SAFE_INTEGER] },
      { limit: Math.min(limit, 1000), batchSize: Math.min(limit, 500) },
    );
    for await (const { key, value } of iter) {
      const seq = key[key.length - 1] as number;
      entries.push({ seq, message: JSON.parse(decoder.decode(value.data)) as T });
    }
    return entries;
  }

  /**
   * Acknowledge every entry up to and including `seq`: they are deleted, a commit at a time,
   * and `lastAckedSeq` advances with each commit. Returns how many entries were removed.
   * An ack at or below `lastAckedSeq` removes nothing; one above `lastSeq` is refused.
   */
  ackUpTo(seq: number): Promise<number> {
    return this.#serialized(async () => {
      if (!Number.isSafeInteger(seq) || seq < 0) {
        throw new OutboxError(this.agentId, "ackUpTo", `seq must be >= 0, got ${seq}`);
      }
      if (seq > this.#meta.lastSeq) await this.#reload();
      if (seq > this.#meta.lastSeq) {
        throw new OutboxError(
          this.agentId,
          "ackUpTo",
          `ack for seq ${seq} but the last seq handed out is ${this.#meta.lastSeq} ` +
            `(stream ${this.#meta.streamId}); the peer is acknowledging another stream`,
        );
      }
      let removed = 0;
      let conflicts = 0;
      while (this.#meta.lastAckedSeq < seq) {
        const from = this.#meta.lastAckedSeq + 1;
        const to = Math.min(seq, from + MAX_MUTATIONS_PER_COMMIT - 2);
        // The last deleted entry knows the byte total up to itself: one read per chunk.
        const last = await this.kv.get<StoredEntry>(this.#entryKey(to));
        const ackedBytes = last.value?.end ?? this.#meta.ackedBytes;
        const next: OutboxMeta = { ...this.#meta, lastAckedSeq: to, ackedBytes };
        const op = this.kv.atomic().check({
          key: this.#metaKey(),
          versionstamp: this.#versionstamp,
        });
        for (let s = from; s <= to; s++) op.delete(this.#entryKey(s));
        op.set(this.#metaKey(), next);
        const res = await op.commit();
        if (res.ok) {
          this.#meta = next;
          this.#versionstamp = res.versionstamp;
          removed += to - from + 1;
        } else {
          if (++conflicts > MAX_CONFLICT_RETRIES) {
            throw new OutboxError(this.agentId, "ackUpTo", "lost the race for the meta record");
          }
          await this.#reload();
        }
      }
      return removed;
    });
  }
}

function* chunkForCommit(encoded: Uint8Array[]): Generator<Uint8Array[]> {
  let chunk: Uint8Array[] = [];
  let bytes = 0;
  for (const entry of encoded) {
    const size = entry.byteLength + KEY_OVERHEAD_BYTES;
    if (
      chunk.length > 0 &&
      (chunk.length >= MAX_MUTATIONS_PER_COMMIT - 1 || bytes + size > COMMIT_BYTE_BUDGET)
    ) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(entry);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
