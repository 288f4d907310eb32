/**
 * The registry of actors by path: live cells, passivated index entries and the supervision tree
 * (children in spawn order), with the summarized view of each actor that inspection shows.
 *
 * @module
 */

import { type Cell, type PassiveCell, summarize } from "./cell.ts";
import { parentOf } from "./context.ts";
import type { ActorInfo } from "./metrics.ts";
import type { ActorPath } from "./types.ts";

/** Where an actor is, if anywhere. */
export type ActorStatus = "active" | "passive" | "restarting" | "absent";

/** Actors by path, live and passivated, and who supervises whom. */
export class Registry {
  /** Live actors. */
  readonly cells = new Map<string, Cell>();
  /** Passivated actors: only an index entry; the state is in KV. */
  readonly passive = new Map<string, PassiveCell>();
  readonly #children = new Map<string, string[]>();

  /** True when an actor (live or passivated) is at `path`. */
  has(path: ActorPath): boolean {
    return this.cells.has(path) || this.passive.has(path);
  }

  /** Whether an actor exists at `path`, and how. */
  statusOf(path: ActorPath): ActorStatus {
    const cell = this.cells.get(path);
    if (cell) return cell.status === "restarting" ? "restarting" : "active";
    return this.passive.has(path) ? "passive" : "absent";
  }

  /** Children of `path` in spawn order. */
  childrenOf(path: ActorPath): readonly string[] {
    return this.#children.get(path) ?? [];
  }

  /** Records `path` as the newest child of `parent`. */
  addChild(parent: ActorPath, path: ActorPath): void {
    let list = this.#children.get(parent);
    if (!list) this.#children.set(parent, list = []);
    list.push(path);
  }

  /** Forgets `path` (live or passivated), its children list and its place under its parent. */
  remove(path: ActorPath): void {
    this.cells.delete(path);
    this.passive.delete(path);
    this.#children.delete(path);
    const siblings = this.#children.get(parentOf(path));
    if (siblings) {
      const i = siblings.indexOf(path);
      if (i >= 0) siblings.splice(i, 1);
    }
  }

  /** Every known actor path (live and passivated). */
  *paths(): IterableIterator<string> {
    yield* this.cells.keys();
    yield* this.passive.keys();
  }

  /** Inspection data for one actor, live or passivated. */
  info(path: ActorPath): ActorInfo | undefined {
    const children = this.#children.get(path)?.length ?? 0;
    const cell = this.cells.get(path);
    if (cell) {
      return {
        path,
        kind: cell.behavior.kind,
        status: cell.status,
        summary: summarize(cell.behavior, cell.state),
        restarts: cell.restarts,
        failures: cell.failures,
        mailbox: cell.inbox + cell.pending.length,
        timers: [...cell.timers.keys()],
        children,
      };
    }
    const p = this.passive.get(path);
    if (!p) return undefined;
    return {
      path,
      kind: p.kind,
      status: "passive",
      summary: p.summary,
      restarts: 0,
      failures: 0,
      mailbox: 0,
      timers: [],
      children,
    };
  }
}
