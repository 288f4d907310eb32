import assert from "node:assert/strict";
import {
  agentFrame,
  CloseCodes,
  createMemoryPair,
  decodeFrame,
  encodeFrame,
  MemoryListener,
  type TransportClose,
  TransportError,
  transportEvents,
  WebSocketTransport,
  webSocketTransportFactory,
} from "../../lib/link/mod.ts";
import { LP, TOKENS, waitFor, withCoordinator, withTempDir } from "./helpers.ts";
import { startCoordinator } from "../../lib/coordinator/mod.ts";

/** A WebSocket echo server on 127.0.0.1:0 whose handler can be replaced per test. */
async function withWsServer(
  onSocket: (socket: WebSocket) => void,
  fn: (url: string, closes: { code: number; reason: string }[]) => Promise<void>,
): Promise<void> {
  const closes: { code: number; reason: string }[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.addEventListener("close", (e) => closes.push({ code: e.code, reason: e.reason }));
    onSocket(socket);
    return response;
  });
  try {
    await fn(`ws://127.0.0.1:${server.addr.port}/`, closes);
  } finally {
    await server.shutdown();
  }
}

async function rejection(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof TransportError, `expected a TransportError, got ${err}`);
    return err;
  }
  throw new Error("expected a rejection");
}

Deno.test("a WebSocket transport refuses URLs that are not ws:// or wss://", async () => {
  const err = await rejection(new WebSocketTransport("http://127.0.0.1:1/").connect());
  assert.equal(err.kind, "invalid_url");
  assert.match(err.message, /expected ws:\/\/ or wss:\/\//);
  assert.equal(
    (await rejection(new WebSocketTransport("not a url").connect())).kind,
    "invalid_url",
  );
});

Deno.test("connecting to a closed port fails with connect_failed and a cause", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const err = await rejection(new WebSocketTransport(`ws://127.0.0.1:${port}/`).connect());
  assert.equal(err.kind, "connect_failed");
  assert.match(err.message, new RegExp(`127.0.0.1:${port}`));
  const used = new WebSocketTransport(`ws://127.0.0.1:${port}/`);
  await rejection(used.connect());
  assert.equal((await rejection(used.connect())).kind, "aborted", "a used transport says so");
});

Deno.test("a server that never answers the upgrade hits the connect timeout; close aborts", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted: Deno.Conn[] = [];
  const acceptLoop = (async () => {
    for await (const conn of listener) accepted.push(conn); // accept, never answer
  })();
  try {
    const url = `ws://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/`;
    const transport = new WebSocketTransport(url, { connectTimeoutMs: 100 });
    let closeEvents = 0;
    transport.listen({ onMessage() {}, onClose: () => closeEvents++ });
    const err = await rejection(transport.connect());
    assert.equal(err.kind, "timeout");
    assert.equal(transport.state, "closed");
    // closing while connecting aborts the attempt; neither reports onClose
    const aborted = new WebSocketTransport(url, { connectTimeoutMs: 5000 });
    aborted.listen({ onMessage() {}, onClose: () => closeEvents++ });
    const pending = aborted.connect();
    aborted.close();
    assert.equal((await rejection(pending)).kind, "aborted");
    await waitFor("both sockets closed", () => aborted.state === "closed");
    assert.equal(closeEvents, 0, "a connection that never opened reports only by rejecting");
  } finally {
    listener.close();
    await acceptLoop;
    for (const conn of accepted) conn.close();
  }
});

Deno.test("messages flow both ways and a remote close is reported once with code and reason", async () => {
  await withWsServer((socket) => {
    socket.onmessage = (e) => {
      if (e.data === "bye") socket.close(4100, "server says bye");
      else socket.send(`echo:${e.data}`);
    };
  }, async (url) => {
    const transport = webSocketTransportFactory(url)();
    const events = transportEvents(transport);
    await transport.connect();
    assert.equal(transport.state, "open");
    const sent = transport.send("hi");
    assert.ok(sent.ok);
    assert.equal(typeof sent.bufferedAmount, "number");
    assert.equal((await events.next()).value?.type === "message", true);
    transport.send("bye");
    const closing = await events.next();
    assert.equal(closing.value?.type, "close");
    const close = (closing.value as { close: TransportClose }).close;
    assert.deepEqual([close.code, close.reason, close.initiator], [
      4100,
      "server says bye",
      "remote",
    ]);
    assert.equal((await events.next()).done, true);
    const refused = transport.send("late");
    assert.deepEqual(refused.ok ? "sent" : refused.reason, "not_open");
  });
});

Deno.test("a frame above the client's inbound limit closes the connection with 4009", async () => {
  await withWsServer((socket) => {
    socket.onopen = () => socket.send("x".repeat(5000));
  }, async (url, serverCloses) => {
    const transport = new WebSocketTransport(url, { maxInboundBytes: 1000 });
    const messages: unknown[] = [];
    let closed: TransportClose | undefined;
    transport.listen({ onMessage: (d) => messages.push(d), onClose: (c) => (closed = c) });
    await transport.connect();
    const close = await waitFor("close", () => closed);
    assert.equal(close.code, CloseCodes.messageTooBigClient);
    assert.equal(close.initiator, "local");
    assert.equal(messages.length, 0, "the oversize frame is not delivered");
    await waitFor("server saw the close", () => serverCloses[0]);
    assert.equal(serverCloses[0].code, CloseCodes.messageTooBigClient);
  });
});

Deno.test("bufferedAmount reports bytes queued by send", async () => {
  await withWsServer(() => {}, async (url) => {
    const transport = new WebSocketTransport(url);
    let closed = false;
    transport.listen({ onMessage() {}, onClose: () => (closed = true) });
    await transport.connect();
    const result = transport.send("y".repeat(4 * 1024 * 1024));
    assert.ok(result.ok);
    assert.ok(result.bufferedAmount > 0, "a 4 MB send is still buffered right after send()");
    transport.close();
    await waitFor("closed", () => closed);
  });
});

Deno.test("an outbound frame above maxOutboundBytes is refused without closing", async () => {
  await withWsServer(() => {}, async (url) => {
    const transport = new WebSocketTransport(url, { maxOutboundBytes: 10 });
    let closed = false;
    transport.listen({ onMessage() {}, onClose: () => (closed = true) });
    await transport.connect();
    const result = transport.send("01234567890");
    assert.equal(result.ok ? "sent" : result.reason, "oversize");
    assert.equal(transport.state, "open");
    transport.close();
    await waitFor("closed", () => closed);
  });
});

Deno.test("an in-memory pair delivers in order and reports closes on both ends", async () => {
  const { client, server } = createMemoryPair();
  const got: string[] = [];
  const closes: TransportClose[] = [];
  server.listen({ onMessage: (d) => got.push(String(d)), onClose: (c) => closes.push(c) });
  client.listen({ onMessage() {}, onClose: (c) => closes.push(c) });
  await Promise.all([client.connect(), server.connect()]);
  for (let i = 0; i < 100; i++) client.send(String(i));
  await waitFor("all delivered", () => got.length === 100);
  assert.deepEqual(got, Array.from({ length: 100 }, (_, i) => String(i)));
  client.close(4100, "done");
  await waitFor("two closes", () => closes.length === 2);
  assert.deepEqual(closes.map((c) => [c.code, c.initiator]).sort(), [
    [4100, "local"],
    [4100, "remote"],
  ]);
  assert.equal(client.send("x").ok, false);
});

Deno.test("an in-memory listener refuses while not accepting and drops all on demand", async () => {
  const servers: string[] = [];
  const listener = new MemoryListener((server) => {
    server.listen({ onMessage: (d) => servers.push(String(d)), onClose() {} });
  });
  const factory = listener.factory();
  listener.accepting = false;
  const err = await rejection(factory().connect());
  assert.equal(err.kind, "connect_failed");
  listener.accepting = true;
  const client = factory();
  let closed: TransportClose | undefined;
  client.listen({ onMessage() {}, onClose: (c) => (closed = c) });
  await client.connect();
  client.send("hello");
  await waitFor("delivered", () => servers.length === 1);
  assert.equal(listener.openConnections, 1);
  listener.dropAll();
  const close = await waitFor("dropped", () => closed);
  assert.equal(close.code, CloseCodes.goingAway);
  assert.equal(close.initiator, "remote");
  assert.equal(listener.openConnections, 0);
});

Deno.test("the coordinator serves in-memory transports like WebSocket ones", async () => {
  await withCoordinator(async (coord) => {
    const listener = new MemoryListener((server) => coord.accept(server));
    const client = listener.factory()();
    const replies: string[] = [];
    client.listen({ onMessage: (d) => replies.push(String(d)), onClose() {} });
    await client.connect();
    client.send(encodeFrame(agentFrame("hello", {
      agentId: "agent-b",
      version: "0.1.0",
      chains: [],
      lpAddress: LP,
      streamId: "mem",
      lastAckedSeq: 0,
      token: "token-b",
    })));
    const welcome = await waitFor("welcome", () => replies[0]);
    const decoded = decodeFrame(welcome, "coordinator");
    assert.ok(decoded.ok && decoded.frame.type === "welcome");
    client.close();
    await waitFor("disconnected", () => coord.stats().agents[0]?.connected === false);
  });
});

Deno.test("stopping a coordinator with a connected WebSocket agent frees the port", async () => {
  await withTempDir(async (dir) => {
    const coord = await startCoordinator({ kvPath: `${dir}/c.kv`, tokens: TOKENS });
    const transport = new WebSocketTransport(coord.url);
    let closed: TransportClose | undefined;
    transport.listen({ onMessage() {}, onClose: (c) => (closed = c) });
    await transport.connect();
    await coord.stop();
    assert.equal((await waitFor("closed", () => closed)).code, CloseCodes.goingAway);
    const listener = Deno.listen({ hostname: "127.0.0.1", port: coord.port });
    listener.close();
  });
});
