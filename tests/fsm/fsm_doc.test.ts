import assert from "node:assert/strict";
import { fsmDocSections, renderTransitionTable } from "../../lib/fsm/mod.ts";

// deno fmt pads Markdown tables and re-wraps list items; compare modulo that layout.
const normalize = (s: string) => s.replace(/-{3,}/g, "---").replace(/\s+/g, " ").trim();

Deno.test("docs/FSM.md shows the current transition tables and notes", async () => {
  const doc = await Deno.readTextFile(new URL("../../docs/FSM.md", import.meta.url));
  for (const [name, body] of Object.entries(fsmDocSections())) {
    const begin = `<!-- ${name}:begin -->`;
    const end = `<!-- ${name}:end -->`;
    const i = doc.indexOf(begin);
    const j = doc.indexOf(end);
    assert.ok(i >= 0 && j > i, `docs/FSM.md lacks the ${name} markers`);
    assert.equal(
      normalize(doc.slice(i + begin.length, j)),
      normalize(body),
      `docs/FSM.md section ${name} is out of date: run deno run -A scripts/fsm_doc.ts`,
    );
  }
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
