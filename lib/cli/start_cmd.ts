/**
 * `tern start`: runs the agent against the chains of `--config`, or, without a config, the
 * embedded demo (a local devnet, the agent and a traffic generator). SIGINT or SIGTERM stops it
 * within two seconds, even with an RPC that never answers: a guard exits the process if the
 * orderly stop has not finished by then (snapshots are flushed first, so nothing is lost).
 *
 * @module
 */

import { Command } from "@commander-js/extra-typings";
import type { LogLevel } from "@logtape/logtape";
import { logFlags, type LogFlagValues } from "./common.ts";
import { startFromConfigFile } from "./agent_start.ts";
import { runDemo } from "./demo.ts";

/** After a stop signal the process exits by this time (ms), whatever is still hanging. */
export const SHUTDOWN_BOUND_MS = 1_900;

/** A second signal this soon after the first is the same Ctrl-C (`deno task` forwards it too). */
const SAME_SIGNAL_MS = 500;

/** Resolves on the first SIGINT or SIGTERM; a later, separate one exits at once. */
function stopSignal(): { signal: Promise<string>; dispose(): void } {
  let firedAt: number | undefined;
  let resolve: (s: string) => void = () => {};
  const signal = new Promise<string>((r) => resolve = r);
  const handlers = (["SIGINT", "SIGTERM"] as const).map((sig) => {
    const h = () => {
      if (firedAt !== undefined) {
        if (Date.now() - firedAt > SAME_SIGNAL_MS) Deno.exit(130);
        return;
      }
      firedAt = Date.now();
      resolve(sig);
    };
    Deno.addSignalListener(sig, h);
    return [sig, h] as const;
  });
  return {
    signal,
    dispose: () => handlers.forEach(([sig, h]) => Deno.removeSignalListener(sig, h)),
  };
}

/** Exits the process `ms` after it is armed unless the stop finished first. */
function shutdownGuard(ms: number): () => void {
  const t = setTimeout(() => {
    console.error(`tern: stop took longer than ${ms} ms; exiting`);
    Deno.exit(0);
  }, ms);
  return () => clearTimeout(t);
}

/** The `start` command. */
export function startCommand() {
  return logFlags(
    new Command("start")
      .description("run the agent (without --config: the embedded devnet demo)")
      .option("-c, --config <file>", "configuration file (TOML)")
      .option("--demo-dir <dir>", "where the demo writes its keystore, config and KV"),
  ).action(async (options) => {
    const opts = options as typeof options & LogFlagValues;
    const flags = {
      logFormat: opts.logFormat as "json" | "text" | undefined,
      logLevel: opts.logLevel === "critical" ? "fatal" : opts.logLevel as LogLevel | undefined,
    };
    const stop = stopSignal();
    try {
      if (!opts.config) {
        const ac = new AbortController();
        void stop.signal.then(() => ac.abort());
        await runDemo(ac.signal, { dir: opts.demoDir, flags });
        return;
      }
      const agent = await startFromConfigFile(opts.config, Deno.env.toObject(), flags);
      console.log(
        `tern: agent running (lp ${agent.lp}${
          agent.inspectorUrl ? `, inspector ${agent.inspectorUrl}` : ""
        })`,
      );
      const outcome = await Promise.race([
        stop.signal.then((s) => ({ reason: `${s} received`, failed: false })),
        agent.stopped.then((reason) => ({
          reason,
          // asked to stop (tern stop) is a normal end; a lost lease or a fatal failure is not
          failed: !/stop requested/.test(reason),
        })),
      ]);
      const cancel = shutdownGuard(SHUTDOWN_BOUND_MS);
      await agent.stop(outcome.reason);
      cancel();
      console.log(`tern: stopped (${outcome.reason})`);
      if (outcome.failed) Deno.exitCode = 1;
    } finally {
      stop.dispose();
    }
  });
}
