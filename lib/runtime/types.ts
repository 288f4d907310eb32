/**
 * The vocabulary of tern's actor runtime: paths, effects, behaviors and supervision specs.
 *
 * An actor is a reducer: `handle(state, msg, ctx) -> { state, effects }`. Effects are values; the
 * runtime applies them only after the handler returned, and applies none when it throws.
 *
 * @module
 */

/** An actor's address: slash-separated segments, e.g. `/requests/s07/req:0xab…`. */
export type ActorPath = string;

/** Where a reply goes: an actor path, or a pending external `ask` identified by `corr`. */
export interface ReplyTo {
  /** The asking actor's path, or {@link ASK_PATH} for an external ask. */
  path: ActorPath;
  /** Correlation id chosen by the runtime (external asks) or by the asking actor. */
  corr: string;
}

/** Path used in {@link ReplyTo} for asks made from outside the actor system. */
export const ASK_PATH = "/$ask";

/** What to do with a message sent to a path that has no live or passivated actor. */
export interface EnsureSpec {
  /** Behavior kind to spawn when the target does not exist. */
  kind: string;
  /** Argument for the behavior's `initial`. */
  init?: unknown;
}

/** Options of a `send` effect. */
export interface SendOptions {
  /** Spawn the target first if it does not exist (neither live nor passivated). */
  ensure?: EnsureSpec;
  /** Release only after the snapshot holding the state that produced it is durable. */
  durable?: boolean;
}

/** Outcome of a task effect, delivered back to the actor through the task's `then`. */
export type TaskResult<T = unknown> =
  | { ok: true; value: T }
  | { ok: false; error: string; timedOut: boolean; aborted: boolean };

/**
 * An effect is a value describing something the runtime does after a handler returned.
 *
 * `task` is the only effect that runs code: an asynchronous job (an RPC call, a broadcast) whose
 * outcome comes back to the actor as a message built by `then`. Tasks never block the mailbox.
 */
export type Effect =
  | { kind: "send"; to: ActorPath; msg: unknown; ensure?: EnsureSpec; durable?: boolean }
  | { kind: "reply"; to: ReplyTo; msg: unknown; durable?: boolean }
  | { kind: "spawn"; path: ActorPath; behavior: string; init?: unknown }
  | { kind: "stop"; path: ActorPath }
  | { kind: "passivate" }
  | { kind: "setTimer"; name: string; at: number; msg: unknown }
  | { kind: "cancelTimer"; name: string }
  | {
    kind: "task";
    name: string;
    run: (signal: AbortSignal) => Promise<unknown>;
    then: (result: TaskResult) => unknown;
    timeoutMs?: number;
    durable?: boolean;
  };

/** A timer held in an actor's state: fires `msg` to the actor at wall time `at` (ms). */
export interface TimerSpec {
  /** Wall-clock time in milliseconds since the epoch. */
  at: number;
  /** The message delivered when the timer fires. */
  msg: unknown;
}

/** What a handler returns. */
export interface Step<S> {
  /** The actor's next state. */
  state: S;
  /** Effects to apply, in order, after the handler returned. */
  effects?: Effect[];
}

/** The context a handler receives: its own identity, the clock and effect constructors. */
export interface Ctx {
  /** This actor's path. */
  readonly self: ActorPath;
  /** The parent (supervisor) path. */
  readonly parent: ActorPath;
  /** Wall-clock now in milliseconds (from the runtime's injected clock). */
  now(): number;
  /** Names of this actor's pending timers. */
  readonly timers: ReadonlyMap<string, TimerSpec>;
  /** Send `msg` to the actor at `to`. */
  send(to: ActorPath, msg: unknown, opts?: SendOptions): Effect;
  /** Reply to an ask. */
  reply(to: ReplyTo, msg: unknown, opts?: { durable?: boolean }): Effect;
  /** Spawn a child named `name` under this actor, running behavior `behavior`. */
  spawn(name: string, behavior: string, init?: unknown): Effect;
  /** Stop an actor for good (its snapshot is deleted). Defaults to this actor. */
  stop(path?: ActorPath): Effect;
  /** Stop this actor but keep its snapshot; a later message re-activates it. */
  passivate(): Effect;
  /** Arm (or re-arm) the named timer to fire after `delayMs`. */
  setTimer(name: string, delayMs: number, msg: unknown): Effect;
  /** Arm the named timer to fire at wall time `at` (ms). */
  setTimerAt(name: string, at: number, msg: unknown): Effect;
  /** Disarm the named timer. */
  cancelTimer(name: string): Effect;
  /** Run an asynchronous job; its outcome comes back as the message `then(result)`. */
  task<T>(
    name: string,
    run: (signal: AbortSignal) => Promise<T>,
    then: (result: TaskResult<T>) => unknown,
    opts?: { timeoutMs?: number; durable?: boolean },
  ): Effect;
}

/** Why an actor became live; see {@link Behavior.onStart}. */
export type StartReason = "spawn" | "restart" | "recovery" | "activation";

/** Restart strategies, after Erlang/OTP. */
export type Strategy = "one_for_one" | "one_for_all" | "rest_for_one";

/** How a supervisor treats failing children. */
export interface SupervisionSpec {
  /** Which siblings restart with a failed child. */
  strategy: Strategy;
  /** At most this many restarts … */
  intensity: number;
  /** … within this many milliseconds; past it the failure escalates to the parent. */
  periodMs: number;
  /** First restart delay in ms; doubles with each restart inside the period. */
  backoffMinMs: number;
  /** Upper bound of the restart delay in ms. */
  backoffMaxMs: number;
  /** Relative jitter in [0, 1]: the delay is multiplied by a factor in [1 - j, 1 + j]. */
  jitter: number;
}

/** Default supervision: one-for-one, 10 restarts in 10 s, 10 ms … 5 s backoff, 20 % jitter. */
export const DEFAULT_SUPERVISION: SupervisionSpec = {
  strategy: "one_for_one",
  intensity: 10,
  periodMs: 10_000,
  backoffMinMs: 10,
  backoffMaxMs: 5_000,
  jitter: 0.2,
};

/**
 * A behavior: the code of one kind of actor.
 *
 * @example
 * ```ts
 * const counter: Behavior<{ n: number }, { type: "inc" }> = {
 *   kind: "counter",
 *   version: 1,
 *   initial: () => ({ n: 0 }),
 *   handle: (s) => ({ state: { n: s.n + 1 } }),
 *   summary: (s) => `n=${s.n}`,
 * };
 * ```
 */
export interface Behavior<S = unknown, M = unknown> {
  /** Unique name of this kind of actor; stored with each snapshot. */
  kind: string;
  /** Schema version of the state; stored with each snapshot. */
  version: number;
  /** The state of a newly spawned actor. */
  initial(init: unknown, self: ActorPath): S;
  /** The reducer. Must not mutate `state`; throws are contained by the runtime. */
  handle(state: S, msg: M, ctx: Ctx): Step<S>;
  /** One line describing the state, shown by inspection. */
  summary?(state: S): string;
  /** Upgrade a snapshot written with an older `version`. Without it, older versions are refused. */
  migrate?(state: unknown, fromVersion: number): S;
  /** Persist snapshots of this actor (default true). */
  persist?: boolean;
  /** Passivate after this many ms without messages (default: never). */
  passivateAfterMs?: number;
  /** How this actor supervises its children (default {@link DEFAULT_SUPERVISION}). */
  supervision?: Partial<SupervisionSpec>;
  /**
   * The message sent to the actor once it is live (e.g. to re-issue I/O), and why it started:
   * first spawn, restart by its supervisor, recovery at system start, or activation from a
   * passivated snapshot.
   */
  onStart?(state: S, reason: StartReason): M | undefined;
}
