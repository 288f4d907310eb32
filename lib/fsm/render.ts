/**
 * Renders the transition tables as Markdown, for `docs/FSM.md` (kept in sync by
 * `scripts/fsm_doc.ts` and checked by a test).
 *
 * @module
 */

import type { TransitionTable } from "./table.ts";

/**
 * A Markdown table with one row per state and one column per trigger; a cell holds the next
 * state, `—` where the trigger is refused, and a `+` after states our table adds to the
 * documentation graph.
 */
export function renderTransitionTable<S extends string, T extends string>(
  table: TransitionTable<S, T>,
  states: readonly S[],
  triggers: readonly T[],
  additions: Readonly<Record<string, string>>,
): string {
  const header = `| state \\ trigger | ${triggers.map((t) => `\`${t}\``).join(" | ")} |`;
  const rule = `| --- | ${triggers.map(() => "---").join(" | ")} |`;
  const rows = states.map((s) => {
    const row: { readonly [U in T]?: S } = table[s];
    const cells = triggers.map((t) => {
      const to = row[t];
      if (to === undefined) return "—";
      return Object.hasOwn(additions, transitionKey(s, t)) ? `${to} +` : to;
    });
    return `| \`${s}\` | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...rows].join("\n");
}

/** The key used in the additions/omissions notes: `"<from> --<trigger>-->"`. */
export function transitionKey(from: string, trigger: string): string {
  return `${from} --${trigger}-->`;
}

/** A bullet list of notes keyed by transition. */
export function renderNotes(notes: Readonly<Record<string, string>>): string {
  return Object.entries(notes).map(([k, v]) => `- \`${k}\` ${v}`).join("\n");
}

/** Replaces the text between `<!-- name:begin -->` and `<!-- name:end -->` in `doc`. */
export function replaceGenerated(doc: string, name: string, body: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs marker ${begin} … ${end} not found`);
  return `${doc.slice(0, i + begin.length)}\n${body}\n${doc.slice(j)}`;
}
