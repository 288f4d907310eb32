/**
 * From a config file to a running agent: load and validate the config, read the keystore
 * password and decrypt the LP key, set up logging, start the agent. Shared by `tern start
 * --config` and the demo, so the demo exercises an operator's start-up path.
 *
 * @module
 */

import type { LogLevel } from "@logtape/logtape";
import { loadConfig } from "../config/mod.ts";
import { readKeystoreFile, readPassword, terminalPrompt } from "../keystore/mod.ts";
import { getLog, registerSecret, setupLogging } from "../log.ts";
import { type RunningAgent, startAgent } from "../agent/run.ts";

/** Command-line flags that override the config's logging settings. */
export interface AgentFlags {
  logFormat?: "text" | "json";
  logLevel?: LogLevel;
}

/**
 * Loads `configPath` (throws `ConfigError`), decrypts the LP key (throws `KeystoreError`), and
 * starts the agent.
 *
 * @example
 * ```ts
 * const agent = await startFromConfigFile("tern.toml", Deno.env.toObject(), {});
 * await agent.stop("done");
 * ```
 */
export async function startFromConfigFile(
  configPath: string,
  env: Record<string, string | undefined>,
  flags: AgentFlags,
): Promise<RunningAgent> {
  const config = loadConfig(configPath, env);
  const password = await readPassword(env, terminalPrompt(), config.account.keystore);
  registerSecret(password);
  const privateKey = await readKeystoreFile(config.account.keystore, password);
  registerSecret(privateKey);
  await setupLogging({
    format: flags.logFormat ?? config.agent.logFormat,
    level: flags.logLevel ?? config.agent.logLevel,
  });
  guardAgainstStrayRejections();
  return await startAgent({ config, privateKey });
}

let guarded = false;

/**
 * A promise rejected with nobody listening (a bug, typically an I/O error in a path that forgot
 * to await) would end the process; an LP agent must keep its other chains and requests going, so
 * it is logged as an error instead. Actors' own failures are handled by their supervisors.
 */
function guardAgainstStrayRejections(): void {
  if (guarded) return;
  guarded = true;
  const log = getLog("agent");
  globalThis.addEventListener("unhandledrejection", (ev) => {
    ev.preventDefault();
    const reason = ev.reason instanceof Error ? ev.reason.message : String(ev.reason);
    log.error("unhandled rejection (kept running): {reason}", { reason });
  });
}
