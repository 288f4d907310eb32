/**
 * Actor snapshots in Deno KV with group commit.
 *
 * One key per actor path; each value carries the record format and the behavior's schema
 * version. Writers only mark a path dirty; a single flush loop encodes the newest state of every
 * dirty path and commits many of them per atomic operation (within KV's limits), so a burst of
 * updates to one actor costs one write, and a burst across many actors costs few commits.
 *
 * @module
 */

import {
  GROUP_COMMIT_MAX_BYTES,
  GROUP_COMMIT_MAX_MUTATIONS,
  keySize,
  KV_MAX_VALUE_BYTES,
  utf8Length,
} from "./limits.ts";
import { KvSchemaError, SNAPSHOT_FORMAT } from "./schema.ts";

/** A stored snapshot, as written in KV. `data` is the JSON text of `{ state, timers }`. */
export interface SnapshotValue {
  /** Record layout version ({@link SNAPSHOT_FORMAT}). */
  f: number;
  /** Behavior kind. */
  kind: string;
  /** Behavior schema version of `data`. */
  v: number;
  /** Supervisor path. */
  parent: string;
  /** True when the actor was passivated: recovery indexes it but does not start it. */
  passive: boolean;
  /** One-line summary for inspection without decoding `data`. */
  summary: string;
  /** Earliest pending timer (wall ms), so a passivated actor can be woken without decoding. */
  wake?: number;
  /** JSON text of `{ state, timers }`. */
  data: string;
}

/** A snapshot read back, with its path. */
export interface SnapshotEntry extends SnapshotValue {
  /** The actor's path. */
  path: string;
}

/**
 * What the flush loop asks the owner of a dirty path: its newest value and version (`value: null`
 * deletes the snapshot), or `null` to skip the path this time.
 */
export type SnapshotSource = (
  path: string,
) => { value: SnapshotValue | null; version: number } | null;

/** Callbacks of a {@link SnapshotStore}. */
export interface SnapshotStoreHooks {
  /** Where the newest value of a dirty path comes from. */
  source: SnapshotSource;
  /** Called once the given version of `path` is durable. */
  onDurable?: (path: string, version: number) => void;
  /** Called when a path's value cannot be written (e.g. too large); it stays as it was in KV. */
  onWriteFailed?: (path: string, error: Error) => void;
  /** Called after each commit with its size and duration, for metrics. */
  onCommit?: (mutations: number, ms: number) => void;
}

/** Options of a {@link SnapshotStore}. */
export interface SnapshotStoreOptions {
  /** KV key prefix for snapshots; default `["tern", "snap"]`. */
  prefix?: Deno.KvKey;
  /** Max mutations per commit (default {@link GROUP_COMMIT_MAX_MUTATIONS}; 1 = one commit per snapshot). */
  maxBatch?: number;
  /** Max bytes per commit (default {@link GROUP_COMMIT_MAX_BYTES}). */
  maxBatchBytes?: number;
}

const META_SUFFIX = "$meta";

/** Splits an actor path into KV key parts: `/a/b` → `["a", "b"]`. */
export function pathToKey(prefix: Deno.KvKey, path: string): Deno.KvKey {
  return [...prefix, ...path.split("/").filter((p) => p.length > 0)];
}

/** Joins KV key parts back into an actor path. */
export function keyToPath(prefix: Deno.KvKey, key: Deno.KvKey): string {
  return "/" + key.slice(prefix.length).map(String).join("/");
}

/**
 * Group-commit snapshot writer and reader over one Deno KV.
 *
 * @example
 * ```ts
 * const kv = await Deno.openKv(":memory:");
 * const store = new SnapshotStore(kv, { source: (p) => ({ value: encode(p), version: 1 }) });
 * await store.open();
 * store.markDirty("/counter");
 * await store.flush();
 * ```
 */
export class SnapshotStore {
  readonly prefix: Deno.KvKey;
  readonly #kv: Deno.Kv;
  readonly #hooks: SnapshotStoreHooks;
  readonly #maxBatch: number;
  readonly #maxBytes: number;
  #dirty = new Set<string>();
  #running: Promise<void> | null = null;
  #closed = false;
  #commits = 0;
  #written = 0;

  constructor(kv: Deno.Kv, hooks: SnapshotStoreHooks, opts: SnapshotStoreOptions = {}) {
    this.#kv = kv;
    this.#hooks = hooks;
    this.prefix = opts.prefix ?? ["tern", "snap"];
    this.#maxBatch = Math.max(1, opts.maxBatch ?? GROUP_COMMIT_MAX_MUTATIONS);
    this.#maxBytes = opts.maxBatchBytes ?? GROUP_COMMIT_MAX_BYTES;
  }

  /** Checks (and on a fresh KV, writes) the store's layout version. Throws {@link KvSchemaError}. */
  async open(): Promise<void> {
    const metaKey = [...this.prefix.slice(0, -1), META_SUFFIX];
    const meta = await this.#kv.get<{ format: number }>(metaKey);
    if (meta.value === null) {
      await this.#kv.atomic().check(meta).set(metaKey, { format: SNAPSHOT_FORMAT }).commit();
      return;
    }
    const format = Number(meta.value?.format);
    if (!Number.isFinite(format) || format > SNAPSHOT_FORMAT) {
      throw new KvSchemaError("store", metaKey.join("/"), format, SNAPSHOT_FORMAT);
    }
  }

  /** Number of commits and snapshot mutations written so far. */
  get stats(): { commits: number; written: number; dirty: number } {
    return { commits: this.#commits, written: this.#written, dirty: this.#dirty.size };
  }

  /** Schedules `path` to be written (or deleted) by the flush loop. */
  markDirty(path: string): void {
    if (this.#closed) return;
    this.#dirty.add(path);
    if (this.#running === null) this.#running = this.#loop();
  }

  /** Resolves when everything marked dirty before the call is durable (or failed). */
  async flush(): Promise<void> {
    while (this.#running !== null) await this.#running;
  }

  /** Stops accepting writes after flushing what is pending. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
  }

  async #loop(): Promise<void> {
    try {
      // Yield once so that writes made in the same tick join this commit.
      await Promise.resolve();
      while (this.#dirty.size > 0 && !this.#closed) {
        const paths = this.#dirty;
        this.#dirty = new Set();
        await this.#writeAll(paths);
      }
    } finally {
      this.#running = null;
    }
  }

  async #writeAll(paths: Set<string>): Promise<void> {
    let batch: Pending[] = [];
    let bytes = 0;
    for (const path of paths) {
      const item = this.#encode(path);
      if (item === null) continue;
      if (batch.length >= this.#maxBatch || bytes + item.bytes > this.#maxBytes) {
        await this.#commit(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(item);
      bytes += item.bytes;
    }
    if (batch.length > 0) await this.#commit(batch);
  }

  #encode(path: string): Pending | null {
    let got;
    try {
      got = this.#hooks.source(path);
    } catch (e) {
      this.#hooks.onWriteFailed?.(path, e instanceof Error ? e : new Error(String(e)));
      return null;
    }
    if (got === null) return null;
    const key = pathToKey(this.prefix, path);
    if (got.value === null) return { path, key, value: null, version: got.version, bytes: 64 };
    const size = utf8Length(got.value.data) + utf8Length(got.value.summary) + 128;
    if (size > KV_MAX_VALUE_BYTES) {
      this.#hooks.onWriteFailed?.(
        path,
        new Error(`snapshot of ${path} is ${size} bytes, above KV's ${KV_MAX_VALUE_BYTES}`),
      );
      return null;
    }
    return { path, key, value: got.value, version: got.version, bytes: size + keySize(key) };
  }

  async #commit(batch: Pending[]): Promise<void> {
    const started = performance.now();
    const op = this.#kv.atomic();
    for (const item of batch) {
      if (item.value === null) op.delete(item.key);
      else op.set(item.key, item.value);
    }
    try {
      const res = await op.commit();
      if (!res.ok) throw new Error("atomic commit was not applied");
    } catch (e) {
      // One bad value must not block the others: split until the culprit stands alone.
      if (batch.length > 1) {
        const mid = batch.length >> 1;
        await this.#commit(batch.slice(0, mid));
        await this.#commit(batch.slice(mid));
        return;
      }
      this.#hooks.onWriteFailed?.(batch[0].path, e instanceof Error ? e : new Error(String(e)));
      return;
    }
    this.#commits++;
    this.#written += batch.length;
    this.#hooks.onCommit?.(batch.length, performance.now() - started);
    for (const item of batch) this.#hooks.onDurable?.(item.path, item.version);
  }

  /** Reads one snapshot, or null. */
  async get(path: string): Promise<SnapshotEntry | null> {
    const res = await this.#kv.get<SnapshotValue>(pathToKey(this.prefix, path));
    return res.value === null ? null : { ...res.value, path };
  }

  /** Lists every snapshot under `under` (default: all), parents before children. */
  async *list(under = "/"): AsyncGenerator<SnapshotEntry> {
    const prefix = pathToKey(this.prefix, under);
    const iter = this.#kv.list<SnapshotValue>({ prefix }, { batchSize: 1000 });
    if (under !== "/") {
      const own = await this.#kv.get<SnapshotValue>(prefix);
      if (own.value !== null) yield { ...own.value, path: under };
    }
    for await (const e of iter) {
      yield { ...e.value, path: keyToPath(this.prefix, e.key) };
    }
  }

  /** Deletes every snapshot under `under` (used by tests and `stop` of a subtree). */
  async deleteUnder(under: string): Promise<number> {
    let n = 0;
    let op = this.#kv.atomic();
    let inOp = 0;
    for await (const e of this.#kv.list({ prefix: pathToKey(this.prefix, under) })) {
      op.delete(e.key);
      n++;
      if (++inOp >= this.#maxBatch) {
        await op.commit();
        op = this.#kv.atomic();
        inOp = 0;
      }
    }
    if (inOp > 0) await op.commit();
    return n;
  }
}

interface Pending {
  path: string;
  key: Deno.KvKey;
  value: SnapshotValue | null;
  version: number;
  bytes: number;
}
