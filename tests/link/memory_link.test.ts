// The link actors over the in-memory transport, served by the reference coordinator: spec on
// change, ping answered, and a dropped listener reconnecting.
import assert from "node:assert/strict";
import { paths, type SpecUpdate } from "../../lib/agent/messages.ts";
import { MemoryListener } from "../../lib/link/mod.ts";
import { waitFor, withCoordinator, withTempDir } from "./helpers.ts";
import { report, startTestAgent } from "./agent_support.ts";

function spec(amount: string): SpecUpdate {
  return {
    type: "SpecUpdate",
    spec: {
      balances: [{ chainId: 31337, token: `0x${"ab".repeat(20)}`, amount }],
      chains: [{ chainId: 31337, name: "devnet" }],
      config: {},
    },
  };
}

Deno.test("memory transport: spec on change, ping answered, reconnect after a drop", async () => {
  await withCoordinator(async (coord) => {
    await withTempDir(async (dir) => {
      const listener = new MemoryListener((server) => coord.accept(server));
      const agent = await startTestAgent({
        kvPath: `${dir}/a.kv`,
        url: "memory://listener",
        transportFactory: listener.factory(),
        config: { heartbeatIntervalMs: 30 },
        tuning: { metricsEveryBeats: 2 },
      });
      try {
        await waitFor("connected", () => agent.services.state() === "connected");
        agent.system.send(paths.link, spec("1"));
        agent.system.send(paths.link, spec("2"));
        const latest = async () =>
          JSON.stringify(await coord.store.latestOf("agent-a", "spec")).includes('"amount":"2"');
        await waitFor("second spec", latest);
        assert.equal(coord.ping("agent-a"), true);
        listener.dropAll();
        agent.system.send(paths.queue, { type: "AppendStatus", report: report(1) });
        await waitFor("reconnected", () => agent.services.counters.connections === 2);
        await waitFor("stored", () => coord.stats().agents[0]?.lastSeq === 1);
        assert.equal(agent.services.counters.connections, 2);
        // The spec is sent again after the new welcome.
        assert.equal(await latest(), true);
        assert.deepEqual(agent.services.counters.badFrames, {});
        const metrics = await waitFor("metrics", async () => {
          const m = await coord.store.latestOf("agent-a", "metrics");
          return JSON.stringify(m).includes("link_heartbeats_sent") ? m : undefined;
        });
        assert.match(JSON.stringify(metrics), /link_outbox_depth/);
      } finally {
        await agent.stop();
      }
    });
  });
});
