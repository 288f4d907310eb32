/**
 * Where tern keeps its KV file.
 *
 * @module
 */

import type { Config } from "../config/types.ts";

/** File name of the agent's KV inside the data directory. */
export const AGENT_KV_FILE = "tern.kv";

/**
 * The agent's KV file for a configuration: `<data_dir>/tern.kv`.
 *
 * @example
 * ```ts
 * const kv = await Deno.openKv(agentKvPath(config));
 * ```
 */
export function agentKvPath(config: Pick<Config, "agent">): string {
  const dir = config.agent.dataDir.replace(/\/+$/, "");
  return `${dir === "" ? "." : dir}/${AGENT_KV_FILE}`;
}
