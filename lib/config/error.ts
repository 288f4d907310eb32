/**
 * The configuration failure domain: {@link ConfigError} holds every problem found in one load,
 * each as a {@link ConfigIssue} naming the key path, what was expected, what was found, and how
 * to fix it.
 *
 * @module
 */
import { TernError } from "../errors.ts";

/** One problem in a configuration. */
export interface ConfigIssue {
  /** The key path, e.g. `chains[1].rpc_urls[0]`; empty for the document as a whole. */
  path: string;
  /** What the key should hold, in words. */
  expected: string;
  /** What it holds, rendered for a person (never a secret). */
  found: string;
  /** How to fix it. */
  hint?: string;
  /** The environment variable the value came from, when it came from one. */
  envVar?: string;
  /** 1-based line of a TOML syntax error. */
  line?: number;
  /** 1-based column of a TOML syntax error. */
  column?: number;
}

/**
 * A configuration that cannot be used. `format()` prints every issue:
 *
 * ```
 * tern: config error in tern.toml
 *   chains[1].rpc_urls[0]: expected a URL (http://, https://, ws://, wss://), got "localhost:8545"
 *   hint: write "http://localhost:8545"
 * ```
 */
export class ConfigError extends TernError {
  /** Where the configuration came from (a file path, or a label). */
  readonly source: string;
  /** Every problem found, in document order where possible. */
  readonly issues: readonly ConfigIssue[];

  /** Creates an error for `source` with one or more issues. */
  constructor(source: string, issues: readonly ConfigIssue[]) {
    const first = issues[0];
    const summary = first === undefined ? "invalid configuration" : describeIssue(first);
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    super("config_invalid", `config error in ${source}: ${summary}${more}`, {
      hint: first?.hint,
      data: { source, issues },
    });
    this.name = "ConfigError";
    this.source = source;
    this.issues = issues;
  }

  /** Every issue with its hint, as printed by `tern config check`. */
  override format(): string {
    const lines = [`tern: config error in ${this.source}`];
    for (const issue of this.issues) {
      lines.push(`  ${describeIssue(issue)}`);
      if (issue.hint !== undefined) lines.push(`  hint: ${issue.hint}`);
    }
    return lines.join("\n");
  }
}

/** `path (from ENV): expected …, got …` for one issue. */
export function describeIssue(issue: ConfigIssue): string {
  const where = issue.path === "" ? "(document)" : issue.path;
  const from = issue.envVar === undefined ? "" : ` (from ${issue.envVar})`;
  return `${where}${from}: expected ${issue.expected}, got ${issue.found}`;
}
