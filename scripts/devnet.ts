/**
 * `deno task devnet`: starts three anvil chains with tern's contracts and the relay, writes
 * devnet.json, prints `READY <absolute path>` on stdout and stays up until SIGINT or SIGTERM,
 * then stops the relay and every anvil and exits 0.
 *
 * @example
 * deno run -A scripts/devnet.ts --claim-period 30 --out /tmp/devnet.json
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { getLogger } from "@logtape/logtape";
import { resolve } from "node:path";
import { baseUnits, chainIdList, positiveNumber, wholeNumber } from "./devnet/cli_args.ts";
import { logToStderr } from "./devnet/cli_log.ts";
import { type Devnet, startDevnet } from "./devnet/mod.ts";

/** How long a signal-triggered shutdown may take before anvil is killed outright. */
const STOP_BUDGET_MS = 1500;

const log = getLogger(["tern", "devnet"]);

function program() {
  return new Command()
    .name("devnet")
    .description("Three local anvil chains (L1 + two rollups) with tern's contracts and a relay")
    .option("--out <path>", "where to write devnet.json", "devnet.json")
    .option("--l1-chain-id <id>", "L1 chain id", wholeNumber(1), 31337)
    .option("--rollup-chain-ids <ids>", "comma-separated rollup chain ids", chainIdList, [
      31338,
      31339,
    ])
    .option("--claim-stake <wei>", "claim stake in wei", baseUnits)
    .option("--claim-period <s>", "claim period, seconds", wholeNumber(1))
    .option("--claim-request-extension <s>", "claim request extension, seconds", wholeNumber(0))
    .option("--challenge-period-extension <s>", "challenge period extension, s", wholeNumber(0))
    .option("--finality-period <s>", "finality period of every chain, seconds", wholeNumber(1))
    .option("--relay-delay <ms>", "relay delay (bridge finality), milliseconds", wholeNumber(0))
    .option("--min-fee-ppm <ppm>", "minimum fee margin, ppm", wholeNumber(0))
    .option("--lp-fee-ppm <ppm>", "LP fee, ppm", wholeNumber(0))
    .option("--protocol-fee-ppm <ppm>", "protocol fee, ppm", wholeNumber(0))
    .option("--lp-tokens <units>", "TST minted to each LP per rollup, base units", baseUnits)
    .option(
      "--block-time <s>",
      "mine a block every s seconds (default: one per tx)",
      positiveNumber,
    )
    .option("--log-level <level>", "debug | info | warning | error", "info");
}

async function main(): Promise<number> {
  const opts = program().parse(Deno.args, { from: "user" }).opts();
  const level = opts.logLevel;
  if (!["debug", "info", "warning", "error"].includes(level)) {
    console.error(`devnet: --log-level must be debug, info, warning or error, got "${level}"`);
    return 1;
  }
  await logToStderr(level as "debug" | "info" | "warning" | "error");

  let devnet: Devnet | undefined;
  const stopped = Promise.withResolvers<number>();
  let shuttingDown = false;
  const shutdown = (why: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    clearInterval(parentWatch);
    log.info(`${why}: stopping the devnet`);
    const running = devnet;
    if (!running) {
      // Still starting: leaving is enough, each anvil guard kills its chain when our end of its
      // stdin pipe closes.
      Deno.exit(0);
    }
    const relayed = running.relay?.stats();
    if (relayed) {
      log.info(
        `relay: ${relayed.delivered} delivered, ${relayed.skipped} skipped, ` +
          `${relayed.failed} failed, ${relayed.pending} pending`,
      );
    }
    const killTimer = setTimeout(() => {
      // The graceful path hung: kill the chains by pid and leave anyway.
      for (const pid of Object.values(running.processes.anvil)) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      stopped.resolve(0);
    }, STOP_BUDGET_MS);
    running.stop().then(
      () => stopped.resolve(0),
      (error) => {
        log.error("stopping failed: {error}", { error: String(error) });
        stopped.resolve(0);
      },
    ).finally(() => clearTimeout(killTimer));
  };
  // Started through `deno task`, a killed task runner would leave this process behind: leave too.
  const parentAtStart = parentPid();
  const parentWatch = setInterval(() => {
    const parent = parentPid();
    if (parent !== undefined && parent !== parentAtStart) shutdown("parent process gone");
  }, 500);
  Deno.addSignalListener("SIGINT", () => shutdown("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => shutdown("SIGTERM"));

  try {
    devnet = await startDevnet({
      l1ChainId: opts.l1ChainId,
      rollupChainIds: opts.rollupChainIds,
      claimStake: opts.claimStake,
      claimPeriod: opts.claimPeriod,
      claimRequestExtension: opts.claimRequestExtension,
      challengePeriodExtension: opts.challengePeriodExtension,
      finalityPeriod: opts.finalityPeriod,
      relayDelayMs: opts.relayDelay,
      fees: {
        minFeePPM: opts.minFeePpm,
        lpFeePPM: opts.lpFeePpm,
        protocolFeePPM: opts.protocolFeePpm,
      },
      funding: { lpTokens: opts.lpTokens },
      blockTime: opts.blockTime,
    });
  } catch (error) {
    console.error(`devnet: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }

  const outPath = resolve(opts.out);
  try {
    const document = { ...devnet.info, processes: devnet.processes };
    await Deno.writeTextFile(outPath, JSON.stringify(document, null, 2) + "\n");
  } catch (error) {
    console.error(`devnet: cannot write ${outPath}: ${String(error)}`);
    await devnet.stop();
    return 1;
  }
  console.log(`READY ${outPath}`);
  return await stopped.promise;
}

/** This process's parent pid from /proc (undefined where /proc is not available). */
function parentPid(): number | undefined {
  try {
    const stat = Deno.readTextFileSync("/proc/self/stat");
    // fields after the parenthesised command name: state, ppid, …
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

if (import.meta.main) {
  Deno.exit(await main());
}
