/**
 * Loading a configuration: TOML text → environment overrides → schema → cross-key checks →
 * {@link Config}. Every problem found is collected into one {@link ConfigError}.
 *
 * @module
 */
import { parse, TomlError } from "smol-toml";
import { dirname } from "node:path";
import { ConfigError, type ConfigIssue } from "./error.ts";
import { fileSchema } from "./schema.ts";
import { toConfigIssues } from "./issues.ts";
import { applyEnvOverrides } from "./env.ts";
import { crossChecks } from "./checks.ts";
import { resolveConfig } from "./resolve.ts";
import type { Config } from "./types.ts";

/** Options of {@link parseConfig} and {@link loadConfig}. */
export interface LoadOptions {
  /** Label used in messages (the file path). Default `<config>`. */
  source?: string;
  /** Directory relative paths are resolved against. Default: the file's directory or cwd. */
  baseDir?: string;
  /**
   * Whether variables named by `token_env` must be set. Default true; `tern config check` on a
   * machine without the secrets may pass false.
   */
  requireSecrets?: boolean;
  /** Whether the keystore file must exist. Default true for files, false for text. */
  checkFiles?: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

function syntaxIssue(error: unknown, text: string): ConfigIssue {
  if (error instanceof TomlError) {
    const detail = error.message.replace(/^Invalid TOML document: /, "").split("\n")[0];
    const lineText = (text.split(/\r?\n/)[error.line - 1] ?? "").trim();
    const shown = lineText.length > 80 ? `${lineText.slice(0, 77)}...` : lineText;
    return {
      path: `line ${error.line}, column ${error.column}`,
      line: error.line,
      column: error.column,
      expected: "valid TOML",
      found: detail,
      hint: shown === ""
        ? "check the brackets and quotes around that point"
        : `the line reads: ${shown}`,
    };
  }
  return {
    path: "",
    expected: "valid TOML",
    found: error instanceof Error ? error.message.split("\n")[0] : String(error),
  };
}

function attributeToEnv(issue: ConfigIssue, origins: Map<string, string>): ConfigIssue {
  for (const [path, envVar] of origins) {
    if (issue.path === path || issue.path.startsWith(`${path}[`)) {
      const write = issue.hint?.match(/^write \S+ = "?([^"]*?)"?( \(.*\))?$/);
      const hint = write
        ? `set ${envVar}=${write[1]}, or unset it`
        : `fix or unset ${envVar}${issue.hint === undefined ? "" : ` (${issue.hint})`}`;
      return { ...issue, envVar, hint };
    }
  }
  return issue;
}

/** `value` with every table made an ordinary object (arrays and scalars as they are). */
function plainValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainValues);
  if (value !== null && typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto === null || proto === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainValues(v)]));
    }
  }
  return value;
}

/**
 * Parses and validates configuration text. Throws {@link ConfigError} listing every problem.
 *
 * @example
 * ```ts
 * const config = parseConfig(Deno.readTextFileSync("tern.toml"), { env: Deno.env.toObject() });
 * ```
 */
export function parseConfig(text: string, options: LoadOptions & { env?: Env } = {}): Config {
  const source = options.source ?? "<config>";
  const env = options.env ?? {};
  let parsed: Record<string, unknown>;
  try {
    // Editors on some systems save a byte-order mark; it is not part of the document.
    const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
    parsed = parse(body, { unsafeKeyBehaviour: "throw" }) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(source, [syntaxIssue(error, text)]);
  }
  // TOML tables come without a prototype; some checks compare values with `<`, which throws on
  // such an object where a number or a list was expected. Plain objects fail validation instead.
  const applied = applyEnvOverrides(
    fileSchema,
    plainValues(parsed) as Record<string, unknown>,
    env,
  );
  const result = fileSchema.safeParse(applied.doc);
  if (!result.success || applied.issues.length > 0) {
    const issues = [
      ...applied.issues,
      ...(result.error?.issues ?? []).flatMap((issue) =>
        toConfigIssues(issue, fileSchema, applied.doc).map((i) =>
          attributeToEnv(i, applied.origins)
        )
      ),
    ];
    throw new ConfigError(source, issues);
  }
  const file = result.data;
  const cross = crossChecks(file, { env, requireSecrets: options.requireSecrets ?? true });
  if (cross.length > 0) {
    throw new ConfigError(source, cross.map((i) => attributeToEnv(i, applied.origins)));
  }
  const config = resolveConfig(file, source, options.baseDir ?? Deno.cwd(), env);
  if (options.checkFiles ?? false) checkKeystoreFile(config, source);
  return config;
}

function checkKeystoreFile(config: Config, source: string): void {
  let found: string | undefined;
  try {
    if (!Deno.statSync(config.account.keystore).isFile) found = "a directory";
  } catch (error) {
    found = error instanceof Deno.errors.NotFound
      ? "no such file"
      : `an unreadable path (${(error as Error).message})`;
  }
  if (found !== undefined) {
    throw new ConfigError(source, [{
      path: "account.keystore",
      expected: "the path of an existing V3 keystore file",
      found: `${JSON.stringify(config.account.keystore)}: ${found}`,
      hint: "create one with `tern init`, or fix the path " +
        "(a relative path is relative to the config file's directory)",
    }]);
  }
}

/**
 * Reads, validates and resolves the configuration file at `path`, with environment overrides
 * from `env`. Relative paths in the file are relative to the file's directory. Throws
 * {@link ConfigError}.
 *
 * @example
 * ```ts
 * try {
 *   const config = loadConfig("tern.toml", Deno.env.toObject());
 * } catch (error) {
 *   if (error instanceof ConfigError) console.error(error.format());
 * }
 * ```
 */
export function loadConfig(path: string, env: Env, options: LoadOptions = {}): Config {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    const found = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Deno.errors.IsADirectory
      ? "a directory"
      : `an unreadable file (${(error as Error).message})`;
    throw new ConfigError(path, [{
      path: "",
      expected: "a readable TOML configuration file",
      found,
      hint: "check the path, or write a commented template with `tern init`",
    }]);
  }
  return parseConfig(text, {
    source: options.source ?? path,
    baseDir: options.baseDir ?? dirname(path),
    env,
    requireSecrets: options.requireSecrets,
    checkFiles: options.checkFiles ?? true,
  });
}
