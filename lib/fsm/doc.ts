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
