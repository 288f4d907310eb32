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
import { registerSecret, setupLogging } from "../log.ts";
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
  return await startAgent({ config, privateKey });
}
