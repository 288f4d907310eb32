/**
 * tern — a liquidity-provider agent for the Beamer bridge protocol. This is its command line.
 *
 * @module
 */

import { Command } from "@commander-js/extra-typings";
import { runRuntimeDemo } from "./lib/cli/runtime_demo.ts";
import { registerCoordinatorCommands } from "./lib/cli/coordinator_cmd.ts";

/** Builds the `tern` command line program. */
export function buildCli(): Command {
  const program = new Command("tern")
    .description("Beamer bridge liquidity-provider agent")
    .version("0.1.0")
    .exitOverride();
  program
    .command("start")
    .description("run the agent (without --config: the embedded demo)")
    .option("-c, --config <file>", "configuration file (TOML)")
    .option("--data-dir <dir>", "where the demo keeps its KV file", ".tern")
    .action(async (opts) => {
      if (opts.config) {
        console.error("tern: running against configured chains is not available in this build");
        Deno.exit(2);
      }
      await Deno.mkdir(opts.dataDir, { recursive: true });
      const ac = new AbortController();
      const stop = () => ac.abort();
      Deno.addSignalListener("SIGINT", stop);
      Deno.addSignalListener("SIGTERM", stop);
      await runRuntimeDemo(`${opts.dataDir}/demo.kv`, ac.signal);
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGTERM", stop);
    });
  registerCoordinatorCommands(program as unknown as Command);
  return program as unknown as Command;
}

if (import.meta.main) {
  try {
    await buildCli().parseAsync(["deno", "tern", ...Deno.args]);
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    if (typeof code === "number") Deno.exit(code === 0 ? 0 : 2);
    console.error(`tern: ${e instanceof Error ? e.message : String(e)}`);
    Deno.exit(1);
  }
}
