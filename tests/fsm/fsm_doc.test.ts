import assert from "node:assert/strict";
import { regenerateFsmDoc, renderTransitionTable, staleFsmDocSections } from "../../lib/fsm/mod.ts";

Deno.test("docs/FSM.md shows the current transition tables and notes", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/FSM.md", import.meta.url));
  assert.deepEqual(
    staleFsmDocSections(doc),
    [],
    "docs/FSM.md is out of date: run deno run -A scripts/fsm_doc.ts",
  );
});

Deno.test("a changed cell or a lost marker makes the doc stale", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/FSM.md", import.meta.url));
  const changed = doc.replace(/\| `claimed` +\| claimed \+/, "| `claimed` | filled +");
  assert.notEqual(changed, doc);
  assert.deepEqual(staleFsmDocSections(changed), ["request-table"]);
  assert.deepEqual(staleFsmDocSections(doc.replace("<!-- claim-table:end -->", "")), [
    "claim-table",
  ]);
  assert.deepEqual(staleFsmDocSections(regenerateFsmDoc(changed)), []);
});

Deno.test("a rendered table marks added transitions and refused cells", () => {
  const table = { a: { go: "b" }, b: { go: "b", back: "a" } } as const;
  const md = renderTransitionTable(table, ["a", "b"], ["go", "back"], { "b --go-->": "why" });
  assert.equal(
    md,
    [
      "| state \\ trigger | `go` | `back` |",
      "| --- | --- | --- |",
      "| `a` | b | — |",
      "| `b` | b + | a |",
    ].join("\n"),
  );
});
