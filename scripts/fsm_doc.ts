/**
 * Rewrites the generated tables of `docs/FSM.md` from `lib/fsm/`.
 * Usage: `deno run -A scripts/fsm_doc.ts` (a test fails while the doc is out of date).
 *
 * @module
 */

import { regenerateFsmDoc, staleFsmDocSections } from "../lib/fsm/doc.ts";

const path = new URL("../docs/FSM.md", import.meta.url);
const before = await Deno.readTextFile(path);
if (staleFsmDocSections(before).length === 0) {
  console.log("docs/FSM.md is up to date");
} else {
  await Deno.writeTextFile(path, regenerateFsmDoc(before));
  // deno fmt aligns Markdown tables; the doc test compares modulo that alignment
  await new Deno.Command(Deno.execPath(), { args: ["fmt", path.pathname] }).output();
  console.log("docs/FSM.md regenerated");
}
