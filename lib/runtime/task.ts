/**
 * Running a task effect: the job with an abort signal and an optional timeout, its outcome as a
 * {@link TaskResult} (never a rejection).
 *
 * @module
 */

import type { Effect, TaskResult } from "./types.ts";

/** Host timers the runner may use (owned and cleared by the system). */
export interface TaskTimers {
  later(ms: number, fn: () => void): unknown;
  cancel(handle: unknown): void;
}

/** Starts `e`; `done` settles with its outcome, `controller` aborts it. */
export function startTask(
  e: Extract<Effect, { kind: "task" }>,
  timers: TaskTimers,
): { controller: AbortController; done: Promise<TaskResult> } {
  const controller = new AbortController();
  let timer: unknown;
  const timeout = e.timeoutMs === undefined ? null : new Promise<TaskResult>((resolve) => {
    timer = timers.later(e.timeoutMs!, () => {
      controller.abort();
      resolve({
        ok: false,
        error: `task ${e.name} timed out after ${e.timeoutMs} ms`,
        timedOut: true,
        aborted: false,
      });
    });
  });
  const run = (async (): Promise<TaskResult> => {
    try {
      return { ok: true, value: await e.run(controller.signal) };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      return { ok: false, error, timedOut: false, aborted: controller.signal.aborted };
    }
  })();
  const done = (timeout ? Promise.race([run, timeout]) : run).then((result) => {
    if (timer !== undefined) timers.cancel(timer);
    return result;
  });
  return { controller, done };
}
