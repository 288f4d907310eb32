import assert from "node:assert/strict";
import fc from "fast-check";
import { parse, stringify } from "smol-toml";
import { ConfigError, envOverrides, fileSchema, parseConfig } from "../../lib/config/mod.ts";
import { validToml } from "./fixtures.ts";

const SECRET = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";

/** Parses `text`; passes when it yields a config or a ConfigError, fails on anything else. */
function onlyConfigError(text: string, env: Record<string, string> = {}): ConfigError | undefined {
  try {
    parseConfig(text, { env });
    return undefined;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) {
      assert.ok(issue.hint, `no hint for ${issue.path}: ${issue.expected}, got ${issue.found}`);
    }
    return error;
  }
}

const leaf = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constantFrom("max", "-1", "0.1", "http://x", "ws://y", `0x${SECRET}`, SECRET, "<KEYSTORE>"),
  fc.constantFrom("0x5FbDB2315678afecb367f032d93F642f64180aa3", "1e3", "", " "),
);

const tomlValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, leaf, tie("array"), tie("table")),
  array: fc.array(tie("value"), { maxLength: 4 }),
  table: fc.dictionary(fc.string({ maxLength: 12 }), tie("value"), { maxKeys: 5 }),
})).value;

const KEY_NAMES = [
  "agent",
  "account",
  "base_chain",
  "chains",
  "tokens",
  "policy",
  "coordinator",
  "inspector",
  "keystore",
  "password",
  "private_key",
  "chain_id",
  "rpc_urls",
  "name",
  "request_manager",
  "fill_manager",
  "deployment_block",
  "decimals",
  "address",
  "allowance",
  "bind",
  "token_env",
  "url",
  "log_level",
  "poll_period",
  "max_view_lag",
  "min_source_balance",
  "TST",
];

const document = fc.dictionary(
  fc.oneof(fc.constantFrom(...KEY_NAMES), fc.string({ maxLength: 8 })),
  fc.oneof(tomlValue, fc.dictionary(fc.constantFrom(...KEY_NAMES), tomlValue, { maxKeys: 6 })),
  { maxKeys: 8 },
);

Deno.test("random TOML documents yield a config or a ConfigError, nothing else", () => {
  fc.assert(
    fc.property(document, (doc) => {
      let text: string;
      try {
        text = stringify(doc);
      } catch {
        return; // not representable in TOML (e.g. mixed nesting smol-toml refuses)
      }
      const error = onlyConfigError(text);
      if (error !== undefined) assert.ok(!error.format().includes(SECRET));
    }),
    { numRuns: 400 },
  );
});

type Path = (string | number)[];

function leafPaths(value: unknown, prefix: Path = []): Path[] {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [i, v] as const)
      : Object.entries(value);
    return [prefix, ...entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]))];
  }
  return [prefix];
}

function setAt(doc: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(doc)) {
    const list = [...doc];
    if (value === undefined && rest.length === 0) list.splice(head as number, 1);
    else list[head as number] = setAt(list[head as number], rest, value);
    return list;
  }
  const copy: Record<string, unknown> = { ...(doc as Record<string, unknown>) };
  if (value === undefined && rest.length === 0) {
    delete copy[head];
    return copy;
  }
  copy[head] = setAt(copy[head], rest, value);
  return copy;
}

Deno.test("any single change to a valid file yields a config or a ConfigError", () => {
  const base = parse(validToml());
  const paths = leafPaths(base).filter((p) => p.length > 0);
  fc.assert(
    fc.property(
      fc.constantFrom(...paths),
      fc.option(tomlValue, { nil: undefined }),
      (path, value) => {
        let text: string;
        try {
          text = stringify(setAt(base, path, value) as Record<string, unknown>);
        } catch {
          return;
        }
        const error = onlyConfigError(text);
        if (error !== undefined) {
          assert.ok(error.issues.length > 0);
          assert.ok(!error.format().includes(SECRET), error.format());
        }
      },
    ),
    { numRuns: 600 },
  );
});

Deno.test("random text yields a ConfigError, never a crash", () => {
  const pieces = fc.constantFrom(
    "[",
    "]",
    "[[",
    "]]",
    "=",
    '"',
    "'",
    "\n",
    ".",
    ",",
    "{",
    "}",
    "#",
    " ",
    "agent",
    "chains",
    "x",
    "1",
    "0x",
    "true",
    '"""',
    "\\",
    "-",
    "+",
    "inf",
    "nan",
    "1979-05-27T07:32:00Z",
  );
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 40 }), fc.string(), (parts, noise) => {
      onlyConfigError(parts.join("") + noise);
    }),
    { numRuns: 500 },
  );
});

Deno.test("random environment overrides yield a config or a ConfigError", () => {
  const names = envOverrides(fileSchema).map((o) => o.envVar);
  const env = fc.dictionary(
    fc.oneof(fc.constantFrom(...names), fc.constantFrom("TERN_AGENT_X", "TERN_POLICY_")),
    fc.oneof(fc.string(), fc.constantFrom("1", "0", "true", "1e400", "-5", "ws://a", "")),
    { maxKeys: 5 },
  );
  fc.assert(
    fc.property(env, (vars) => {
      onlyConfigError(validToml(), vars);
    }),
    { numRuns: 400 },
  );
});

Deno.test("a table where a list was expected is a ConfigError naming the key (found by the property above)", () => {
  const base = parse(validToml());
  const text = stringify({ ...base, chains: { length: {} } });
  const error = onlyConfigError(text);
  assert.ok(error, "refused");
  assert.ok(error.issues.some((i) => i.path.startsWith("chains")), error.format());
});
