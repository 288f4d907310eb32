/** Assertion helpers of the configuration tests. */
import assert from "node:assert/strict";
import { ConfigError, type ConfigIssue, parseConfig } from "../../lib/config/mod.ts";

/** Parses `text`, expecting a ConfigError; returns it. */
export function configError(
  text: string,
  env: Record<string, string> = {},
  options: { requireSecrets?: boolean } = {},
): ConfigError {
  try {
    parseConfig(text, { source: "tern.toml", env, ...options });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail("expected a ConfigError");
}

/** The issue at `path`, failing with the list of issues when there is none. */
export function issueAt(error: ConfigError, path: string): ConfigIssue {
  const issue = error.issues.find((i) => i.path === path);
  if (issue === undefined) {
    assert.fail(`no issue at ${path}; issues:\n${error.format()}`);
  }
  return issue;
}
