/**
 * Transition tables as data, and the one function that applies them.
 *
 * @module
 */

/**
 * A state machine written as a table: for every state, the triggers it accepts and the state
 * each leads to. A trigger missing from a state's row is refused.
 */
export type TransitionTable<S extends string, T extends string> = {
  readonly [K in S]: { readonly [U in T]?: S };
};

/**
 * Outcome of applying a trigger: the new state, or a refusal that names why and carries the
 * unchanged state. Refusals are values, not exceptions: a late or duplicate event is expected.
 */
export type TransitionResult<S extends string> =
  | { readonly ok: true; readonly state: S }
  | { readonly ok: false; readonly state: S; readonly reason: string };

/**
 * Looks `trigger` up in `state`'s row of `table`.
 *
 * Unknown states or triggers (for instance from a corrupted snapshot) are refused too, so the
 * function never throws on outside input.
 *
 * @example
 * ```ts
 * applyTransition("request", requestTransitions, "pending", "fill"); // { ok: true, state: "filled" }
 * ```
 */
export function applyTransition<S extends string, T extends string>(
  machine: string,
  table: TransitionTable<S, T>,
  state: S,
  trigger: T,
): TransitionResult<S> {
  if (!Object.hasOwn(table, state)) {
    return { ok: false, state, reason: `${machine}: unknown state "${String(state)}"` };
  }
  const row: { readonly [U in T]?: S } = table[state];
  const next = Object.hasOwn(row, trigger) ? row[trigger] : undefined;
  if (next === undefined) {
    return {
      ok: false,
      state,
      reason: `${machine}: trigger "${String(trigger)}" is not allowed in state "${state}"`,
    };
  }
  return { ok: true, state: next };
}

/** Every (from, trigger, to) triple of a table, in row order; handy for docs and tests. */
export function listTransitions<S extends string, T extends string>(
  table: TransitionTable<S, T>,
): { from: S; trigger: T; to: S }[] {
  const out: { from: S; trigger: T; to: S }[] = [];
  for (const from of Object.keys(table) as S[]) {
    const row: { readonly [U in T]?: S } = table[from];
    for (const trigger of Object.keys(row) as T[]) {
      const to = row[trigger];
      if (to !== undefined) out.push({ from, trigger, to });
    }
  }
  return out;
}
