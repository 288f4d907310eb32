/**
 * Turns zod issues into {@link ConfigIssue}s a person can act on: the key path as written in
 * TOML, what the key expects, what it holds, and a fix hint.
 *
 * @module
 */
import type { z } from "zod";
import type { ConfigIssue } from "./error.ts";
import { type CheckParams, fieldInfo } from "./fields.ts";
import { kindOf, knownKeys, schemaAt, unwrap } from "./walk.ts";

/** Formats a key path the way it is written in TOML: `chains[1].rpc_urls[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else {
      const name = String(key);
      const bare = /^[A-Za-z0-9_-]+$/.test(name) ? name : JSON.stringify(name);
      out += out === "" ? bare : `.${bare}`;
    }
  }
  return out;
}

/** The value at `path` in `doc`, or undefined. */
export function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = doc;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    if (!Object.hasOwn(current, key as string)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const PRIVATE_KEY_LIKE = /[0-9a-fA-F]{64}/;

/** Renders a found value for an error message; never prints something that may be a key. */
export function renderFound(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  if (typeof value === "string") {
    if (PRIVATE_KEY_LIKE.test(value)) return "a string with 32-byte hex in it (not shown)";
    const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
    return value === "" ? "an empty string" : JSON.stringify(shown);
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? "an empty list" : `a list of ${value.length}`;
  }
  if (value instanceof Date || isTomlDate(value)) return "a date";
  if (value === null) return "null";
  return "a table";
}

function isTomlDate(value: unknown): boolean {
  return typeof value === "object" && value !== null &&
    value.constructor?.name === "TomlDate";
}

const SECRET_KEYS: Record<string, "password" | "key"> = {
  password: "password",
  passphrase: "password",
  privatekey: "key",
  privkey: "key",
  secret: "key",
  secretkey: "key",
  mnemonic: "key",
  seedphrase: "key",
};

/** Whether `key` names a secret that must never sit in the config file. */
export function secretKind(key: string): "password" | "key" | undefined {
  return SECRET_KEYS[key.toLowerCase().replace(/[-_]/g, "")];
}

function secretIssue(path: string, kind: "password" | "key"): ConfigIssue {
  if (kind === "password") {
    return {
      path,
      expected: "no password in the config file",
      found: "a password (not shown)",
      hint: "remove it: a password stored beside the keystore it unlocks protects nothing. " +
        "Set TERN_KEYSTORE_PASSWORD in the agent's environment, or type it at the prompt",
    };
  }
  return {
    path,
    expected: "no private key or seed in the config file",
    found: "a secret (not shown)",
    hint: "remove it: anyone who can read the file could spend the LP's funds. " +
      "Put the key in an encrypted V3 keystore (`tern init` creates one) and set " +
      "account.keystore to its path",
  };
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest candidate to `word`, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const prefixed = candidates.find((c) =>
    lower.length >= 3 && (c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase()))
  );
  if (prefixed !== undefined) return prefixed;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function fallbackExpected(kind: string): string {
  const words: Record<string, string> = {
    object: "a table",
    array: "a list",
    record: "a table",
    string: "a string",
    number: "a number",
    boolean: "true or false",
  };
  return words[kind] ?? kind;
}

function lastKey(path: readonly PropertyKey[]): string {
  const named = path.filter((k) => typeof k === "string");
  return String(named[named.length - 1] ?? "");
}

/** A hint for a value of the wrong type (missing, quoted number, unquoted amount, …). */
function typeHint(
  path: readonly PropertyKey[],
  value: unknown,
  kind: string,
  example: string | undefined,
): string | undefined {
  const key = lastKey(path);
  const where = formatPath(path);
  if (value === undefined) {
    if (kind === "object") return `add a [${where}] table`;
    if (kind === "array" && typeof path[path.length - 1] === "string") {
      return example === undefined
        ? `add at least one [[${where}]] entry`
        : `add ${key} = ${example}`;
    }
    return example === undefined ? undefined : `add ${key} = ${example}`;
  }
  if (kind === "object" || kind === "record") {
    return `write ${where} as a table: a [${where}] line followed by its keys`;
  }
  if (kind === "array" && value !== null && typeof value === "object" && !Array.isArray(value)) {
    return `write [[${where}]] (double brackets) before each entry`;
  }
  if (kind === "string" && (typeof value === "number" || typeof value === "boolean")) {
    return `write ${key} = "${value}" (quoted)`;
  }
  if (kind === "number" && typeof value === "string" && /^[+-]?\d+(\.\d+)?$/.test(value.trim())) {
    return `write ${key} = ${value.trim()} (without quotes)`;
  }
  if (kind === "boolean" && (value === "true" || value === "false")) {
    return `write ${key} = ${value} (without quotes)`;
  }
  return example === undefined ? undefined : `write ${key} = ${example}`;
}

const KEY_RUN = /[0-9a-fA-F]{64}/;

/** Keeps hints that quote the value from quoting something shaped like a private key. */
function guardSecret(issue: ConfigIssue, value: unknown): ConfigIssue {
  if (typeof value !== "string" || !KEY_RUN.test(value)) return issue;
  return {
    ...issue,
    hint: "this value is shaped like a private key: never put keys in the config file; " +
      "use an encrypted keystore (account.keystore)",
  };
}

/** Converts one zod issue into one or more config issues. */
export function toConfigIssues(
  issue: z.core.$ZodIssue,
  root: z.ZodType,
  doc: unknown,
): ConfigIssue[] {
  return convertIssue(issue, root, doc).map((converted) =>
    guardSecret(
      { ...converted, hint: converted.hint ?? `change ${converted.path} to ${converted.expected}` },
      valueAt(doc, issue.path),
    )
  );
}

function convertIssue(
  issue: z.core.$ZodIssue,
  root: z.ZodType,
  doc: unknown,
): ConfigIssue[] {
  const path = issue.path;
  if (issue.code === "unrecognized_keys") {
    const keys = knownKeys(root, path);
    return issue.keys.map((key) => {
      const where = formatPath([...path, key]);
      const held = valueAt(doc, [...path, key]);
      const secret = secretKind(key) ??
        (typeof held === "string" && KEY_RUN.test(held) ? "key" : undefined);
      if (secret !== undefined) return secretIssue(where, secret);
      const guess = closest(key, keys);
      return {
        path: where,
        expected: keys.length > 0 ? `one of the keys ${keys.join(", ")}` : "no key here",
        found: "an unknown key",
        hint: guess === undefined ? "remove it" : `did you mean ${guess}?`,
      };
    });
  }
  const schema = schemaAt(root, path);
  const info = schema && (fieldInfo.get(schema) ?? fieldInfo.get(unwrap(schema)));
  const kind = schema === undefined ? "unknown" : kindOf(schema);
  const value = valueAt(doc, path);
  const where = formatPath(path);
  if (issue.code === "custom") {
    const params = (issue.params ?? {}) as Partial<CheckParams>;
    return [{
      path: where,
      expected: params.expected ?? info?.expected ?? issue.message,
      found: renderFound(value),
      hint: params.hint,
    }];
  }
  const expected = info?.expected ?? fallbackExpected(kind);
  let hint: string | undefined;
  if (issue.code === "invalid_type") hint = typeHint(path, value, kind, info?.example);
  else if (issue.code === "invalid_value" && typeof value === "string") {
    const options = issue.values.map(String);
    const guess = closest(value, options);
    hint = guess === undefined
      ? (info?.example && `write ${lastKey(path)} = ${info.example}`)
      : `write ${lastKey(path)} = "${guess}"`;
  } else if (issue.code === "too_small" && kind === "array") {
    hint = `add at least one entry to ${where}`;
  } else if (info?.example !== undefined) hint = `write ${lastKey(path)} = ${info.example}`;
  return [{ path: where, expected, found: renderFound(value), hint }];
}
