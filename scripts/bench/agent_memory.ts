/**
 * Memory of the agent's request side: 1,000 active requests, and 100,000 historical ones
 * (passivated) after a recovery. Each figure comes from its own process (see agent_rss.ts).
 *
 * @module
 */

/** Figures of {@link benchAgentMemory}. */
export interface AgentMemoryBench {
  active1000RssMB: number;
  active1000HeapMB: number;
  passivated100kRssMB: number;
  passivated100kHeapMB: number;
  passivatedRecovered: number;
}

async function run(args: string[]): Promise<Record<string, number>> {
  const script = new URL("./agent_rss.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", "--v8-flags=--expose-gc", script, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`agent_rss.ts ${args[0]} failed`);
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
  return JSON.parse(line);
}

const mb = (x: number) => Math.round(x * 10) / 10;

/** Runs the memory benchmark. */
export async function benchAgentMemory(
  historical = 100_000,
  log: (s: string) => void = console.error,
): Promise<AgentMemoryBench> {
  const dir = await Deno.makeTempDir({ prefix: "tern-bench-mem-" });
  try {
    log("memory: 1,000 active requests");
    const active = await run(["active", `${dir}/active.kv`]);
    log(`memory: writing ${historical} historical requests`);
    await run(["history", `${dir}/history.kv`, String(historical)]);
    log("memory: recovering them");
    const rec = await run(["recover", `${dir}/history.kv`]);
    return {
      active1000RssMB: mb(active.rssMB),
      active1000HeapMB: mb(active.heapMB),
      passivated100kRssMB: mb(rec.rssMB),
      passivated100kHeapMB: mb(rec.heapMB),
      passivatedRecovered: rec.passive,
    };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
