import assert from "node:assert/strict";
import { KeystoreError, type PasswordPrompt, readPassword } from "../../lib/keystore/mod.ts";
import { LineEditor } from "../../lib/keystore/line_editor.ts";

function prompt(interactive: boolean, answer: string | null): PasswordPrompt & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    interactive: () => interactive,
    ask: (message) => {
      asked.push(message);
      return Promise.resolve(answer);
    },
  };
}

Deno.test("the password comes from TERN_KEYSTORE_PASSWORD without prompting", async () => {
  const p = prompt(true, "typed");
  assert.equal(await readPassword({ TERN_KEYSTORE_PASSWORD: "from-env" }, p), "from-env");
  assert.deepEqual(p.asked, []);
});

Deno.test("without the variable a terminal is asked, naming the keystore", async () => {
  const p = prompt(true, "typed");
  assert.equal(await readPassword({}, p, "/keys/lp.json"), "typed");
  assert.deepEqual(p.asked, ["Password for keystore /keys/lp.json: "]);
});

Deno.test("without the variable and without a terminal the error says what to do", async () => {
  try {
    await readPassword({}, prompt(false, null), "k.json");
    assert.fail("expected a KeystoreError");
  } catch (error) {
    assert.ok(error instanceof KeystoreError);
    assert.equal(error.code, "keystore_no_password");
    assert.match(error.hint ?? "", /TERN_KEYSTORE_PASSWORD/);
  }
});

Deno.test("an empty password variable is an error, not an empty password", async () => {
  await assert.rejects(
    readPassword({ TERN_KEYSTORE_PASSWORD: "" }, prompt(true, "x")),
    (e: unknown) => e instanceof KeystoreError && /set but empty/.test(e.message),
  );
});

Deno.test("a cancelled prompt is an error", async () => {
  await assert.rejects(
    readPassword({}, prompt(true, null)),
    (e: unknown) => e instanceof KeystoreError && /cancelled/.test(e.message),
  );
});

const bytes = (...parts: (string | number)[]) =>
  new Uint8Array(
    parts.flatMap((p) => typeof p === "number" ? [p] : [...new TextEncoder().encode(p)]),
  );

Deno.test("the line editor ends a line on Enter", () => {
  const editor = new LineEditor();
  assert.equal(editor.feed(bytes("sec")), "more");
  assert.equal(editor.feed(bytes("ret\r")), "done");
  assert.equal(editor.text(), "secret");
});

Deno.test("the line editor handles backspace over multi-byte characters", () => {
  const editor = new LineEditor();
  assert.equal(editor.feed(bytes("pä", 0x7f, "a", 0x08, "ss\n")), "done");
  assert.equal(editor.text(), "pss");
});

Deno.test("the line editor clears on Ctrl-U and ignores arrow keys", () => {
  const editor = new LineEditor();
  editor.feed(bytes("wrong", 0x15, "ok", 0x1b, "[D", 0x1b, "[A", "!\r"));
  assert.equal(editor.text(), "ok!");
});

Deno.test("the line editor cancels on Ctrl-C and on Ctrl-D at an empty line", () => {
  assert.equal(new LineEditor().feed(bytes("abc", 0x03)), "cancelled");
  assert.equal(new LineEditor().feed(bytes(0x04)), "cancelled");
  const editor = new LineEditor();
  assert.equal(editor.feed(bytes("a", 0x04, "\r")), "done");
  assert.equal(editor.text(), "a");
});
