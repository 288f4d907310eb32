/**
 * The generated parts of `docs/FSM.md`, built from the tables so the doc cannot drift.
 *
 * @module
 */

import {
  claimStates,
  claimTableAdditions,
  claimTableOmissions,
  claimTransitions,
  claimTriggers,
} from "./claim.ts";
import { renderNotes, renderTransitionTable, replaceGenerated } from "./render.ts";
import {
  requestStates,
  requestTableAdditions,
  requestTableOmissions,
  requestTransitions,
  requestTriggers,
} from "./request.ts";

/** The named generated sections of `docs/FSM.md` and their current content. */
export function fsmDocSections(): Record<string, string> {
  return {
    "request-table": renderTransitionTable(
      requestTransitions,
      requestStates,
      requestTriggers,
      requestTableAdditions,
    ),
    "request-additions": renderNotes(requestTableAdditions),
    "request-omissions": renderNotes(requestTableOmissions),
    "claim-table": renderTransitionTable(
      claimTransitions,
      claimStates,
      claimTriggers,
      claimTableAdditions,
    ),
    "claim-additions": renderNotes(claimTableAdditions),
    "claim-omissions": renderNotes(claimTableOmissions),
  };
}

/** `doc` with every generated section replaced by its current content. */
export function regenerateFsmDoc(doc: string): string {
  let out = doc;
  for (const [name, body] of Object.entries(fsmDocSections())) {
    out = replaceGenerated(out, name, body);
  }
  return out;
}

// deno fmt pads Markdown tables and re-wraps list items; compare modulo that layout.
const layoutFree = (s: string) => s.replace(/-{3,}/g, "---").replace(/\s+/g, " ").trim();

/**
 * The generated sections of `doc` that differ from the tables (ignoring the layout deno fmt
 * applies), or whose markers are missing. Empty when the doc is current.
 */
export function staleFsmDocSections(doc: string): string[] {
  const stale: string[] = [];
  for (const [name, body] of Object.entries(fsmDocSections())) {
    const begin = `<!-- ${name}:begin -->`;
    const i = doc.indexOf(begin);
    const j = doc.indexOf(`<!-- ${name}:end -->`);
    if (i < 0 || j < i || layoutFree(doc.slice(i + begin.length, j)) !== layoutFree(body)) {
      stale.push(name);
    }
  }
  return stale;
}
