/**
 * `deno task traffic`: creates transfer requests on a running devnet (see scripts/devnet/traffic.ts
 * for the kinds). Prints one line per request, `<requestId> <direction> <amount> <kind>`, and a
 * final JSON summary line.
 *
 * Refusal kind `unsafe` has a validity period of exactly `--unsafe-validity` seconds: run the agent
 * with an unsafe fill time of at least that value and below `--validity`, so it refuses these and
 * fills the others.
 *
 * @example
 * deno task traffic --devnet devnet.json --count 20 --rate 2 --seed 7 --refuse-share 0.2
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { baseUnits, positiveNumber, share, wholeNumber } from "./devnet/cli_args.ts";
import { logToStderr } from "./devnet/cli_log.ts";
import { readDevnetInfo } from "./devnet/info_file.ts";
import { type CreatedRequest, createTraffic, type TrafficKind } from "./devnet/traffic.ts";

export { type CreatedRequest, createTraffic, type TrafficOptions } from "./devnet/traffic.ts";

function program() {
  return new Command()
    .name("traffic")
    .description("Create transfer requests on a devnet, including ones an agent must refuse")
    .option("--devnet <path>", "devnet.json written by `deno task devnet`", "devnet.json")
    .option("--count <n>", "number of requests", wholeNumber(0), 10)
    .option("--rate <r>", "requests per second", positiveNumber, 1)
    .option("--seed <s>", "PRNG seed", wholeNumber(0), 1)
    .option("--refuse-share <x>", "share of requests the agent must refuse (0..1)", share, 0.2)
    .option("--unsafe-validity <s>", "validity of 'unsafe' requests, seconds", wholeNumber(1), 1800)
    .option("--validity <s>", "validity of the other requests, seconds", wholeNumber(1), 7200)
    .option("--min-amount <units>", "smallest random amount, base units", baseUnits)
    .option("--max-amount <units>", "largest random amount, base units", baseUnits)
    .addHelpText(
      "after",
      `
Kinds: fillable; and, for the refuse share, round-robin: unsafe (validity exactly
--unsafe-validity: run the agent with an unsafe fill time >= --unsafe-validity and < --validity),
unknown-token (UNL, configured on the RequestManagers but not in the agent's token list),
over-balance (TST above the LP's balance on the target, within the transfer limit).
Output: one line per request "<requestId> <direction> <amount> <kind>", then a JSON summary.`,
    );
}

async function main(): Promise<number> {
  const opts = program().parse(Deno.args, { from: "user" }).opts();
  await logToStderr("warning");
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    const info = await readDevnetInfo(opts.devnet);
    const created = await createTraffic(info, {
      count: opts.count,
      ratePerSecond: opts.rate,
      seed: opts.seed,
      refuseShare: opts.refuseShare,
      unsafeValidity: opts.unsafeValidity,
      validity: opts.validity,
      minAmount: opts.minAmount,
      maxAmount: opts.maxAmount,
      signal: abort.signal,
      onRequest: (r) => console.log(`${r.requestId} ${r.direction} ${r.amount} ${r.kind}`),
    });
    console.log(JSON.stringify({ summary: summarize(created, opts.count) }));
    return 0;
  } catch (error) {
    console.error(`traffic: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
}

/** Counts of created requests by kind and direction. */
export function summarize(created: CreatedRequest[], asked: number) {
  const byKind: Record<TrafficKind, number> = {
    "fillable": 0,
    "unsafe": 0,
    "unknown-token": 0,
    "over-balance": 0,
  };
  const byDirection: Record<string, number> = {};
  for (const r of created) {
    byKind[r.kind] += 1;
    byDirection[r.direction] = (byDirection[r.direction] ?? 0) + 1;
  }
  return { asked, created: created.length, byKind, byDirection };
}

if (import.meta.main) {
  Deno.exit(await main());
}
