// The link actors against the reference coordinator over real WebSockets on 127.0.0.1:0.
import assert from "node:assert/strict";
import type { Behavior } from "../../lib/runtime/types.ts";
import { type LinkCommand, paths } from "../../lib/agent/messages.ts";
import { startCoordinator } from "../../lib/coordinator/mod.ts";
import { linkMetrics } from "../../lib/link/mod.ts";
import { TOKENS, waitFor, withCoordinator, withTempDir } from "./helpers.ts";
import { report, startTestAgent } from "./agent_support.ts";

/** A small `/control`: answers pause/resume/drain, ignores resync (to exercise the timeout). */
const testControl: Behavior<{ seen: string[] }, LinkCommand> = {
  kind: "test.control",
  version: 1,
  persist: false,
  initial: () => ({ seen: [] }),
  handle: (s, msg, ctx) => {
    const seen = [...s.seen, msg.command.kind];
    if (msg.command.kind === "resync") return { state: { seen } };
    return {
      state: { seen },
      effects: [ctx.send(msg.replyTo, {
        type: "CommandResult",
        id: msg.id,
        ok: msg.command.kind !== "resume_chain",
        detail: `did ${msg.command.kind}`,
      })],
    };
  },
};

Deno.test("statuses reach the coordinator in order, once; spec and readiness follow", async () => {
  await withCoordinator(async (coord) => {
    await withTempDir(async (dir) => {
      const agent = await startTestAgent({ kvPath: `${dir}/a.kv`, url: coord.url });
      try {
        await waitFor("connected", () => agent.services.state() === "connected");
        agent.system.send(paths.link, {
          type: "SpecUpdate",
          spec: {
            balances: [{ chainId: 31337, token: `0x${"ab".repeat(20)}`, amount: "1000" }],
            chains: [{ chainId: 31337, name: "devnet" }],
            config: { mode: "test" },
          },
        });
        for (let n = 1; n <= 500; n++) {
          agent.system.send(paths.queue, { type: "AppendStatus", report: report(n) });
        }
        await waitFor("all stored", () => coord.stats().agents[0]?.lastSeq === 500);
        await waitFor("outbox empty", () => agent.services.outboxDepth() === 0);
        const page = await coord.store.messages("agent-a", { limit: 10_000 });
        assert.deepEqual(page.map((m) => m.seq), Array.from({ length: 500 }, (_, i) => i + 1));
        assert.deepEqual(
          page.map((m) => (m.body as { details: { n: number } }).details.n),
          page.map((m) => m.seq),
        );
        const spec = await waitFor("spec stored", async () => {
          const res = await fetch(`${coord.httpUrl}/agents/agent-a`);
          return (await res.json()).spec;
        });
        assert.equal(JSON.stringify(spec).includes('"mode":"test"'), true);
        assert.equal(coord.stats().agents[0].duplicates, 0);
        assert.equal(linkMetrics(agent.services).link_outbox_depth, 0);
      } finally {
        await agent.stop();
      }
    });
  });
});

Deno.test("commands reach /control; results and timeouts come back as command_result", async () => {
  await withCoordinator(async (coord) => {
    await withTempDir(async (dir) => {
      const agent = await startTestAgent({
        kvPath: `${dir}/a.kv`,
        url: coord.url,
        tuning: { commandTimeoutMs: 300 },
        extraBehaviors: [testControl as Behavior],
      });
      agent.system.spawn(paths.control, "test.control");
      try {
        await waitFor("connected", () => agent.services.state() === "connected");
        const sent: string[] = [];
        for (
          const command of [
            { kind: "pause_chain", chainId: 31337 },
            { kind: "resume_chain", chainId: 31337 },
            { kind: "drain" },
            { kind: "resync" },
          ] as const
        ) {
          const r = await coord.sendCommand("agent-a", command);
          assert.equal(r.sent, true);
          if (r.sent) sent.push(r.id);
        }
        const results = await waitFor("results", async () => {
          const all = await Promise.all(sent.map((id) => coord.store.command("agent-a", id)));
          return all.every((r) => r?.result) ? all.map((r) => r!.result!) : undefined;
        });
        assert.deepEqual(results.map((r) => r.ok), [true, false, true, false]);
        assert.equal(results[2].detail, "did drain");
        assert.match(results[3].detail ?? "", /did not answer within 300 ms/);
        assert.deepEqual(agent.system.stateOf<{ seen: string[] }>(paths.control)?.seen, [
          "pause_chain",
          "resume_chain",
          "drain",
          "resync",
        ]);
        assert.equal(agent.services.counters.commandTimeouts, 1);
      } finally {
        await agent.stop();
      }
    });
  });
});

Deno.test("wrong token: refused with a reason, no retry storm, statuses kept", async () => {
  await withCoordinator(async (coord) => {
    await withTempDir(async (dir) => {
      const agent = await startTestAgent({
        kvPath: `${dir}/a.kv`,
        url: coord.url,
        token: "not-the-token",
      });
      try {
        await waitFor("refused", () => agent.services.state() === "refused");
        agent.system.send(paths.queue, { type: "AppendStatus", report: report(1) });
        const attempts = agent.services.counters.connectAttempts;
        // A window of 20 fast-backoff periods (20 ms each): a retrying agent would try ~10 times.
        await new Promise((r) => setTimeout(r, 400));
        assert.equal(agent.services.counters.connectAttempts, attempts);
        assert.equal(attempts, 1);
        assert.equal(agent.services.counters.refusals, 1);
        assert.equal(agent.services.state(), "refused");
        await waitFor("kept", () => agent.services.outboxDepth() === 1);
        assert.equal(coord.stats().agents.length, 0);
      } finally {
        await agent.stop();
      }
    });
  });
});

Deno.test("clean stop closes with 1000; the coordinator sees the agent disconnected", async () => {
  await withCoordinator(async (coord) => {
    await withTempDir(async (dir) => {
      const agent = await startTestAgent({ kvPath: `${dir}/a.kv`, url: coord.url });
      try {
        await waitFor("connected", () => coord.stats().agents[0]?.connected === true);
        await agent.stop();
        await waitFor("disconnected", () => coord.stats().agents[0]?.connected === false);
      } finally {
        await agent.stop();
      }
    });
  });
});

Deno.test("coordinator down then up: statuses made meanwhile flow after reconnect", async () => {
  await withTempDir(async (dir) => {
    let coord = await startCoordinator({ kvPath: `${dir}/c.kv`, tokens: TOKENS, ackDelayMs: 5 });
    const port = coord.port;
    const agent = await startTestAgent({ kvPath: `${dir}/a.kv`, url: coord.url });
    try {
      for (let n = 1; n <= 100; n++) {
        agent.system.send(paths.queue, { type: "AppendStatus", report: report(n) });
      }
      await waitFor("first 100", () => coord.stats().agents[0]?.lastSeq === 100);
      await coord.stop();
      await waitFor("queueing", () => agent.services.state() === "queueing");
      for (let n = 101; n <= 300; n++) {
        agent.system.send(paths.queue, { type: "AppendStatus", report: report(n) });
      }
      await waitFor("stored locally", () => agent.services.outbox.stats().lastSeq === 300);
      coord = await startCoordinator({
        kvPath: `${dir}/c.kv`,
        tokens: TOKENS,
        ackDelayMs: 5,
        port,
      });
      await waitFor("all 300", () => coord.stats().agents[0]?.lastSeq === 300);
      await waitFor("acked", () => agent.services.outboxDepth() === 0);
      const page = await coord.store.messages("agent-a", { limit: 10_000 });
      assert.deepEqual(page.map((m) => m.seq), Array.from({ length: 300 }, (_, i) => i + 1));
    } finally {
      await agent.stop();
      await coord.stop();
    }
  });
});

Deno.test("an outbox past outboxWarnSize warns once and drops nothing", async () => {
  await withTempDir(async (dir) => {
    // Nobody listens on this port: the agent queues.
    const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (probe.addr as Deno.NetAddr).port;
    probe.close();
    const agent = await startTestAgent({
      kvPath: `${dir}/a.kv`,
      url: `ws://127.0.0.1:${port}/link`,
      config: { outboxWarnSize: 50 },
    });
    try {
      for (let n = 1; n <= 120; n++) {
        agent.system.send(paths.queue, { type: "AppendStatus", report: report(n) });
      }
      await waitFor("all stored", () => agent.services.outboxDepth() === 120);
      assert.equal(agent.services.counters.outboxWarnings, 1);
      assert.equal(linkMetrics(agent.services).link_outbox_warnings, 1);
      assert.equal(agent.services.state(), "queueing");
      const entries = await agent.services.outbox.readAfter(0, 1000);
      assert.deepEqual(entries.map((e) => e.seq), Array.from({ length: 120 }, (_, i) => i + 1));
    } finally {
      await agent.stop();
    }
  });
});

Deno.test("a restarted queue actor resyncs the link from the outbox; nothing is lost", async () => {
  await withCoordinator(async (coord) => {
    await withTempDir(async (dir) => {
      const agent = await startTestAgent({ kvPath: `${dir}/a.kv`, url: coord.url });
      try {
        await waitFor("connected", () => agent.services.state() === "connected");
        for (let n = 1; n <= 100; n++) {
          agent.system.send(paths.queue, { type: "AppendStatus", report: report(n) });
        }
        await waitFor("first 100", () => coord.stats().agents[0]?.lastSeq === 100);
        // A message the reducer does not know makes it fail; the supervisor restarts it.
        agent.system.send(paths.queue, { type: "NotAQueueMessage" });
        await waitFor("resynced", () => agent.services.counters.connections === 2);
        for (let n = 101; n <= 200; n++) {
          agent.system.send(paths.queue, { type: "AppendStatus", report: report(n) });
        }
        await waitFor("all 200", () => coord.stats().agents[0]?.lastSeq === 200);
        await waitFor("acked", () => agent.services.outboxDepth() === 0);
        const page = await coord.store.messages("agent-a", { limit: 10_000 });
        assert.deepEqual(page.map((m) => m.seq), Array.from({ length: 200 }, (_, i) => i + 1));
      } finally {
        await agent.stop();
      }
    });
  });
});

Deno.test("stopping while a connection attempt hangs aborts it and returns promptly", async () => {
  await withTempDir(async (dir) => {
    // Accepts TCP and never answers the WebSocket handshake.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    const conns: Deno.Conn[] = [];
    const accepting = (async () => {
      try {
        for await (const c of listener) conns.push(c);
      } catch { /* closed */ }
    })();
    const agent = await startTestAgent({
      kvPath: `${dir}/a.kv`,
      url: `ws://127.0.0.1:${port}/link`,
      tuning: { connectTimeoutMs: 30_000 },
    });
    try {
      await waitFor("attempt started", () => conns.length === 1);
      const t0 = Date.now();
      await agent.stop();
      assert.ok(Date.now() - t0 < 2_000, `stop took ${Date.now() - t0} ms`);
      assert.equal(agent.services.counters.connectAttempts, 1);
    } finally {
      await agent.stop();
      listener.close();
      for (const c of conns) c.close();
      await accepting;
    }
  });
});

Deno.test("a status the coordinator would refuse is refused at the queue; the stream goes on", async () => {
  await withCoordinator(async (coord) => {
    await withTempDir(async (dir) => {
      const agent = await startTestAgent({ kvPath: `${dir}/a.kv`, url: coord.url });
      try {
        await waitFor("connected", () => agent.services.state() === "connected");
        agent.system.send(paths.queue, { type: "AppendStatus", report: report(1) });
        // chain id 0 is not a chain: such a body would block the ordered stream for good
        agent.system.send(paths.queue, {
          type: "AppendStatus",
          report: { ...report(2), chainId: 0 },
        });
        agent.system.send(paths.queue, { type: "AppendStatus", report: report(3) });
        await waitFor("two stored", () => coord.stats().agents[0]?.lastSeq === 2);
        await waitFor("outbox empty", () => agent.services.outboxDepth() === 0);
        const page = await coord.store.messages("agent-a", { limit: 10 });
        assert.deepEqual(
          page.map((m) => (m.body as { details: { n: number } }).details.n),
          [1, 3],
        );
        assert.equal(agent.services.counters.badFrames.invalid_status, 1);
        assert.equal(coord.stats().agents[0].gaps, 0);
      } finally {
        await agent.stop();
      }
    });
  });
});
