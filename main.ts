/**
 * tern — a liquidity-provider agent for the Beamer bridge protocol. This is its command line:
 * a list of command registrations; each command lives in `lib/cli/*_cmd.ts`.
 *
 * @module
 */

import { Command, CommanderError } from "@commander-js/extra-typings";
import { describeError, exitCodeOf } from "./lib/cli/common.ts";
import { configCommand } from "./lib/cli/config_cmd.ts";
import { initCommand } from "./lib/cli/init_cmd.ts";
import {
  claimsCommand,
  inspectCommand,
  outboxCommand,
  requestCommand,
  requestsCommand,
} from "./lib/cli/inspect_cmd.ts";
import { instancesCommand, stopCommand } from "./lib/cli/instances_cmd.ts";
import { startCommand } from "./lib/cli/start_cmd.ts";
import { registerCoordinatorCommands } from "./lib/cli/coordinator_cmd.ts";

// deno-lint-ignore no-explicit-any
type AnyCommand = Command<any, any, any>;

/** Makes every command throw instead of exiting, so main decides the exit code. */
function throwOnExit(cmd: AnyCommand): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) throwOnExit(sub as AnyCommand);
}

/** Builds the `tern` command line program. */
export function buildCli(): Command {
  const program = new Command("tern")
    .description("Beamer bridge liquidity-provider agent")
    .version("0.1.0");
  program.addCommand(startCommand());
  program.addCommand(initCommand());
  program.addCommand(configCommand());
  program.addCommand(inspectCommand());
  program.addCommand(requestsCommand());
  program.addCommand(requestCommand());
  program.addCommand(claimsCommand());
  program.addCommand(outboxCommand());
  program.addCommand(instancesCommand());
  program.addCommand(stopCommand());
  registerCoordinatorCommands(program as unknown as Command);
  throwOnExit(program);
  return program as unknown as Command;
}

if (import.meta.main) {
  try {
    await buildCli().parseAsync(["deno", "tern", ...Deno.args]);
  } catch (e) {
    // Commander already printed its own usage errors and help.
    if (!(e instanceof CommanderError)) console.error(describeError(e));
    Deno.exit(exitCodeOf(e));
  }
}
