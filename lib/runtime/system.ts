/**
 * The actor system: cells, delivery, effects, supervision, passivation, recovery and clean stop.
 *
 * This file is long on purpose: it is one state machine over shared private state (cells, the
 * registry, the timer wheel, the snapshot store), and splitting its transitions across files
 * would expose that state. The parts that stand alone live beside it: `registry.ts`, `asks.ts`,
 * `task.ts`, `supervision.ts`, `cell.ts`, `mailbox.ts`, `timer_wheel.ts`.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { type SnapshotEntry, SnapshotStore } from "../kv/snapshot_store.ts";
import { type Cell, checkVersion, decodeSnapshot, encodeCell, newCell, summarize } from "./cell.ts";
import { parentOf } from "./context.ts";
import { Mailboxes } from "./mailbox.ts";
import { admitRestart, backoffDelay, restartSet, supervisionSpec } from "./supervision.ts";
import { hostClock, type RuntimeClock, TimerWheel } from "./timer_wheel.ts";
import {
  type ActorPath,
  ASK_PATH,
  type Behavior,
  type Effect,
  type EnsureSpec,
  type ReplyTo,
  type StartReason,
  type SupervisionSpec,
} from "./types.ts";
import { type ActorInfo, RuntimeMetrics } from "./metrics.ts";
import { type ActorStatus, Registry } from "./registry.ts";
import { AskRegistry } from "./asks.ts";
import { startTask } from "./task.ts";

const log = getLogger(["tern", "runtime"]);

/** Options of {@link ActorSystem.start}. */
export interface SystemOptions {
  /** The Deno KV holding snapshots (the caller opens and closes it). */
  kv: Deno.Kv;
  /** Every behavior the system may run, by kind. */
  behaviors: Behavior[];
  /** Wall clock and host timers (default: the host's). */
  clock?: RuntimeClock;
  /** KV key prefix of snapshots (default `["tern", "snap"]`). */
  prefix?: Deno.KvKey;
  /** Mutations per commit; 1 makes every snapshot its own commit (a baseline for benchmarks). */
  maxBatch?: number;
  /** Supervision of top-level actors. */
  rootSupervision?: Partial<SupervisionSpec>;
  /** Called when a failure escalates past the root. Default: log it as fatal. */
  onFatal?: (path: ActorPath, error: Error) => void;
  /** Random source for backoff jitter (tests make it deterministic). */
  random?: () => number;
  /** Skip recovery of existing snapshots (start empty, keep what is stored). */
  skipRecovery?: boolean;
}

type Internal = { $timer: string } | { $task: number; gen: number; msg: unknown } | {
  $start: StartReason;
};

function isInternal(msg: unknown): msg is Internal {
  return typeof msg === "object" && msg !== null &&
    ("$timer" in msg || "$task" in msg || "$start" in msg);
}

/**
 * A running actor system.
 *
 * @example
 * ```ts
 * const kv = await Deno.openKv("/tmp/tern.kv");
 * const system = await ActorSystem.start({ kv, behaviors: [counter] });
 * system.spawn("/counter", "counter");
 * system.send("/counter", { type: "inc" });
 * await system.stop();
 * kv.close();
 * ```
 */
export class ActorSystem {
  readonly metrics = new RuntimeMetrics();
  readonly store: SnapshotStore;
  readonly #behaviors = new Map<string, Behavior>();
  readonly #reg = new Registry();
  readonly #rootHistory: number[] = [];
  readonly #boxes: Mailboxes;
  readonly #wheel: TimerWheel;
  readonly #clock: RuntimeClock;
  readonly #opts: SystemOptions;
  readonly #random: () => number;
  readonly #asks: AskRegistry;
  readonly #deleted = new Set<string>();
  readonly #hostTimers = new Set<unknown>();
  #taskSeq = 0;
  #accepting = true;

  private constructor(opts: SystemOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? hostClock;
    this.#random = opts.random ?? Math.random;
    this.#asks = new AskRegistry(this.#clock);
    for (const b of opts.behaviors) this.#behaviors.set(b.kind, b);
    this.#boxes = new Mailboxes({
      onError: (e) => log.error("mailbox delivery failed: {error}", { error: String(e) }),
    });
    this.#wheel = new TimerWheel(this.#clock, (owner, name) => this.#onTimer(owner, name));
    this.store = new SnapshotStore(opts.kv, {
      source: (path) => this.#snapshotOf(path),
      onDurable: (path, version) => this.#onDurable(path, version),
      onWriteFailed: (path, error) => this.#onWriteFailed(path, error),
      onCommit: (n, ms) => this.metrics.commit(n, ms),
    }, { prefix: opts.prefix, maxBatch: opts.maxBatch });
  }

  /**
   * Opens the snapshot store, checks schema versions of everything stored, and restores every
   * actor: live ones become active with their timers re-armed, passivated ones are indexed.
   * Throws `KvSchemaError` (touching nothing) when the KV was written by a newer build.
   */
  static async start(opts: SystemOptions): Promise<ActorSystem> {
    const system = new ActorSystem(opts);
    try {
      await system.store.open();
      if (!opts.skipRecovery) await system.#recover();
    } catch (e) {
      system.#wheel.close();
      system.#boxes.shutdown();
      throw e;
    }
    return system;
  }

  // ---------------------------------------------------------------- public API

  /** Spawns an actor at `path` unless one exists there (live or passivated). */
  spawn(path: ActorPath, kind: string, init?: unknown): boolean {
    if (!this.#accepting) return false;
    return this.#spawn(path, kind, init);
  }

  /** Sends `msg` to `path`; returns false when nobody is there (a dead letter) or intake stopped. */
  send(path: ActorPath, msg: unknown, opts?: { ensure?: EnsureSpec }): boolean {
    if (!this.#accepting) return false;
    return this.#send(path, msg, opts?.ensure);
  }

  /** Sends the message built from a fresh reply address and waits for the reply. */
  ask<T>(path: ActorPath, make: (replyTo: ReplyTo) => unknown, timeoutMs: number): Promise<T> {
    return this.#asks.open<T>(path, timeoutMs, (replyTo) => this.send(path, make(replyTo)));
  }

  /** Whether an actor exists at `path`, and how. */
  statusOf(path: ActorPath): ActorStatus {
    return this.#reg.statusOf(path);
  }

  /** The current state of a live actor (undefined when not live). */
  stateOf<S>(path: ActorPath): S | undefined {
    return this.#reg.cells.get(path)?.state as S | undefined;
  }

  /** Inspection data for one actor, live or passivated. */
  info(path: ActorPath): ActorInfo | undefined {
    return this.#reg.info(path);
  }

  /** Children of `path` in spawn order. */
  childrenOf(path: ActorPath): readonly string[] {
    return this.#reg.childrenOf(path);
  }

  /** Every known actor path (live and passivated). */
  paths(): IterableIterator<string> {
    return this.#reg.paths();
  }

  /** Counts of live and passivated actors. */
  get counts(): { active: number; passive: number; timers: number } {
    return {
      active: this.#reg.cells.size,
      passive: this.#reg.passive.size,
      timers: this.#wheel.size,
    };
  }

  /** Resolves once the actor's current state is durable. */
  whenDurable(path: ActorPath): Promise<void> {
    const cell = this.#reg.cells.get(path);
    if (!cell || cell.durable >= cell.version || cell.behavior.persist === false) {
      return Promise.resolve();
    }
    return new Promise((resolve) => cell.durableWaiters.push({ version: cell.version, resolve }));
  }

  /** Waits until every snapshot written so far is durable. */
  flush(): Promise<void> {
    return this.store.flush();
  }

  /**
   * Clean stop: stops intake and timers, lets mailboxes drain, aborts running tasks (their
   * intent stays in the actors' state and is resumed after the next start), flushes snapshots.
   * Bounded by `timeoutMs`.
   */
  async stop(opts: { timeoutMs?: number } = {}): Promise<{ drained: boolean; flushed: boolean }> {
    const deadline = Date.now() + (opts.timeoutMs ?? 1500);
    this.#accepting = false;
    this.#wheel.close();
    let drained = false;
    while (Date.now() < deadline) {
      let busy = 0;
      for (const c of this.#reg.cells.values()) busy += c.inbox;
      if (busy === 0) {
        drained = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const cell of this.#reg.cells.values()) {
      for (const ac of cell.tasks) ac.abort();
      cell.tasks.clear();
    }
    let bound: ReturnType<typeof setTimeout> | undefined;
    const flushed = await Promise.race([
      this.store.close().then(() => true),
      new Promise<boolean>((r) => {
        bound = setTimeout(() => r(false), Math.max(0, deadline - Date.now()));
      }),
    ]);
    clearTimeout(bound);
    for (const t of this.#hostTimers) this.#clock.clearTimeout(t);
    this.#hostTimers.clear();
    for (const cell of this.#reg.cells.values()) cell.status = "stopped";
    this.#boxes.shutdown();
    this.#asks.clear();
    return { drained, flushed };
  }

  // ---------------------------------------------------------------- spawning and delivery

  #spawn(path: ActorPath, kind: string, init: unknown): boolean {
    if (this.#reg.cells.has(path) || this.#reg.passive.has(path)) return false;
    const behavior = this.#behaviors.get(kind);
    if (!behavior) throw new Error(`cannot spawn ${path}: unknown actor kind "${kind}"`);
    const parent = parentOf(path);
    const cell = newCell(path, parent, behavior, init, () => this.#clock.now());
    cell.state = behavior.initial(init, path);
    this.#deleted.delete(path);
    this.#reg.cells.set(path, cell);
    this.#reg.addChild(parent, path);
    this.#bump(cell);
    this.#goLive(cell, "spawn");
    return true;
  }

  #send(path: ActorPath, msg: unknown, ensure?: EnsureSpec): boolean {
    const cell = this.#reg.cells.get(path);
    if (cell) {
      this.#post(cell, msg);
      return true;
    }
    if (this.#reg.passive.has(path)) {
      this.#activate(path, [msg]);
      return true;
    }
    if (ensure) {
      this.#spawn(path, ensure.kind, ensure.init);
      this.#post(this.#reg.cells.get(path)!, msg);
      return true;
    }
    this.metrics.deadLetters++;
    log.debug("dead letter to {path}", { path });
    return false;
  }

  #post(cell: Cell, msg: unknown): void {
    if (cell.status !== "active") {
      cell.pending.push(msg);
      return;
    }
    if (cell.box === undefined) cell.box = this.#boxes.open((m) => this.#deliver(cell, m));
    cell.inbox++;
    this.#boxes.post(cell.box, msg);
  }

  #deliver(cell: Cell, raw: unknown): void {
    cell.inbox--;
    if (cell.status !== "active") {
      if (cell.status !== "stopped") cell.pending.push(raw);
      return;
    }
    let msg = raw;
    if (isInternal(raw)) {
      if ("$timer" in raw) {
        const t = cell.timers.get(raw.$timer);
        if (!t) return; // cancelled after it was queued
        cell.timers.delete(raw.$timer);
        msg = t.msg;
      } else if ("$task" in raw) {
        if (raw.gen !== cell.generation) return; // from before a restart
        msg = raw.msg;
      } else {
        const m = cell.behavior.onStart?.(cell.state, raw.$start);
        if (m === undefined) return;
        msg = m;
      }
    }
    this.#handle(cell, msg);
  }

  #handle(cell: Cell, msg: unknown): void {
    this.metrics.messages++;
    cell.lastActive = this.#clock.now();
    let step;
    try {
      step = cell.behavior.handle(cell.state, msg, cell.ctx);
      if (step === null || typeof step !== "object" || step.state === undefined) {
        throw new Error(`handler of ${cell.behavior.kind} returned no state`);
      }
    } catch (e) {
      this.#fail(cell, e instanceof Error ? e : new Error(String(e)), msg);
      return;
    }
    cell.state = step.state;
    this.#bump(cell);
    if (step.effects && step.effects.length > 0) this.#apply(cell, step.effects);
    this.#armPassivation(cell);
  }

  // ---------------------------------------------------------------- effects

  #apply(cell: Cell, effects: Effect[]): void {
    const outward: Effect[] = [];
    let durable = false;
    let passivate = false;
    let stopSelf = false;
    for (const e of effects) {
      switch (e.kind) {
        case "setTimer":
          cell.timers.set(e.name, { at: e.at, msg: e.msg });
          this.#wheel.arm(cell.path, e.name, e.at);
          break;
        case "cancelTimer":
          cell.timers.delete(e.name);
          this.#wheel.cancel(cell.path, e.name);
          break;
        case "spawn":
          this.#spawn(e.path, e.behavior, e.init);
          break;
        case "stop":
          // A self-stop comes last, so the effects beside it still leave.
          if (e.path === cell.path) stopSelf = true;
          else this.#stopTree(e.path);
          break;
        case "passivate":
          passivate = true;
          break;
        default:
          if ("durable" in e && e.durable) durable = true;
          outward.push(e);
      }
    }
    if (stopSelf) {
      // The snapshot is deleted with the actor: there is no later state to wait for.
      if (outward.length > 0) this.#release(cell, outward);
      this.#stopTree(cell.path);
      return;
    }
    if (outward.length > 0) {
      const persisted = cell.behavior.persist !== false;
      if ((durable && persisted && cell.durable < cell.version) || cell.held.length > 0) {
        cell.held.push({ version: durable ? cell.version : 0, effects: outward });
      } else {
        this.#release(cell, outward);
      }
    }
    if (passivate) void this.#passivate(cell);
  }

  #release(cell: Cell, effects: Effect[]): void {
    for (const e of effects) {
      switch (e.kind) {
        case "send":
          this.#send(e.to, e.msg, e.ensure);
          break;
        case "reply":
          this.#reply(e.to, e.msg);
          break;
        case "task":
          this.#runTask(cell, e);
          break;
      }
    }
  }

  #reply(to: ReplyTo, msg: unknown): void {
    if (to.path === ASK_PATH) this.#asks.resolve(to.corr, msg);
    else this.#send(to.path, msg);
  }

  #runTask(cell: Cell, e: Extract<Effect, { kind: "task" }>): void {
    const gen = cell.generation;
    const id = ++this.#taskSeq;
    const { controller, done } = startTask(e, {
      later: (ms, fn) => this.#later(ms, fn),
      cancel: (h) => this.#cancelLater(h),
    });
    cell.tasks.add(controller);
    void done.then((result) => {
      cell.tasks.delete(controller);
      if (cell.generation !== gen || cell.status === "stopped" || !this.#accepting) return;
      let msg: unknown;
      try {
        msg = e.then(result);
      } catch (err) {
        this.#fail(cell, err instanceof Error ? err : new Error(String(err)), { task: e.name });
        return;
      }
      this.#post(cell, { $task: id, gen, msg });
    });
  }

  // ---------------------------------------------------------------- durability

  #bump(cell: Cell): void {
    cell.version++;
    if (cell.behavior.persist !== false) this.store.markDirty(cell.path);
    else cell.durable = cell.version;
  }

  #snapshotOf(
    path: string,
  ): { value: ReturnType<typeof encodeCell> | null; version: number } | null {
    const cell = this.#reg.cells.get(path);
    if (cell) {
      if (cell.status === "restarting") return null;
      return { value: encodeCell(cell, cell.status === "passivating"), version: cell.version };
    }
    if (this.#deleted.has(path)) {
      this.#deleted.delete(path);
      return { value: null, version: 0 };
    }
    return null;
  }

  #onDurable(path: string, version: number): void {
    const cell = this.#reg.cells.get(path);
    if (!cell || version <= cell.durable) return;
    cell.durable = version;
    while (cell.held.length > 0 && cell.held[0].version <= cell.durable) {
      this.#release(cell, cell.held.shift()!.effects);
    }
    if (cell.durableWaiters.length > 0) {
      const still = [];
      for (const w of cell.durableWaiters) {
        if (w.version <= version) w.resolve();
        else still.push(w);
      }
      cell.durableWaiters = still;
    }
  }

  #onWriteFailed(path: string, error: Error): void {
    this.metrics.writeFailures++;
    log.error("snapshot of {path} not written: {error}", { path, error: error.message });
    const cell = this.#reg.cells.get(path);
    if (cell && cell.status === "active") this.#fail(cell, error, { snapshot: path });
  }

  // ---------------------------------------------------------------- supervision

  #fail(cell: Cell, error: Error, msg: unknown): void {
    cell.failures++;
    this.metrics.failures++;
    log.error("{path} ({kind}) failed: {error}", {
      path: cell.path,
      kind: cell.behavior.kind,
      error: error.message,
      msgType: (msg as { type?: unknown })?.type,
    });
    this.#supervise(cell.path, cell.parent, error);
  }

  #supervise(failed: string, parent: string, error: Error): void {
    const sup = parent === "/" ? undefined : this.#reg.cells.get(parent);
    const spec = supervisionSpec(
      sup ? sup.behavior.supervision : this.#opts.rootSupervision,
    );
    const history = sup ? sup.restartHistory : this.#rootHistory;
    const verdict = admitRestart(history, this.#clock.now(), spec);
    history.length = 0;
    history.push(...verdict.history);
    if (!verdict.allowed) {
      this.metrics.escalations++;
      const why = new Error(
        `${failed} exceeded restart intensity (${spec.intensity} in ${spec.periodMs} ms): ${error.message}`,
      );
      if (sup) {
        this.#fail(sup, why, { escalated: failed });
      } else {
        log.fatal("failure escalated past the root: {error}", { error: why.message });
        this.#opts.onFatal?.(failed, why);
      }
      return;
    }
    const delay = backoffDelay(spec, verdict.recent, this.#random);
    const live = restartSet(spec.strategy, this.childrenOf(parent), failed)
      .filter((p) => this.#reg.cells.has(p));
    for (const p of live) this.#restartTree(p, delay);
  }

  #restartTree(path: string, delay: number): void {
    for (const child of this.childrenOf(path)) {
      if (this.#reg.cells.has(child)) this.#restartTree(child, delay);
    }
    const cell = this.#reg.cells.get(path);
    if (!cell || cell.status === "restarting") return;
    cell.status = "restarting";
    cell.generation++;
    cell.restarts++;
    this.metrics.restarts++;
    cell.restartHistory = []; // a restarted supervisor starts a fresh intensity window, as in OTP
    cell.held = [];
    for (const ac of cell.tasks) ac.abort();
    cell.tasks.clear();
    this.#wheel.cancelAll(path, cell.timers.keys());
    this.#wheel.cancel(path, "$passivate");
    this.#later(delay, () => void this.#reload(cell));
  }

  /** A host timer the system owns (cleared on stop). */
  #later(ms: number, fn: () => void): unknown {
    const handle: unknown = this.#clock.setTimeout(() => {
      this.#hostTimers.delete(handle);
      fn();
    }, ms);
    this.#hostTimers.add(handle);
    return handle;
  }

  #cancelLater(handle: unknown): void {
    this.#hostTimers.delete(handle);
    this.#clock.clearTimeout(handle);
  }

  async #reload(cell: Cell): Promise<void> {
    if (!this.#accepting || this.#reg.cells.get(cell.path) !== cell) return;
    try {
      await this.store.flush(); // a commit in flight must land before we read
      const entry = await this.store.get(cell.path);
      cell.timers.clear();
      if (entry === null) {
        cell.state = cell.behavior.initial(cell.init, cell.path);
      } else {
        checkVersion(entry, cell.behavior);
        const snap = decodeSnapshot(entry, cell.behavior);
        cell.state = snap.state;
        for (const [name, t] of Object.entries(snap.timers)) cell.timers.set(name, t);
      }
      cell.version++;
      cell.durable = cell.version;
    } catch (e) {
      cell.status = "active"; // let the supervisor see a failure of a live actor
      this.#fail(cell, e instanceof Error ? e : new Error(String(e)), { reload: cell.path });
      return;
    }
    this.#goLive(cell, "restart");
  }

  /** Makes a cell active: re-arms timers, queues its start signal, then what waited. */
  #goLive(cell: Cell, reason: StartReason): void {
    for (const [name, t] of cell.timers) this.#wheel.arm(cell.path, name, t.at);
    cell.status = "active";
    const waiting = cell.pending;
    cell.pending = [];
    if (cell.behavior.onStart) this.#post(cell, { $start: reason });
    for (const m of waiting) this.#post(cell, m);
    this.#armPassivation(cell);
  }

  // ---------------------------------------------------------------- passivation

  #armPassivation(cell: Cell): void {
    const after = cell.behavior.passivateAfterMs;
    if (after !== undefined) this.#wheel.arm(cell.path, "$passivate", cell.lastActive + after);
  }

  async #passivate(cell: Cell): Promise<void> {
    if (cell.status !== "active" || cell.behavior.persist === false) return;
    cell.status = "passivating";
    this.#wheel.cancelAll(cell.path, cell.timers.keys());
    this.#wheel.cancel(cell.path, "$passivate");
    this.#bump(cell); // rewrite the snapshot with passive = true
    await this.whenDurable(cell.path);
    await this.store.flush();
    if (this.#reg.cells.get(cell.path) !== cell || cell.status !== "passivating") return;
    if (cell.pending.length > 0 || cell.inbox > 0 || cell.held.length > 0 || cell.tasks.size > 0) {
      // Work arrived meanwhile: stay live (the next snapshot clears the passive flag).
      this.#goLive(cell, "activation");
      this.#bump(cell);
      return;
    }
    if (cell.box) this.#boxes.close(cell.box);
    this.#reg.cells.delete(cell.path);
    const wake = [...cell.timers.values()].reduce((m, t) => Math.min(m, t.at), Infinity);
    this.#reg.passive.set(cell.path, {
      kind: cell.behavior.kind,
      parent: cell.parent,
      summary: summarize(cell.behavior, cell.state),
    });
    if (wake !== Infinity) this.#wheel.arm(cell.path, "$wake", wake);
    this.metrics.passivations++;
  }

  #activate(path: string, msgs: unknown[]): void {
    const p = this.#reg.passive.get(path);
    if (!p) return;
    const behavior = this.#behaviors.get(p.kind);
    if (!behavior) return;
    this.#reg.passive.delete(path);
    this.#wheel.cancel(path, "$wake");
    const cell = newCell(path, p.parent, behavior, undefined, () => this.#clock.now());
    cell.pending.push(...msgs);
    this.#reg.cells.set(path, cell);
    this.metrics.activations++;
    void (async () => {
      try {
        const entry = await this.store.get(path);
        if (entry === null) throw new Error(`snapshot of passivated ${path} is missing`);
        checkVersion(entry, behavior);
        const snap = decodeSnapshot(entry, behavior);
        cell.state = snap.state;
        for (const [name, t] of Object.entries(snap.timers)) cell.timers.set(name, t);
      } catch (e) {
        log.error("cannot re-activate {path}: {error}", { path, error: String(e) });
        cell.state = behavior.initial(undefined, path);
        cell.status = "active";
        this.#fail(cell, e instanceof Error ? e : new Error(String(e)), { activate: path });
        return;
      }
      this.#bump(cell); // clears the passive flag in KV
      this.#goLive(cell, "activation");
    })();
  }

  #onTimer(owner: string, name: string): void {
    if (name === "$wake") {
      this.#activate(owner, []);
      return;
    }
    const cell = this.#reg.cells.get(owner);
    if (!cell) return;
    if (name === "$passivate") {
      const after = cell.behavior.passivateAfterMs ?? Infinity;
      if (this.#clock.now() - cell.lastActive >= after && cell.inbox === 0) {
        void this.#passivate(cell);
      } else {
        this.#armPassivation(cell);
      }
      return;
    }
    this.#post(cell, { $timer: name });
  }

  // ---------------------------------------------------------------- stopping actors

  #stopTree(path: string): void {
    for (const child of [...this.childrenOf(path)]) this.#stopTree(child);
    const cell = this.#reg.cells.get(path);
    if (cell) {
      cell.status = "stopped";
      cell.generation++;
      for (const ac of cell.tasks) ac.abort();
      this.#wheel.cancelAll(path, cell.timers.keys());
      this.#wheel.cancel(path, "$passivate");
      if (cell.box) this.#boxes.close(cell.box);
      this.#reg.cells.delete(path);
      for (const w of cell.durableWaiters) w.resolve();
    }
    this.#reg.remove(path);
    this.#wheel.cancel(path, "$wake");
    this.#deleted.add(path);
    this.store.markDirty(path);
  }

  // ---------------------------------------------------------------- recovery

  async #recover(): Promise<void> {
    // Every schema version is checked before anything is written or started: a newer one must
    // leave the KV untouched. Passivated actors are indexed as they stream by (their state is
    // never decoded); live ones are started once the whole list checked out.
    const live: SnapshotEntry[] = [];
    const interned = new Map<string, string>(); // kinds and parents repeat: keep one copy each
    const intern = (s: string) => interned.get(s) ?? (interned.set(s, s), s);
    const wakes: [string, number][] = [];
    let count = 0;
    for await (const entry of this.store.list()) {
      checkVersion(entry, this.#behaviors.get(entry.kind));
      count++;
      const parent = intern(entry.parent);
      this.#reg.addChild(parent, entry.path);
      if (!entry.passive) {
        live.push(entry);
        continue;
      }
      this.#reg.passive.set(entry.path, {
        kind: intern(entry.kind),
        parent,
        summary: entry.summary,
      });
      if (entry.wake !== undefined) wakes.push([entry.path, entry.wake]);
    }
    // Decode every live snapshot before starting any: a damaged one must stop start-up before
    // anything (a migration write, a timer) happens.
    const cells = live.map((entry) => {
      const behavior = this.#behaviors.get(entry.kind)!;
      const snap = decodeSnapshot(entry, behavior);
      const cell = newCell(
        entry.path,
        intern(entry.parent),
        behavior,
        undefined,
        () => this.#clock.now(),
      );
      cell.state = snap.state;
      for (const [name, t] of Object.entries(snap.timers)) cell.timers.set(name, t);
      cell.version = 1;
      cell.durable = 1;
      return { cell, migrated: entry.v < behavior.version };
    });
    for (const [path, at] of wakes) this.#wheel.arm(path, "$wake", at);
    for (const { cell, migrated } of cells) {
      this.#reg.cells.set(cell.path, cell);
      if (migrated) this.#bump(cell); // persist the migrated state
      this.#goLive(cell, "recovery");
    }
    this.metrics.recovered = count;
  }
}
