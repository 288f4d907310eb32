/**
 * The runtime's record of one actor (a cell), live or passivated, and how a cell's state is
 * encoded into a snapshot and decoded back.
 *
 * @module
 */

import type { SnapshotEntry, SnapshotValue } from "../kv/snapshot_store.ts";
import { KvCorruptError, KvSchemaError, SNAPSHOT_FORMAT } from "../kv/schema.ts";
import type { MailboxRef } from "./mailbox.ts";
import { ActorCtx } from "./context.ts";
import type { Behavior, Effect, TimerSpec } from "./types.ts";

/** Lifecycle of a live cell. */
export type CellStatus = "activating" | "active" | "restarting" | "passivating" | "stopped";

/** Outward effects held back until a snapshot version is durable (or earlier ones released). */
export interface HeldBatch {
  version: number;
  effects: Effect[];
}

/** A live actor. */
export interface Cell {
  readonly path: string;
  readonly parent: string;
  readonly behavior: Behavior;
  readonly init: unknown;
  readonly ctx: ActorCtx;
  status: CellStatus;
  state: unknown;
  timers: Map<string, TimerSpec>;
  box: MailboxRef | undefined;
  /** Messages that arrived while the cell was not active, in arrival order. */
  pending: unknown[];
  /** Bumped by every applied handler result; the snapshot carries it as its version. */
  version: number;
  /** Newest version known durable. */
  durable: number;
  /** Restart generation; results of tasks from an earlier generation are dropped. */
  generation: number;
  held: HeldBatch[];
  tasks: Set<AbortController>;
  /** Messages posted to the mailbox and not yet handled. */
  inbox: number;
  /** Restarts of this cell. */
  restarts: number;
  /** Handler failures of this cell. */
  failures: number;
  /** As a supervisor: times of recent child restarts. */
  restartHistory: number[];
  lastActive: number;
  /** Waiters for a durable version (whenDurable). */
  durableWaiters: { version: number; resolve: () => void }[];
}

/** A passivated actor: kept only as a snapshot plus this index entry. */
export interface PassiveCell {
  readonly kind: string;
  readonly parent: string;
  readonly summary: string;
}

/** Creates a live cell with a given state. */
export function newCell(
  path: string,
  parent: string,
  behavior: Behavior,
  init: unknown,
  now: () => number,
): Cell {
  const timers = new Map<string, TimerSpec>();
  return {
    path,
    parent,
    behavior,
    init,
    ctx: new ActorCtx(path, parent, timers, now),
    status: "activating",
    state: undefined,
    timers,
    box: undefined,
    pending: [],
    version: 0,
    durable: 0,
    generation: 0,
    held: [],
    tasks: new Set(),
    inbox: 0,
    restarts: 0,
    failures: 0,
    restartHistory: [],
    lastActive: now(),
    durableWaiters: [],
  };
}

/** One-line summary of a cell's state (never throws). */
export function summarize(behavior: Behavior, state: unknown): string {
  try {
    return behavior.summary ? behavior.summary(state) : "";
  } catch (e) {
    return `summary failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** Encodes a cell's state and timers as a snapshot value. */
export function encodeCell(cell: Cell, passive: boolean): SnapshotValue {
  const timers: Record<string, TimerSpec> = {};
  let wake: number | undefined;
  for (const [name, t] of cell.timers) {
    timers[name] = t;
    if (wake === undefined || t.at < wake) wake = t.at;
  }
  return {
    f: SNAPSHOT_FORMAT,
    kind: cell.behavior.kind,
    v: cell.behavior.version,
    parent: cell.parent,
    passive,
    summary: summarize(cell.behavior, cell.state),
    wake,
    data: JSON.stringify({ state: cell.state, timers }),
  };
}

/** Decoded snapshot payload. */
export interface DecodedSnapshot {
  state: unknown;
  timers: Record<string, TimerSpec>;
}

/**
 * Checks a snapshot against this build: the record format and the behavior's schema version.
 * Throws {@link KvSchemaError} for data written by a newer build.
 */
export function checkVersion(entry: SnapshotEntry, behavior: Behavior | undefined): void {
  checkShape(entry);
  if (entry.f > SNAPSHOT_FORMAT) {
    throw new KvSchemaError("snapshot record", entry.path, entry.f, SNAPSHOT_FORMAT);
  }
  if (behavior === undefined) {
    throw new KvSchemaError(
      `actor kind "${entry.kind}" (unknown to this build)`,
      entry.path,
      entry.v,
      0,
    );
  }
  if (entry.v > behavior.version) {
    throw new KvSchemaError(`actor kind "${entry.kind}"`, entry.path, entry.v, behavior.version);
  }
  if (entry.v < behavior.version && behavior.migrate === undefined) {
    throw new KvSchemaError(
      `actor kind "${entry.kind}" (older version ${entry.v} without a migration)`,
      entry.path,
      entry.v,
      behavior.version,
    );
  }
}

const isInt = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x);

/** Throws {@link KvCorruptError} unless `entry` has the snapshot record's fields and types. */
function checkShape(entry: SnapshotEntry): void {
  const e = entry as unknown as Record<string, unknown>;
  const wrong = (field: string, expected: string) => {
    throw new KvCorruptError(entry.path, `field "${field}" is not ${expected}`);
  };
  if (typeof e !== "object" || e === null) throw new KvCorruptError(entry.path, "not an object");
  if (!isInt(e.f)) wrong("f", "an integer format version");
  if (!isInt(e.v)) wrong("v", "an integer schema version");
  if (typeof e.kind !== "string") wrong("kind", "a string");
  if (typeof e.parent !== "string") wrong("parent", "a string");
  if (typeof e.passive !== "boolean") wrong("passive", "a boolean");
  if (typeof e.summary !== "string") wrong("summary", "a string");
  if (typeof e.data !== "string") wrong("data", "a string");
  if (e.wake !== undefined && typeof e.wake !== "number") wrong("wake", "a number");
}

/**
 * Decodes a checked snapshot into state and timers, migrating older versions. Throws
 * {@link KvCorruptError} when the data is not what tern writes.
 */
export function decodeSnapshot(entry: SnapshotEntry, behavior: Behavior): DecodedSnapshot {
  let data: DecodedSnapshot;
  try {
    data = JSON.parse(entry.data);
  } catch {
    throw new KvCorruptError(entry.path, "its data is not JSON");
  }
  if (typeof data !== "object" || data === null || !("state" in data)) {
    throw new KvCorruptError(entry.path, "its data holds no state");
  }
  const timers = data.timers ?? {};
  if (typeof timers !== "object" || timers === null) {
    throw new KvCorruptError(entry.path, "its timers are not an object");
  }
  for (const [name, t] of Object.entries(timers)) {
    if (typeof t !== "object" || t === null || typeof t.at !== "number") {
      throw new KvCorruptError(entry.path, `timer "${name}" has no due time`);
    }
  }
  let state = data.state;
  if (entry.v < behavior.version && behavior.migrate) {
    try {
      state = behavior.migrate(data.state, entry.v);
    } catch (e) {
      throw new KvCorruptError(
        entry.path,
        `migration from version ${entry.v} failed: ${e instanceof Error ? e.message : e}`,
      );
    }
  }
  return { state, timers };
}
