// 2,000 statuses while the coordinator restarts 10 times and the agent process is killed with
// SIGKILL 5 times: the coordinator's store holds seq 1..2000 exactly once, in order.
import assert from "node:assert/strict";
import { type Coordinator, startCoordinator } from "../../lib/coordinator/mod.ts";
import { TOKENS, waitFor, withTempDir } from "./helpers.ts";

const TOTAL = 2000;
const script = new URL("./agent_proc.ts", import.meta.url).pathname;

function spawnAgent(kvPath: string, url: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", script, kvPath, url, String(TOTAL)],
    stdout: "null",
    stderr: "null",
  }).spawn();
}

Deno.test("no status is lost, duplicated or reordered across coordinator restarts and agent kills", async () => {
  await withTempDir(async (dir) => {
    const coordKv = `${dir}/coord.kv`;
    const agentKv = `${dir}/agent.kv`;
    const start = (port = 0) =>
      startCoordinator({ kvPath: coordKv, tokens: TOKENS, ackDelayMs: 5, port });
    let coord: Coordinator | undefined = await start();
    const port = coord.port;
    const url = coord.url;
    let agent: Deno.ChildProcess | undefined = spawnAgent(agentKv, url);
    const lastSeq = () => coord?.stats().agents[0]?.lastSeq ?? 0;
    try {
      // 15 disruptions, each after some progress: kills at odd steps 1,3,5,7,9; restarts else.
      let restarts = 0;
      let kills = 0;
      for (let step = 0; step < 15; step++) {
        const target = Math.min(TOTAL - 100, (step + 1) * 120);
        await waitFor(`progress ${target}`, () => lastSeq() >= target, 30_000);
        if (step % 3 === 1 && kills < 5) {
          agent.kill("SIGKILL");
          await agent.status;
          kills++;
          agent = spawnAgent(agentKv, url);
        } else {
          await coord.stop();
          coord = undefined;
          // Down for a moment: the agent keeps producing into its outbox meanwhile.
          await new Promise((r) => setTimeout(r, 50));
          coord = await start(port);
          restarts++;
        }
      }
      assert.equal(restarts, 10);
      assert.equal(kills, 5);
      await waitFor("all stored", () => lastSeq() === TOTAL, 60_000);
      const stored = await coord!.store.messages("agent-a", { limit: 10_000 });
      assert.equal(stored.length, TOTAL);
      stored.forEach((m, i) => {
        assert.equal(m.seq, i + 1);
        assert.equal((m.body as { details: { n: number } }).details.n, i + 1);
      });
      const stats = coord!.stats().agents[0];
      assert.equal(stats.gaps >= 0, true);
      assert.equal(stats.lost, 0);
    } finally {
      try {
        agent?.kill("SIGKILL");
        await agent?.status;
      } catch { /* already gone */ }
      await coord?.stop();
    }
  });
});
