/**
 * `tern start`: runs the agent (without `--config`, the embedded runtime demo).
 *
 * @module
 */

import { Command } from "@commander-js/extra-typings";
import { runRuntimeDemo } from "./runtime_demo.ts";

/** The `start` command. */
export function startCommand() {
  return new Command("start")
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
}
