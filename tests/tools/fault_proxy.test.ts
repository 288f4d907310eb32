import assert from "node:assert/strict";
import { startFaultProxy } from "../../scripts/fault_proxy.ts";

/** A tiny JSON-RPC upstream answering eth_chainId. */
function upstream(): { url: Promise<string>; stop: () => Promise<void> } {
  const ac = new AbortController();
  let resolveUrl: (u: string) => void;
  const url = new Promise<string>((r) => resolveUrl = r);
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: ac.signal,
    onListen: ({ port }) => resolveUrl(`http://127.0.0.1:${port}`),
  }, async (req) => {
    const body = await req.json();
    return Response.json({ jsonrpc: "2.0", id: body.id, result: "0x7a69" });
  });
  return { url, stop: async () => (ac.abort(), await server.finished) };
}

const call = (url: string, signal?: AbortSignal) =>
  fetch(url, {
    method: "POST",
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    signal,
  });

Deno.test("the fault proxy forwards, blackholes until released, and injects errors and garbage", async () => {
  const up = upstream();
  const proxy = await startFaultProxy({ target: await up.url });
  try {
    const ok = await call(proxy.url);
    assert.equal((await ok.json()).result, "0x7a69");

    proxy.setMode({ blackhole: true });
    const held = call(proxy.url);
    let settled = false;
    held.then(() => settled = true);
    const deadline = Date.now() + 5000;
    while (proxy.stats().blackholed === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(settled, false, "a blackholed call is not answered");
    proxy.setMode({ blackhole: false });
    assert.equal((await (await held).json()).result, "0x7a69", "released calls go through");

    proxy.setMode({ errorRate: 1 });
    const err = await call(proxy.url);
    assert.equal(err.status, 500);
    await err.body?.cancel();
    proxy.setMode({ errorRate: 0, malformedRate: 1 });
    const bad = await call(proxy.url);
    await assert.rejects(bad.json());
    assert.deepEqual(
      { errors: proxy.stats().errors, malformed: proxy.stats().malformed },
      { errors: 1, malformed: 1 },
    );
  } finally {
    await proxy.stop();
    await up.stop();
  }
});

Deno.test("stopping the fault proxy answers calls it still holds", async () => {
  const up = upstream();
  const proxy = await startFaultProxy({ target: await up.url, mode: { blackhole: true } });
  const held = call(proxy.url);
  const deadline = Date.now() + 5000;
  while (proxy.stats().blackholed === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
  await proxy.stop();
  const res = await held;
  assert.equal(res.status, 503);
  await res.body?.cancel();
  await up.stop();
});

Deno.test("a timed outage holds calls for its length, then lets them through", async () => {
  const up = upstream();
  const proxy = await startFaultProxy({ target: await up.url });
  try {
    const t0 = performance.now();
    proxy.blackholeFor(300);
    const res = await call(proxy.url);
    const waited = performance.now() - t0;
    assert.equal((await res.json()).result, "0x7a69");
    assert.ok(waited >= 250, `held about 300 ms, got ${Math.round(waited)} ms`);
    assert.equal(proxy.stats().blackholed, 1);
    const after = performance.now();
    await (await call(proxy.url)).body?.cancel();
    assert.ok(performance.now() - after < 250, "no outage after the window");
  } finally {
    await proxy.stop();
    await up.stop();
  }
});

Deno.test("delayed calls wait a seeded time within [delayMs, delayMaxMs]", async () => {
  const up = upstream();
  const proxy = await startFaultProxy({
    target: await up.url,
    mode: { delayRate: 1, delayMs: 100, delayMaxMs: 200 },
  });
  try {
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await (await call(proxy.url)).body?.cancel();
      const ms = performance.now() - t0;
      assert.ok(ms >= 95 && ms < 400, `delay ${Math.round(ms)} ms within the range`);
    }
    assert.equal(proxy.stats().delayed, 3);
  } finally {
    await proxy.stop();
    await up.stop();
  }
});
