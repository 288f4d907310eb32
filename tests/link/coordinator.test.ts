import assert from "node:assert/strict";
import { CloseCodes, isRetryableClose } from "../../lib/link/mod.ts";
import { startCoordinator } from "../../lib/coordinator/mod.ts";
import { TestAgent, TOKENS, waitFor, withCoordinator, withTempDir } from "./helpers.ts";

Deno.test("an agent with a valid token gets a welcome with last received seq 0", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.hello();
      assert.equal(await agent.welcome(), 0);
      await waitFor("connected", () => coord.stats().agents[0]?.connected);
    } finally {
      await agent.close();
    }
  });
});

Deno.test("status frames are stored in order and acked cumulatively", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.hello();
      await agent.welcome();
      for (let seq = 1; seq <= 50; seq++) agent.status(seq);
      await agent.waitAck(50);
      const acks = agent.of("ack").map((a) => a.body.seq);
      assert.deepEqual([...acks].sort((a, b) => a - b), acks, "acks never go backwards");
      const stored = await coord.store.messages("agent-a");
      assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: 50 }, (_, i) => i + 1));
      const stats = coord.stats().agents[0];
      assert.equal(stats.received, 50);
      assert.equal(stats.lastSeq, 50);
      assert.equal(stats.duplicates, 0);
    } finally {
      await agent.close();
    }
  });
});

Deno.test("a resent seq is counted as a duplicate, acked, and not stored twice", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.hello();
      await agent.welcome();
      agent.status(1);
      agent.status(2);
      await agent.waitAck(2);
      const acksBefore = agent.of("ack").length;
      agent.status(2, "0x2", "changed");
      await waitFor("ack of the duplicate", () => agent.of("ack").length > acksBefore);
      assert.equal(agent.lastAck(), 2);
      assert.equal(coord.stats().agents[0].duplicates, 1);
      const stored = await coord.store.messages("agent-a");
      assert.equal(stored.length, 2);
      const latest = await coord.store.latest("agent-a", "request");
      assert.equal(
        latest.find((l) => l.id === "0x2")?.state,
        "filled",
        "the duplicate changed nothing",
      );
    } finally {
      await agent.close();
    }
  });
});

Deno.test("a seq after a gap is not stored; the ack covers only the contiguous prefix", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.hello();
      await agent.welcome();
      agent.status(1);
      agent.status(3);
      const error = await waitFor(
        "gap error",
        () => agent.of("error").find((e) => e.body.reason === "gap"),
      );
      assert.match(error.body.message, /expected seq 2, got 3/);
      await agent.waitAck(1);
      assert.equal(agent.lastAck(), 1);
      assert.equal(coord.stats().agents[0].gaps, 1);
      // the agent resends from the acked seq and the stream continues
      agent.status(2);
      agent.status(3);
      await agent.waitAck(3);
      const stored = await coord.store.messages("agent-a");
      assert.deepEqual(stored.map((m) => m.seq), [1, 2, 3]);
      assert.equal(agent.closed, undefined, "a gap does not close the connection");
    } finally {
      await agent.close();
    }
  });
});

Deno.test("a wrong token is refused with bad_auth and close code 4001, which is not retryable", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    agent.hello("agent-a", "wrong-token");
    const close = await agent.waitClosed();
    assert.equal(close.code, CloseCodes.badAuth);
    assert.equal(close.reason, "bad auth");
    assert.equal(isRetryableClose(close.code), false);
    assert.equal(agent.of("error")[0]?.body.reason, "bad_auth");
    assert.equal(coord.stats().badFrames.bad_auth, 1);
    // a valid token of another agent is refused too
    const other = await TestAgent.connect(coord.url);
    other.hello("agent-a", "token-b");
    assert.equal((await other.waitClosed()).code, CloseCodes.badAuth);
    assert.equal(coord.stats().badFrames.bad_auth, 2);
    assert.equal(coord.stats().agents.length, 0, "no agent record for refused hellos");
  });
});

Deno.test("a frame before hello is refused and the connection closed with 4002", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    agent.status(1);
    const close = await agent.waitClosed();
    assert.equal(close.code, CloseCodes.helloRequired);
    assert.equal(agent.of("error")[0]?.body.reason, "hello_required");
    assert.equal(isRetryableClose(close.code), true);
  });
});

Deno.test("invalid JSON, unknown types and wrong versions are counted and the connection survives", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.hello();
      await agent.welcome();
      agent.sendRaw("{not json");
      agent.sendRaw('{"v":1,"type":"launch_rockets","body":{}}');
      agent.sendRaw('{"v":9,"type":"status","seq":1,"body":{}}');
      agent.sendRaw('{"v":1,"type":"status","seq":1,"body":{"kind":"request"}}');
      const errors = await waitFor("four errors", () => {
        const e = agent.of("error");
        return e.length >= 4 && e;
      });
      assert.deepEqual(errors.map((e) => e.body.reason), [
        "invalid_json",
        "unknown_type",
        "wrong_version",
        "invalid_body",
      ]);
      assert.equal(errors[3].body.seq, 1, "the refused frame's seq is named");
      agent.status(1);
      await agent.waitAck(1);
      assert.equal(agent.closed, undefined);
      assert.deepEqual(coord.stats().agents[0].badFrames, {
        invalid_json: 1,
        unknown_type: 1,
        wrong_version: 1,
        invalid_body: 1,
      });
    } finally {
      await agent.close();
    }
  });
});

Deno.test("bad frames before hello are counted without an agent and do not end the connection", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.sendRaw("][");
      await waitFor("error", () => agent.of("error")[0]);
      agent.hello();
      assert.equal(await agent.welcome(), 0);
      assert.equal(coord.stats().badFrames.invalid_json, 1);
    } finally {
      await agent.close();
    }
  });
});

Deno.test("a 10 MB frame closes the connection with 1009 and is counted; the agent can reconnect", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    agent.hello();
    await agent.welcome();
    agent.sendRaw(
      JSON.stringify({ v: 1, type: "metrics", body: { pad: "x".repeat(10 * 1024 * 1024) } }),
    );
    const close = await agent.waitClosed();
    assert.equal(close.code, CloseCodes.messageTooBig);
    await waitFor("oversize counted", () => coord.stats().agents[0].badFrames.oversize === 1);
    const again = await TestAgent.connect(coord.url);
    try {
      again.hello();
      assert.equal(await again.welcome(), 0);
      again.status(1);
      await again.waitAck(1);
    } finally {
      await again.close();
    }
  });
});

Deno.test("too many bad frames on one connection close it with 1008", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    agent.hello();
    await agent.welcome();
    for (let i = 0; i < 4; i++) agent.sendRaw("nope"); // the 4th is one too many
    assert.equal((await agent.waitClosed()).code, CloseCodes.policyViolation);
  }, { maxBadFramesPerConnection: 3 });
});

Deno.test("a silent connection without hello is closed after the hello timeout", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    assert.equal((await agent.waitClosed()).code, CloseCodes.helloRequired);
    assert.equal(coord.stats().badFrames.hello_required, 1);
  }, { helloTimeoutMs: 50 });
});

Deno.test("heartbeats are answered with a pong echoing sentAt", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.hello();
      await agent.welcome();
      agent.send({ v: 1, type: "heartbeat", body: { sentAt: 12345, outboxDepth: 7 } });
      const pong = await waitFor("pong", () => agent.of("pong")[0]);
      assert.equal(pong.body.sentAt, 12345);
      assert.equal(coord.stats().agents[0].outboxDepth, 7);
    } finally {
      await agent.close();
    }
  });
});

Deno.test("a newer connection for the same agent supersedes the older one with 4003", async () => {
  await withCoordinator(async (coord) => {
    const first = await TestAgent.connect(coord.url);
    first.hello();
    await first.welcome();
    first.status(1);
    await first.waitAck(1);
    const second = await TestAgent.connect(coord.url);
    try {
      second.hello("agent-a", "token-a", "stream-1", 1);
      assert.equal(await second.welcome(), 1);
      const close = await first.waitClosed();
      assert.equal(close.code, CloseCodes.superseded);
      assert.equal(isRetryableClose(close.code), false);
      second.status(2);
      await second.waitAck(2);
    } finally {
      await second.close();
    }
  });
});

Deno.test("a new stream id restarts the seq space; acks past the store are recorded as lost", async () => {
  await withCoordinator(async (coord) => {
    const a = await TestAgent.connect(coord.url);
    a.hello("agent-a", "token-a", "stream-1");
    await a.welcome();
    for (let s = 1; s <= 3; s++) a.status(s);
    await a.waitAck(3);
    await a.close();
    const b = await TestAgent.connect(coord.url);
    b.hello("agent-a", "token-a", "stream-2");
    assert.equal(await b.welcome(), 0, "a fresh outbox starts at seq 1 again");
    b.status(1);
    await b.waitAck(1);
    await b.close();
    const c = await TestAgent.connect(coord.url);
    try {
      c.hello("agent-a", "token-a", "stream-2", 10);
      assert.equal(await c.welcome(), 10, "the coordinator continues after what the agent acked");
      assert.equal(coord.stats().agents[0].lost, 9);
    } finally {
      await c.close();
    }
  });
});

Deno.test("commands reach a connected agent and its result is stored", async () => {
  await withCoordinator(async (coord) => {
    assert.deepEqual((await coord.sendCommand("agent-a", { kind: "drain" })).sent, false);
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.hello();
      await agent.welcome();
      const sent = await coord.sendCommand("agent-a", { kind: "pause_chain", chainId: 31337 });
      assert.ok(sent.sent);
      const cmd = await waitFor("command", () => agent.of("command")[0]);
      assert.deepEqual(cmd.body.command, { kind: "pause_chain", chainId: 31337 });
      agent.send({ v: 1, type: "command_result", body: { id: cmd.body.id, ok: true } });
      const record = await waitFor("result", async () => {
        const r = await coord.store.command("agent-a", cmd.body.id);
        return r?.result && r;
      });
      assert.equal(record.result?.ok, true);
      assert.ok(coord.ping("agent-a"));
      await waitFor("ping", () => agent.of("ping")[0]);
    } finally {
      await agent.close();
    }
  });
});

Deno.test("a coordinator restarted 10 times on the same KV file and port keeps lastSeq", async () => {
  await withTempDir(async (dir) => {
    const kvPath = `${dir}/coord.kv`;
    let port = 0;
    let seq = 0;
    for (let round = 0; round < 10; round++) {
      const coord = await startCoordinator({ kvPath, tokens: TOKENS, port, ackDelayMs: 5 });
      try {
        if (round > 0) assert.equal(coord.port, port, "the same port is free again");
        port = coord.port;
        const agent = await TestAgent.connect(coord.url);
        agent.hello("agent-a", "token-a", "stream-1", seq);
        assert.equal(await agent.welcome(), seq);
        for (let i = 0; i < 5; i++) agent.status(++seq);
        await agent.waitAck(seq);
        await coord.stop();
        const close = await agent.waitClosed();
        assert.equal(close.code, CloseCodes.goingAway);
      } finally {
        await coord.stop();
      }
    }
    const kv = await Deno.openKv(kvPath);
    try {
      const { CoordinatorStore } = await import("../../lib/coordinator/mod.ts");
      const stored = await new CoordinatorStore(kv).messages("agent-a");
      assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: 50 }, (_, i) => i + 1));
    } finally {
      kv.close();
    }
  });
});

Deno.test("an agent that floods frames beyond the queue limit is disconnected with 1008", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    agent.hello();
    await agent.welcome();
    for (let seq = 1; seq <= 3000; seq++) agent.status(seq);
    const close = await agent.waitClosed();
    // Deno drops a server connection that keeps receiving data after it sent its close frame,
    // so a client still flooding may see the abrupt 1006 instead of the 1008 sent to it.
    assert.ok(
      [CloseCodes.policyViolation, 1006].includes(close.code as 1008),
      `closed with ${close.code}`,
    );
    assert.equal(coord.stats().agents[0].badFrames.flood, 1);
  }, { maxQueuedFrames: 10 });
});

Deno.test("a request to /link that is not a valid upgrade gets 400, not a crash", async () => {
  await withCoordinator(async (coord) => {
    const res = await fetch(`${coord.httpUrl}/link`, { headers: { upgrade: "websocket" } });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /not a valid WebSocket upgrade/);
  });
});

Deno.test("an agent that closes right after its hello is not shown as connected", async () => {
  await withCoordinator(async (coord) => {
    for (let i = 0; i < 5; i++) {
      const agent = await TestAgent.connect(coord.url);
      agent.hello();
      await agent.close();
    }
    await waitFor("record stored", () => coord.stats().agents.length === 1);
    await waitFor("no connection left", () => coord.stats().connections === 0);
    await waitFor("disconnected", () => coord.stats().agents[0].connected === false);
  });
});

Deno.test("acks are batched: one per ackEveryMessages frames, the rest after ackDelayMs", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.hello();
      await agent.welcome();
      for (let seq = 1; seq <= 1000; seq++) agent.status(seq);
      await waitFor("all stored", () => coord.stats().agents[0].lastSeq === 1000);
      await agent.waitAck(901);
      const acks = agent.of("ack").map((a) => a.body.seq);
      assert.ok(acks.length <= 10, `at most one ack per 100 frames, got ${acks.length}`);
      for (let i = 1; i < acks.length; i++) assert.ok(acks[i] - acks[i - 1] >= 100);
    } finally {
      await agent.close();
    }
  }, { ackEveryMessages: 100, ackDelayMs: 60_000 });
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.hello();
      await agent.welcome();
      for (let seq = 1; seq <= 5; seq++) agent.status(seq);
      await agent.waitAck(5); // below the count threshold: the delay timer sends it
    } finally {
      await agent.close();
    }
  }, { ackEveryMessages: 1_000_000, ackDelayMs: 30 });
});
