import assert from "node:assert/strict";
import { agentFrame } from "../../lib/link/mod.ts";
import { runCoordinator } from "../../lib/coordinator/mod.ts";
import { TestAgent, TOKENS, waitFor, withCoordinator, withTempDir } from "./helpers.ts";

Deno.test("GET /stats lists each agent with received, duplicates, gaps, lastSeq and connected", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.hello();
      await agent.welcome();
      agent.status(1);
      agent.status(2);
      agent.status(2);
      agent.status(4);
      await waitFor("gap seen", () => agent.of("error").length > 0);
      await agent.waitAck(2);
      const res = await fetch(`${coord.httpUrl}/stats`);
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.agents.length, 1);
      const a = body.agents[0];
      assert.deepEqual(
        { id: a.id, received: a.received, duplicates: a.duplicates, gaps: a.gaps },
        { id: "agent-a", received: 2, duplicates: 1, gaps: 1 },
      );
      assert.equal(a.lastSeq, 2);
      assert.equal(a.connected, true);
    } finally {
      await agent.close();
    }
    await waitFor("disconnected", async () => {
      const body = await (await fetch(`${coord.httpUrl}/stats`)).json();
      return body.agents[0].connected === false;
    });
  });
});

Deno.test("GET /agents/:id/requests returns the latest state of each request", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.hello();
      await agent.welcome();
      agent.status(1, "0xaa", "pending");
      agent.status(2, "0xbb", "pending");
      agent.status(3, "0xaa", "filled");
      agent.send(agentFrame("status", {
        kind: "claim",
        id: "7",
        state: "claimed",
        chainId: 1,
        at: "2026-01-01T00:00:00Z",
        details: {},
      }, 4));
      await agent.waitAck(4);
      const res = await fetch(`${coord.httpUrl}/agents/agent-a/requests`);
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.deepEqual(
        body.items.map((i: { id: string; state: string; seq: number }) => [i.id, i.state, i.seq]),
        [["0xaa", "filled", 3], ["0xbb", "pending", 2]],
      );
      const claims = await (await fetch(`${coord.httpUrl}/agents/agent-a/claims`)).json();
      assert.equal(claims.items[0].state, "claimed");
      const paged = await (await fetch(`${coord.httpUrl}/agents/agent-a/requests?after=0xaa`))
        .json();
      assert.deepEqual(paged.items.map((i: { id: string }) => i.id), ["0xbb"]);
      const messages = await (await fetch(`${coord.httpUrl}/agents/agent-a/messages?after=2`))
        .json();
      assert.deepEqual(messages.messages.map((m: { seq: number }) => m.seq), [3, 4]);
      const bad = await fetch(`${coord.httpUrl}/agents/agent-a/messages?after=-1`);
      assert.equal(bad.status, 400);
      await bad.body?.cancel();
    } finally {
      await agent.close();
    }
  });
});

Deno.test("GET / shows agents and their latest request states, HTML-escaped", async () => {
  await withCoordinator(async (coord) => {
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.hello();
      await agent.welcome();
      agent.status(1, "<script>x</script>", "filled");
      await agent.waitAck(1);
      const res = await fetch(`${coord.httpUrl}/`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /text\/html/);
      const html = await res.text();
      assert.match(html, /agent-a/);
      assert.match(html, /<small>connected<\/small>/);
      assert.match(html, /&lt;script&gt;x&lt;\/script&gt;/);
      assert.doesNotMatch(html, /<script>/);
    } finally {
      await agent.close();
    }
  });
});

Deno.test("POST /agents/:id/commands validates the command and sends it to the agent", async () => {
  await withCoordinator(async (coord) => {
    const post = (body: string) =>
      fetch(`${coord.httpUrl}/agents/agent-a/commands`, { method: "POST", body });
    const offline = await post('{"kind":"drain"}');
    assert.equal(offline.status, 409);
    assert.equal((await offline.json()).reason, "not_connected");
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.hello();
      await agent.welcome();
      const invalid = await post('{"kind":"pause_chain"}');
      assert.equal(invalid.status, 400);
      assert.match(JSON.stringify(await invalid.json()), /chainId/);
      const ok = await post('{"kind":"resume_chain","chainId":5}');
      assert.equal(ok.status, 202);
      const { id } = await ok.json();
      const cmd = await waitFor("command", () => agent.of("command")[0]);
      assert.equal(cmd.body.id, id);
      assert.deepEqual(cmd.body.command, { kind: "resume_chain", chainId: 5 });
    } finally {
      await agent.close();
    }
  });
});

Deno.test("a plain HTTP request to /link is told to use WebSocket, unknown paths get 404", async () => {
  await withCoordinator(async (coord) => {
    const res = await fetch(`${coord.httpUrl}/link`);
    assert.equal(res.status, 426);
    await res.body?.cancel();
    const missing = await fetch(`${coord.httpUrl}/nope`);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
  });
});

Deno.test("GET /agents/:id shows the agent's counters, latest spec and metrics", async () => {
  await withCoordinator(async (coord) => {
    const unknown = await fetch(`${coord.httpUrl}/agents/nobody`);
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
    const agent = await TestAgent.connect(coord.url);
    try {
      agent.hello();
      await agent.welcome();
      agent.send(agentFrame("spec", {
        balances: [{ chainId: 1, token: "0x" + "cd".repeat(20), amount: "1000" }],
        chains: [{ chainId: 1, name: "l1" }],
        config: { fees: "0.1%" },
      }));
      agent.send(agentFrame("metrics", { values: { fills: 3 } }, 1));
      await agent.waitAck(1);
      const body = await (await fetch(`${coord.httpUrl}/agents/agent-a`)).json();
      assert.equal(body.agent.id, "agent-a");
      assert.equal(body.agent.lastSeq, 1);
      assert.equal(body.spec.body.balances[0].amount, "1000");
      assert.deepEqual(body.metrics.body.values, { fills: 3 });
      assert.equal(body.metrics.seq, 1);
    } finally {
      await agent.close();
    }
  });
});

Deno.test("runCoordinator serves until its signal aborts, then frees the port", async () => {
  await withTempDir(async (dir) => {
    const ac = new AbortController();
    let port = 0;
    const running = runCoordinator({
      kvPath: `${dir}/c.kv`,
      tokens: TOKENS,
      signal: ac.signal,
      onListen: (c) => (port = c.port),
    });
    await waitFor("listening", () => port > 0);
    const res = await fetch(`http://127.0.0.1:${port}/stats`);
    assert.deepEqual((await res.json()).agents, []);
    ac.abort();
    await running;
    Deno.listen({ hostname: "127.0.0.1", port }).close();
  });
});
