/**
 * The coordinator's token list: which token authenticates which agent id, parsed from text such
 * as an environment variable or a file, with errors that never echo a token.
 *
 * @module
 */
import { agentIdSchema } from "../link/frames.ts";

/** A token list that cannot be used: where, and what is wrong with it. */
export class TokenConfigError extends Error {
  /** @param source where the list came from; @param entry 1-based entry number; @param problem what is wrong. */
  constructor(readonly source: string, readonly entry: number, readonly problem: string) {
    super(`${source}: entry ${entry}: ${problem}`);
    this.name = "TokenConfigError";
  }
}

/**
 * Parse `agentId=token` entries separated by commas or newlines (blank entries and lines starting
 * with `#` are skipped) into a map token → agent id.
 *
 * @example
 * parseTokens("lp-1=s3cret, lp-2=0ther", "TERN_COORDINATOR_TOKENS").get("s3cret"); // "lp-1"
 */
export function parseTokens(text: string, source = "tokens"): Map<string, string> {
  const tokens = new Map<string, string>();
  const entries = text.split(/[\n,]/).map((e) => e.trim());
  let number = 0;
  for (const entry of entries) {
    if (entry === "" || entry.startsWith("#")) continue;
    number++;
    const eq = entry.indexOf("=");
    if (eq <= 0 || eq === entry.length - 1) {
      throw new TokenConfigError(source, number, "expected agentId=token");
    }
    const agentId = entry.slice(0, eq).trim();
    const token = entry.slice(eq + 1).trim();
    if (!agentIdSchema.safeParse(agentId).success) {
      throw new TokenConfigError(
        source,
        number,
        `agent id ${JSON.stringify(agentId.slice(0, 40))} must be 1-128 of A-Z a-z 0-9 . _ : -`,
      );
    }
    if (token.length < 8) {
      throw new TokenConfigError(
        source,
        number,
        `the token of ${agentId} is shorter than 8 characters`,
      );
    }
    if (tokens.has(token)) {
      throw new TokenConfigError(
        source,
        number,
        `${agentId} uses the same token as ${tokens.get(token)}; each agent needs its own`,
      );
    }
    tokens.set(token, agentId);
  }
  if (tokens.size === 0) throw new TokenConfigError(source, 0, "no agentId=token entries");
  return tokens;
}
