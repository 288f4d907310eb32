/**
 * Effect constructors and the per-actor handler context.
 *
 * @module
 */

import type {
  ActorPath,
  Ctx,
  Effect,
  ReplyTo,
  SendOptions,
  TaskResult,
  TimerSpec,
} from "./types.ts";

/** Joins a parent path and a child name. */
export function childPath(parent: ActorPath, name: string): ActorPath {
  if (name.length === 0 || name.includes("/")) {
    throw new Error(`invalid actor name ${JSON.stringify(name)}: must be non-empty, without "/"`);
  }
  return parent === "/" ? `/${name}` : `${parent}/${name}`;
}

/** The parent of a path (`/a/b` → `/a`, `/a` → `/`). */
export function parentOf(path: ActorPath): ActorPath {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

/** A handler context bound to one actor; reused across that actor's messages. */
export class ActorCtx implements Ctx {
  readonly self: ActorPath;
  readonly parent: ActorPath;
  readonly timers: Map<string, TimerSpec>;
  readonly #now: () => number;

  constructor(
    self: ActorPath,
    parent: ActorPath,
    timers: Map<string, TimerSpec>,
    now: () => number,
  ) {
    this.self = self;
    this.parent = parent;
    this.timers = timers;
    this.#now = now;
  }

  now(): number {
    return this.#now();
  }

  send(to: ActorPath, msg: unknown, opts?: SendOptions): Effect {
    return { kind: "send", to, msg, ensure: opts?.ensure, durable: opts?.durable };
  }

  reply(to: ReplyTo, msg: unknown, opts?: { durable?: boolean }): Effect {
    return { kind: "reply", to, msg, durable: opts?.durable };
  }

  spawn(name: string, behavior: string, init?: unknown): Effect {
    return { kind: "spawn", path: childPath(this.self, name), behavior, init };
  }

  stop(path?: ActorPath): Effect {
    return { kind: "stop", path: path ?? this.self };
  }

  passivate(): Effect {
    return { kind: "passivate" };
  }

  setTimer(name: string, delayMs: number, msg: unknown): Effect {
    return { kind: "setTimer", name, at: this.#now() + Math.max(0, delayMs), msg };
  }

  setTimerAt(name: string, at: number, msg: unknown): Effect {
    return { kind: "setTimer", name, at, msg };
  }

  cancelTimer(name: string): Effect {
    return { kind: "cancelTimer", name };
  }

  task<T>(
    name: string,
    run: (signal: AbortSignal) => Promise<T>,
    then: (result: TaskResult<T>) => unknown,
    opts?: { timeoutMs?: number; durable?: boolean },
  ): Effect {
    return {
      kind: "task",
      name,
      run,
      then: then as (r: TaskResult) => unknown,
      timeoutMs: opts?.timeoutMs,
      durable: opts?.durable,
    };
  }
}
