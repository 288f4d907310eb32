/**
 * Fuzz of the command line and of configuration files: whatever the arguments or the file,
 * nothing escapes as an uncaught exception; usage and configuration errors exit 2 with a
 * message and no stack trace.
 *
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { CommanderError } from "@commander-js/extra-typings";
import { buildCli } from "../../main.ts";
import { describeError, exitCodeOf } from "../../lib/cli/common.ts";
import { ConfigError, parseConfig } from "../../lib/config/mod.ts";
import { tern } from "./fixtures.ts";

const SAMPLE = new URL("../../docs/examples/sample.toml", import.meta.url).pathname;

/** Runs the CLI in this process with its output captured; returns the exit code and text. */
async function runInProcess(args: string[]): Promise<{ code: number; text: string }> {
  const cli = buildCli();
  let text = "";
  const capture = (c: typeof cli) => {
    c.configureOutput({ writeOut: (s) => text += s, writeErr: (s) => text += s });
    for (const sub of c.commands) capture(sub as typeof cli);
  };
  capture(cli);
  const log = console.log;
  console.log = (...a: unknown[]) => text += a.join(" ") + "\n";
  try {
    await cli.parseAsync(["deno", "tern", ...args]);
    return { code: 0, text };
  } catch (e) {
    if (!(e instanceof CommanderError)) text += describeError(e);
    return { code: exitCodeOf(e), text };
  } finally {
    console.log = log;
  }
}

// Commands whose actions only read (start and init would run the agent or write files).
const READERS = ["requests", "request", "claims", "outbox", "inspect", "config", "instances"];
const token = fc.oneof(
  fc.constantFrom(
    "--json",
    "--kv",
    "--url",
    "--config",
    "--state",
    "--chain",
    "--log-format",
    "--log-level",
    "--token-env",
    "tree",
    "actor",
    "check",
    "-c",
    "--",
    "-",
    "--help",
    "http://",
    "zz-nonexistent.kv",
    "",
  ),
  fc.string({ maxLength: 12 }).map((s) => `zz${s}`),
  fc.string({ maxLength: 8 }).map((s) => `--${s}`),
);

Deno.test("fuzz: random arguments never crash; errors are clear and exit 1 or 2", async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...READERS), fc.array(token, { maxLength: 6 }), async (
      cmd,
      rest,
    ) => {
      const { code, text } = await runInProcess([cmd, ...rest]);
      assert.ok([0, 1, 2].includes(code), `exit ${code}`);
      assert.doesNotMatch(text, /\n\s+at .*:\d+:\d+/, "a stack trace was printed");
      if (code !== 0) assert.match(text, /(^|\n)(tern: |error: |Usage: )/, text);
      // Without a source (or with a missing one) nothing could have been read.
      if (!rest.includes("--help") && !rest.includes("-h")) assert.notEqual(code, 0, text);
    }),
    { numRuns: 150 },
  );
});

Deno.test("fuzz: random configuration files give ConfigError, never another exception", () => {
  const base = Deno.readTextFileSync(SAMPLE);
  const lines = base.split("\n");
  const mutation = fc.oneof(
    // Drop a line.
    fc.nat(lines.length - 1).map((i) => lines.filter((_, j) => j !== i).join("\n")),
    // Replace a value with random text.
    fc.tuple(fc.nat(lines.length - 1), fc.string({ maxLength: 20 })).map(([i, v]) =>
      lines.map((l, j) => j === i && l.includes("=") ? `${l.split("=")[0]}= ${v}` : l).join("\n")
    ),
    // Cut the file.
    fc.nat(base.length).map((n) => base.slice(0, n)),
    // Insert random text.
    fc.tuple(fc.nat(base.length), fc.string({ maxLength: 30 })).map(([n, s]) =>
      base.slice(0, n) + s + base.slice(n)
    ),
    fc.string({ maxLength: 200 }),
  );
  fc.assert(
    fc.property(mutation, (text) => {
      try {
        parseConfig(text, { source: "fuzz.toml", baseDir: "/tmp", env: {} });
      } catch (e) {
        assert.ok(e instanceof ConfigError, `${e instanceof Error ? e.stack : e}`);
        assert.ok(e.issues.length > 0);
        assert.equal(exitCodeOf(e), 2);
        assert.doesNotMatch(describeError(e), /\n\s+at /);
      }
    }),
    { numRuns: 400 },
  );
});

Deno.test("fuzz: malformed configuration files through the real binary exit 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tern-fuzz-" });
  try {
    const samples = fc.sample(fc.string({ minLength: 1, maxLength: 80 }), { numRuns: 4, seed: 7 });
    samples.push("\u0000\u0001binary", "[[chains]]\nchain_id = -1\n");
    const runs = await Promise.all(samples.map(async (text, i) => {
      await Deno.writeTextFile(`${dir}/f${i}.toml`, text);
      return tern(["config", "check", `${dir}/f${i}.toml`]);
    }));
    for (const r of runs) {
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /^tern: config error in /);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
