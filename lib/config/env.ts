/**
 * Environment overrides. Every scalar key of a top-level section can be set from the
 * environment as `TERN_<SECTION>_<KEY>`, upper case, e.g. `TERN_AGENT_LOG_LEVEL=debug`,
 * `TERN_AGENT_DATA_DIR=/var/lib/tern`, `TERN_BASE_CHAIN_CHAIN_ID=1`, `TERN_INSPECTOR_PORT=0`.
 * A list of strings (`TERN_BASE_CHAIN_RPC_URLS`) is comma-separated. The value replaces the
 * file's value and is validated like it; errors name the variable. `[[chains]]` and `[tokens]`
 * entries have no overrides (a `TERN_CHAINS_*` or `TERN_TOKENS_*` variable is an error). A
 * `TERN_<SECTION>_*` variable that matches no key is an error (a typo would otherwise be
 * ignored silently), except the secret variables: `TERN_KEYSTORE_PASSWORD`,
 * `TERN_COORDINATOR_TOKEN`, `TERN_INSPECTOR_TOKEN` and those named by `token_env`.
 *
 * @module
 */
import type { z } from "zod";
import type { ConfigIssue } from "./error.ts";
import { closest, formatPath } from "./issues.ts";
import { kindOf, knownKeys, schemaAt } from "./walk.ts";

/** One override the environment can make. */
export interface EnvOverride {
  /** e.g. `TERN_AGENT_LOG_LEVEL`. */
  envVar: string;
  /** e.g. `["agent", "log_level"]`. */
  path: [string, string];
  /** The zod kind of the key: `string`, `number`, `boolean`, `enum` or `array`. */
  kind: string;
}

const SCALAR_KINDS = new Set(["string", "number", "boolean", "enum", "array"]);

/** Environment variables that hold secrets by default and are not overrides. */
export const RESERVED_ENV = [
  "TERN_KEYSTORE_PASSWORD",
  "TERN_COORDINATOR_TOKEN",
  "TERN_INSPECTOR_TOKEN",
];

/** Every override the schema allows. */
export function envOverrides(root: z.ZodType): EnvOverride[] {
  const overrides: EnvOverride[] = [];
  for (const section of knownKeys(root, [])) {
    const sectionSchema = schemaAt(root, [section]);
    if (sectionSchema === undefined || kindOf(sectionSchema) !== "object") continue;
    for (const key of knownKeys(root, [section])) {
      const schema = schemaAt(root, [section, key]);
      if (schema === undefined) continue;
      const kind = kindOf(schema);
      if (!SCALAR_KINDS.has(kind)) continue;
      if (kind === "array" && kindOf(schemaAt(root, [section, key, 0])!) !== "string") continue;
      const envVar = `TERN_${section}_${key}`.toUpperCase();
      overrides.push({ envVar, path: [section, key], kind });
    }
  }
  return overrides;
}

/** Converts an env string to the key's type; leaves it a string when it does not convert. */
function convert(raw: string, kind: string): unknown {
  const value = raw.trim();
  if (kind === "number" && /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) return Number(value);
  if (kind === "boolean") {
    if (["true", "1", "yes"].includes(value.toLowerCase())) return true;
    if (["false", "0", "no"].includes(value.toLowerCase())) return false;
  }
  if (kind === "array") return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  return kind === "string" || kind === "enum" ? raw : value;
}

/** The result of applying overrides: the merged document and where each value came from. */
export interface EnvApplied {
  doc: Record<string, unknown>;
  /** Formatted key path → the variable that set it. */
  origins: Map<string, string>;
  issues: ConfigIssue[];
}

function tokenEnvNames(doc: Record<string, unknown>): string[] {
  const names: string[] = [];
  for (const section of ["coordinator", "inspector"]) {
    const table = doc[section];
    if (table !== null && typeof table === "object" && !Array.isArray(table)) {
      const name = (table as Record<string, unknown>).token_env;
      if (typeof name === "string") names.push(name);
    }
  }
  return names;
}

/** Applies `TERN_<SECTION>_<KEY>` variables of `env` to a parsed document (not mutated). */
export function applyEnvOverrides(
  root: z.ZodType,
  parsed: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): EnvApplied {
  const doc: Record<string, unknown> = { ...parsed };
  const origins = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  const overrides = envOverrides(root);
  const byName = new Map(overrides.map((o) => [o.envVar, o]));
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined) continue;
    const override = byName.get(name);
    if (override === undefined) continue;
    const [section, key] = override.path;
    const table = doc[section] ?? {};
    if (table === null || typeof table !== "object" || Array.isArray(table)) continue;
    doc[section] = { ...(table as Record<string, unknown>), [key]: convert(raw, override.kind) };
    origins.set(formatPath(override.path), name);
  }
  const reserved = new Set([...RESERVED_ENV, ...tokenEnvNames(doc)]);
  const sections = [...new Set(overrides.map((o) => o.path[0]))]
    .sort((a, b) => b.length - a.length);
  for (const name of Object.keys(env)) {
    if (byName.has(name) || reserved.has(name)) continue;
    const list = ["chains", "tokens"].find((s) => name.startsWith(`TERN_${s.toUpperCase()}_`));
    if (list !== undefined) {
      issues.push({
        path: list,
        envVar: name,
        expected: `no variable: entries of [${list}] are set in the file only`,
        found: "a variable",
        hint: `unset ${name} and edit the file`,
      });
      continue;
    }
    const section = sections.find((s) => name.startsWith(`TERN_${s.toUpperCase()}_`));
    if (section === undefined) continue;
    const candidates = overrides.filter((o) => o.path[0] === section).map((o) => o.envVar);
    const guess = closest(name, candidates);
    issues.push({
      path: section,
      envVar: name,
      expected: `a known TERN_${section.toUpperCase()}_* variable (${candidates.join(", ")})`,
      found: "an unknown variable",
      hint: guess === undefined ? `unset ${name}` : `did you mean ${guess}?`,
    });
  }
  return { doc, origins, issues };
}
