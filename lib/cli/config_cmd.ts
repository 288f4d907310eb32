/**
 * `tern config check FILE`: validates a configuration file and prints a summary, or every
 * problem with its path and a hint (exit code 2).
 *
 * @module
 */

import { Command } from "@commander-js/extra-typings";
import { loadConfig } from "../config/mod.ts";
import type { Config } from "../config/types.ts";
import { agentKvPath } from "../kv/paths.ts";
import { applyLogFlags, logFlags, type LogFlagValues, out } from "./common.ts";

/** The summary `config check` prints for a valid configuration (no secrets). */
export function configSummary(file: string, c: Config): string {
  const chains = c.chains.map((ch) => `${ch.name} (${ch.chainId})`).join(", ");
  const lines = [
    `OK: ${file}`,
    `  base chain: ${c.baseChain.chainId}`,
    `  chains: ${chains}`,
    `  tokens: ${c.tokens.map((t) => t.name).join(", ") || "(none)"}`,
    `  keystore: ${c.account.keystore}`,
    `  data: ${agentKvPath(c)}`,
    `  inspector: ${
      c.inspector.enabled ? `http://${c.inspector.bind}:${c.inspector.port}` : "disabled"
    }`,
    `  coordinator: ${c.coordinator ? "configured" : "none"}`,
  ];
  return lines.join("\n");
}

/** The `config` command group (`config check`). */
export function configCommand() {
  const config = new Command("config").description("work with configuration files");
  const check = new Command("check")
    .description("validate a configuration file; print a summary or every problem")
    .argument("<file>", "configuration file (TOML)")
    .option("--no-secrets", "do not require the variables named by token_env to be set")
    .option("--json", "print the summary as JSON");
  config.addCommand(
    logFlags(check).action(async (file, opts) => {
      await applyLogFlags(opts as LogFlagValues);
      const c = loadConfig(file, Deno.env.toObject(), { requireSecrets: opts.secrets });
      if (opts.json) {
        out(JSON.stringify({
          ok: true,
          file,
          chains: c.chains.map((ch) => ({ name: ch.name, chainId: ch.chainId })),
          baseChain: c.baseChain.chainId,
          tokens: c.tokens.map((t) => t.name),
          dataDir: c.agent.dataDir,
          kv: agentKvPath(c),
        }));
      } else out(configSummary(file, c));
    }),
  );
  return config;
}
