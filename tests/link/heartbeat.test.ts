// Heartbeats have their own send path; a silent coordinator is dropped and reconnected.
import assert from "node:assert/strict";
import { paths } from "../../lib/agent/messages.ts";
import { waitFor, withTempDir } from "./helpers.ts";
import { report, startTestAgent } from "./agent_support.ts";
import { startFakeCoordinator } from "./fake_coordinator.ts";

Deno.test("heartbeats keep flowing while 10,000 statuses are queued", async () => {
  const fake = startFakeCoordinator("welcome"); // never acks: everything stays queued
  await withTempDir(async (dir) => {
    const agent = await startTestAgent({
      kvPath: `${dir}/a.kv`,
      url: fake.url,
      config: { heartbeatIntervalMs: 50, heartbeatTimeoutMs: 1000 },
    });
    try {
      await waitFor("connected", () => agent.services.state() === "connected");
      const conn = fake.last()!;
      const beatTimes = () => conn.times.filter((_, i) => conn.frames[i].type === "heartbeat");
      const start = Date.now();
      for (let n = 1; n <= 10_000; n++) {
        agent.system.send(paths.queue, { type: "AppendStatus", report: report(n) });
      }
      await waitFor("queued", () => agent.services.outboxDepth() === 10_000, 20_000);
      const before = beatTimes().length;
      await waitFor("10 more heartbeats", () => beatTimes().length >= before + 10, 5_000);
      // While the 10,000 were appended and 2,000 sent, heartbeats kept their pace: no gap
      // between two of them (or since the burst began) is anywhere near the 1 s window.
      const times = [start, ...beatTimes().filter((t) => t >= start)];
      const gaps = times.slice(1).map((t, i) => t - times[i]);
      assert.ok(Math.max(...gaps) < 500, `heartbeat gaps ${gaps.join(",")} ms`);
      const beats = () => conn.frames.filter((f) => f.type === "heartbeat");
      const last = beats()[beats().length - 1];
      assert.equal(last.type === "heartbeat" && last.body.outboxDepth, 10_000);
      // The window bounds what is in flight; the rest waits in KV.
      const statuses = conn.frames.filter((f) => f.type === "status").length;
      assert.equal(statuses, agent.services.tuning.sender.window);
      assert.equal(fake.connections.length, 1);
      assert.equal(agent.services.counters.heartbeatTimeouts, 0);
    } finally {
      await agent.stop();
      await fake.stop();
    }
  });
});

Deno.test("a silent coordinator trips the missed-heartbeat window: close 4008 and reconnect", async () => {
  const fake = startFakeCoordinator("silent");
  await withTempDir(async (dir) => {
    const agent = await startTestAgent({
      kvPath: `${dir}/a.kv`,
      url: fake.url,
      config: { heartbeatIntervalMs: 50, heartbeatTimeoutMs: 300 },
    });
    try {
      await waitFor("three connections", () => fake.connections.length >= 3, 10_000);
      await waitFor("closed 4008", () => fake.connections[0].closedWith !== undefined);
      assert.equal(fake.connections[0].closedWith, 4008);
      assert.ok(agent.services.counters.heartbeatTimeouts >= 2);
      // Each connection said hello and kept sending heartbeats until it was dropped.
      assert.equal(fake.connections[0].frames[0].type, "hello");
      assert.ok(fake.connections[0].frames.some((f) => f.type === "heartbeat"));
      assert.equal(agent.services.state(), "queueing");
    } finally {
      await agent.stop();
      await fake.stop();
    }
  });
});
