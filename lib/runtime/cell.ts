/**
 * The runtime's record of one actor (a cell), live or passivated, and how a cell's state is
 * encoded into a snapshot and decoded back.
 *
 * @module
 */

import type { SnapshotEntry, SnapshotValue } from "../kv/snapshot_store.ts";
import { KvSchemaError, SNAPSHOT_FORMAT } from "../kv/schema.ts";
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

/** Decodes a checked snapshot into state and timers, migrating older versions. */
export function decodeSnapshot(entry: SnapshotEntry, behavior: Behavior): DecodedSnapshot {
  const data = JSON.parse(entry.data) as DecodedSnapshot;
  const state = entry.v < behavior.version && behavior.migrate
    ? behavior.migrate(data.state, entry.v)
    : data.state;
  return { state, timers: data.timers ?? {} };
}
