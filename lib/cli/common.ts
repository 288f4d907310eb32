/**
 * Shared pieces of tern's commands: exit codes, error printing without stack traces, and the
 * logging flags.
 *
 * @module
 */

import { type Command, CommanderError, Option } from "@commander-js/extra-typings";
import { ConfigError } from "../config/error.ts";
import { TernError } from "../errors.ts";
import { setupLogging } from "../log.ts";

/** Exit code of success. */
export const EXIT_OK = 0;
/** Exit code of a failure while doing the work. */
export const EXIT_FAILURE = 1;
/** Exit code of a usage or configuration error. */
export const EXIT_USAGE = 2;

/** A wrong use of a command (bad argument value, missing source): exit code 2. */
export class UsageError extends TernError {
  constructor(message: string, hint?: string) {
    super("usage", message, { hint });
    this.name = "UsageError";
  }
}

/** The exit code for an error thrown by a command. */
export function exitCodeOf(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (e instanceof UsageError || e instanceof ConfigError) return EXIT_USAGE;
  if (e instanceof TernError && e.code === "inspector_token_required") return EXIT_USAGE;
  return EXIT_FAILURE;
}

/** The text printed for an error: message and hint, never a stack trace. */
export function describeError(e: unknown): string {
  if (e instanceof ConfigError) return e.format();
  if (e instanceof TernError) return `tern: ${e.format()}`;
  if (e instanceof Error) return `tern: ${e.message}`;
  return `tern: ${String(e)}`;
}

/** The values of {@link logFlags}. */
export interface LogFlagValues {
  logFormat?: "json" | "text";
  logLevel?: string;
}

const LEVELS = ["trace", "debug", "info", "warning", "error", "critical"] as const;

/**
 * Adds `--log-format json|text` and `--log-level LEVEL` to a command.
 *
 * @example
 * ```ts
 * logFlags(new Command("inspect")).action(async (opts) => { await applyLogFlags(opts); });
 * ```
 */
// deno-lint-ignore no-explicit-any
export function logFlags<C extends Command<any, any, any>>(cmd: C): C {
  cmd
    .addOption(
      new Option("--log-format <format>", "log lines as text or JSON").choices(["json", "text"]),
    )
    .addOption(new Option("--log-level <level>", "lowest level logged").choices(LEVELS));
  return cmd;
}

/** Sets up logging from {@link logFlags} values (defaults: warning, text, on stderr). */
export async function applyLogFlags(opts: LogFlagValues): Promise<void> {
  const level = (opts.logLevel ?? "warning") as (typeof LEVELS)[number];
  await setupLogging({ level, format: opts.logFormat ?? "text" });
}

/** Parses a positive integer option or throws a {@link UsageError}. */
export function intOption(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new UsageError(`${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Writes one line to standard output. */
export function out(line = ""): void {
  console.log(line);
}

/** Renders rows as an aligned text table with a header. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (c ?? "").padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
