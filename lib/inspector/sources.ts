/**
 * The two {@link InspectSource}s: a running actor system (live state, mailbox depths,
 * restarts) and a KV file read directly (stored snapshots; safe while an agent runs, since it
 * only reads). Both read the coordinator outbox from KV.
 *
 * @module
 */

import { keyToPath, type SnapshotValue } from "../kv/snapshot_store.ts";
import { KvCorruptError, KvSchemaError, SNAPSHOT_FORMAT } from "../kv/schema.ts";
import type { ActorSystem } from "../runtime/mod.ts";
import type { ActorDetail, ActorView, InspectSource, OutboxView } from "./model.ts";

/** Default snapshot prefix (as in the runtime). */
export const SNAPSHOT_PREFIX: Deno.KvKey = ["tern", "snap"];
/** Default outbox prefix (as in lib/link/outbox.ts). */
export const OUTBOX_PREFIX: Deno.KvKey = ["outbox"];
const OUTBOX_PAGE = 20;
const decoder = new TextDecoder();

function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/** Reads the outboxes under `prefix` without creating anything. */
export async function readOutboxes(
  kv: Deno.Kv,
  prefix: Deno.KvKey = OUTBOX_PREFIX,
): Promise<OutboxView[]> {
  const out: OutboxView[] = [];
  let start: Deno.KvKey | undefined;
  // Walk agent ids one at a time: each id's entries sort before the next id's, and `true` sorts
  // after every string and number key part, so [...prefix, id, true] skips the rest of an id.
  for (let guard = 0; guard < 1000; guard++) {
    let first: Deno.KvKey | null = null;
    const sel = start === undefined ? { prefix } : { prefix, start };
    for await (const e of kv.list(sel, { limit: 1 })) first = e.key;
    if (first === null || first.length <= prefix.length) break;
    const agentId = first[prefix.length];
    const meta = (await kv.get<Record<string, number | string>>([...prefix, agentId, "meta"]))
      .value;
    if (meta && meta.schema === 1) {
      const lastSeq = Number(meta.lastSeq);
      const lastAckedSeq = Number(meta.lastAckedSeq);
      const pending: OutboxView["pending"] = [];
      const iter = kv.list<{ data: Uint8Array }>({
        start: [...prefix, agentId, "e", lastAckedSeq + 1],
        end: [...prefix, agentId, "e", Number.MAX_SAFE_INTEGER],
      }, { limit: OUTBOX_PAGE });
      for await (const { key, value } of iter) {
        let message: unknown;
        try {
          message = JSON.parse(decoder.decode(value.data));
        } catch {
          message = "(unreadable)";
        }
        pending.push({ seq: key[key.length - 1] as number, message });
      }
      out.push({
        agentId: String(agentId),
        streamId: String(meta.streamId),
        depth: lastSeq - lastAckedSeq,
        lastSeq,
        lastAckedSeq,
        bytes: Number(meta.appendedBytes) - Number(meta.ackedBytes),
        pending,
      });
    }
    start = [...prefix, agentId, true];
  }
  return out;
}

/** A source over a running actor system (and its KV for passivated state and the outbox). */
export function systemSource(system: ActorSystem, kv: Deno.Kv): InspectSource {
  const view = (path: string): ActorView | null => {
    const info = system.info(path);
    if (!info) return null;
    return {
      path,
      parent: parentOf(path),
      kind: info.kind,
      status: info.status,
      summary: info.summary,
      restarts: info.restarts,
      mailbox: info.mailbox,
    };
  };
  const detail = async (path: string): Promise<ActorDetail | null> => {
    const v = view(path);
    if (!v) return null;
    let state = system.stateOf(path);
    if (state === undefined) {
      // Passivated: its state is only in KV.
      const entry = await system.store.get(path);
      state = entry ? (JSON.parse(entry.data) as { state: unknown }).state : null;
    }
    return { ...v, state };
  };
  return {
    actors: () => Promise.resolve([...system.paths()].map(view).filter((v) => v !== null)),
    actor: detail,
    async actorsOfKind(kind) {
      const out: ActorDetail[] = [];
      for (const p of [...system.paths()]) {
        if (system.info(p)?.kind !== kind) continue;
        const d = await detail(p);
        if (d) out.push(d);
      }
      return out;
    },
    outbox: () => readOutboxes(kv),
  };
}

/**
 * Checks the KV's snapshot layout version without writing. Throws {@link KvSchemaError} when the
 * file was written by a newer tern.
 */
export async function checkStoreFormat(
  kv: Deno.Kv,
  prefix: Deno.KvKey = SNAPSHOT_PREFIX,
): Promise<void> {
  const metaKey = [...prefix.slice(0, -1), "$meta"];
  const meta = await kv.get<{ format: number }>(metaKey);
  if (meta.value === null) return;
  const format = Number(meta.value?.format);
  if (!Number.isFinite(format) || format > SNAPSHOT_FORMAT) {
    throw new KvSchemaError("store", metaKey.join("/"), format, SNAPSHOT_FORMAT);
  }
}

/**
 * A source over a KV file's stored snapshots. `maxVersions` (kind → newest schema version this
 * build knows) makes newer snapshots fail with {@link KvSchemaError}; kinds not listed are shown
 * as stored.
 */
export function kvSource(
  kv: Deno.Kv,
  opts: { prefix?: Deno.KvKey; maxVersions?: Record<string, number> } = {},
): InspectSource {
  const prefix = opts.prefix ?? SNAPSHOT_PREFIX;
  const toDetail = (path: string, v: SnapshotValue): ActorDetail => {
    if (typeof v !== "object" || v === null || typeof v.kind !== "string") {
      throw new KvCorruptError(path, "not a snapshot record");
    }
    if (typeof v.f === "number" && v.f > SNAPSHOT_FORMAT) {
      throw new KvSchemaError("snapshot record", path, v.f, SNAPSHOT_FORMAT);
    }
    const max = opts.maxVersions?.[v.kind];
    if (max !== undefined && v.v > max) {
      throw new KvSchemaError(`actor kind "${v.kind}"`, path, v.v, max);
    }
    let data: { state?: unknown; timers?: unknown };
    try {
      data = JSON.parse(v.data);
    } catch {
      throw new KvCorruptError(path, "its data is not JSON");
    }
    return {
      path,
      parent: typeof v.parent === "string" ? v.parent : parentOf(path),
      kind: v.kind,
      status: v.passive ? "passive" : "stored",
      summary: String(v.summary ?? ""),
      restarts: 0,
      mailbox: 0,
      version: v.v,
      state: data?.state ?? null,
      timers: data?.timers,
    };
  };
  const all = async (): Promise<ActorDetail[]> => {
    await checkStoreFormat(kv, prefix);
    const out: ActorDetail[] = [];
    for await (const e of kv.list<SnapshotValue>({ prefix }, { batchSize: 1000 })) {
      out.push(toDetail(keyToPath(prefix, e.key), e.value));
    }
    return out;
  };
  return {
    async actors() {
      return (await all()).map(({ state: _s, timers: _t, ...v }) => v);
    },
    async actor(path) {
      await checkStoreFormat(kv, prefix);
      const key = [...prefix, ...path.split("/").filter((p) => p.length > 0)];
      const e = await kv.get<SnapshotValue>(key);
      return e.value === null ? null : toDetail(path, e.value);
    },
    async actorsOfKind(kind) {
      return (await all()).filter((a) => a.kind === kind);
    },
    outbox: () => readOutboxes(kv),
  };
}
