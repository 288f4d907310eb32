/**
 * A small live demonstration of the actor runtime: counters under sharded supervision, some of
 * which fail on purpose, snapshotted to a KV file, printed once a second until stopped.
 *
 * @module
 */

import { ActorSystem, type Behavior, shardOf } from "../runtime/mod.ts";

type DemoMsg = { type: "tick" } | { type: "fail" };

const demoCounter: Behavior<{ ticks: number }, DemoMsg> = {
  kind: "demo-counter",
  version: 1,
  initial: () => ({ ticks: 0 }),
  handle(state, msg) {
    if (msg.type === "fail") throw new Error("failure injected by the demo");
    return { state: { ticks: state.ticks + 1 } };
  },
  summary: (s) => `ticks=${s.ticks}`,
};

/** Runs the runtime demo on `kvPath` until `signal` aborts; prints a status line per second. */
export async function runRuntimeDemo(
  kvPath: string,
  signal: AbortSignal,
  print: (line: string) => void = console.log,
): Promise<void> {
  const kv = await Deno.openKv(kvPath);
  const system = await ActorSystem.start({ kv, behaviors: [demoCounter] });
  const actors = 1000;
  const paths = Array.from({ length: actors }, (_, i) => `/demo/${shardOf(String(i), 16)}/c${i}`);
  for (const p of paths) system.spawn(p, "demo-counter");
  print(`runtime demo: ${system.counts.active} actors live, KV at ${kvPath} (Ctrl-C to stop)`);
  let round = 0;
  const timer = setInterval(() => {
    round++;
    for (const p of paths) system.send(p, { type: "tick" });
    system.send(paths[round % actors], { type: "fail" });
    const m = system.metrics;
    print(
      `round ${round}: messages=${m.messages} failures=${m.failures} restarts=${m.restarts} ` +
        `snapshots=${m.snapshotsWritten} commits=${m.commits}`,
    );
  }, 1000);
  await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
  clearInterval(timer);
  const res = await system.stop({ timeoutMs: 1500 });
  kv.close();
  print(`runtime demo stopped (drained=${res.drained}, flushed=${res.flushed})`);
}
