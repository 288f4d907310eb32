/**
 * `deno task chaos`: the reliability run on a devnet (see docs/CHAOS.md). Progress goes to
 * stderr; the last line on stdout is one JSON object with the figures. Exits 0 on a pass, 1 on a
 * fail, 2 when the run itself could not be carried out.
 *
 * @example
 * deno task chaos --requests 300 --kills 10 --coordinator-restarts 5 --seed 1
 * deno task chaos:short
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { positiveNumber, share, wholeNumber } from "./devnet/cli_args.ts";
import { DEFAULT_CHAOS_OPTIONS as D, runChaos } from "./chaos/run.ts";

export { type ChaosOptions, type ChaosResult, runChaos } from "./chaos/run.ts";

function program() {
  return new Command()
    .name("chaos")
    .description("Kill, restart and starve the agent on a devnet; print the invariant figures")
    .option("--requests <n>", "requests created", wholeNumber(1), D.requests)
    .option(
      "--kills <n>",
      "SIGKILLs of the agent (each followed by a restart)",
      wholeNumber(0),
      D.kills,
    )
    .option(
      "--coordinator-restarts <n>",
      "coordinator restarts",
      wholeNumber(0),
      D.coordinatorRestarts,
    )
    .option("--seed <s>", "seed of traffic, faults and the other LP", wholeNumber(0), D.seed)
    .option("--agent-cmd <cmd>", "agent command, {config} = generated TOML", D.agentCmd)
    .option(
      "--coordinator-cmd <cmd>",
      "coordinator command ({port}, {kv}); default: the reference coordinator in-process",
      D.coordinatorCmd,
    )
    .option("--timeout <s>", "overall deadline, seconds", positiveNumber, D.timeoutMs / 1000)
    .option("--rate <r>", "requests per second", positiveNumber, D.ratePerSecond)
    .option("--refuse-share <x>", "share of requests that must be refused", share, D.refuseShare)
    .option("--blackhole <s>", "RPC outage length, seconds", wholeNumber(0), D.blackholeMs / 1000)
    .option("--no-link-check", "skip the coordinator-store figures (agent without a link)")
    .option("--keep", "keep the run directory (config, logs, KV files)", false);
}

if (import.meta.main) {
  const opts = program().parse(Deno.args, { from: "user" }).opts();
  // Ctrl-C or a cancelled CI job: stop every process the run started before exiting.
  const interrupt = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => interrupt.abort());
  }
  try {
    const result = await runChaos({
      requests: opts.requests,
      kills: opts.kills,
      coordinatorRestarts: opts.coordinatorRestarts,
      seed: opts.seed,
      agentCmd: opts.agentCmd,
      coordinatorCmd: opts.coordinatorCmd,
      timeoutMs: opts.timeout * 1000,
      ratePerSecond: opts.rate,
      refuseShare: opts.refuseShare,
      blackholeMs: opts.blackhole * 1000,
      linkCheck: opts.linkCheck,
      keepWorkDir: opts.keep,
      signal: interrupt.signal,
    });
    console.log(JSON.stringify(result.summary));
    Deno.exit(result.pass ? 0 : 1);
  } catch (e) {
    console.error(`chaos: the run could not be carried out: ${e instanceof Error ? e.stack : e}`);
    Deno.exit(2);
  }
}
