import assert from "node:assert/strict";
import { chainWatcherBehavior } from "../../actors/chain_watcher.ts";
import { paths } from "../../lib/agent/messages.ts";
import { ChainRpc, RpcError, stripCredentials } from "../../lib/chain/rpc.ts";
import type { WatcherState } from "../../lib/chain/watch.ts";
import { ActorSystem } from "../../lib/runtime/mod.ts";
import { mine, startAnvil } from "../../scripts/devnet/anvil.ts";
import { startFaultProxy } from "../../scripts/fault_proxy.ts";
import { tempKv } from "../support/kv.ts";
import { waitFor } from "../support/wait.ts";
import { routerLog, stubRouter, testInit } from "./support.ts";

const LP = "0x000000000000000000000000000000000000dead" as const;

Deno.test("RPC URLs are reported without credentials", () => {
  assert.equal(
    stripCredentials("https://user:secret@rpc.example/v1?key=abc"),
    "https://rpc.example/v1",
  );
  const rpc = new ChainRpc({ chainId: 1, urls: ["http://u:p@127.0.0.1:1/"], timeoutMs: 100 });
  assert.equal(rpc.urlInUse(), "http://127.0.0.1:1");
});

Deno.test("a call fails over to the second URL when the first is blackholed", async () => {
  const chain = await startAnvil({ chainId: 4101 });
  const proxy = await startFaultProxy({
    target: chain.rpcHttp,
    port: 0,
    mode: { blackhole: true },
  });
  const calls: { url: string; ok: boolean }[] = [];
  const rpc = new ChainRpc({
    chainId: 4101,
    urls: [proxy.url, chain.rpcHttp],
    timeoutMs: 200,
    onCall: (c) => calls.push(c),
  });
  try {
    const id = await rpc.publicClient().getChainId();
    assert.equal(id, 4101);
    assert.equal(rpc.urlInUse(), stripCredentials(chain.rpcHttp));
    assert.deepEqual(calls.map((c) => c.ok), [false, true]);
    const onlyDead = new ChainRpc({ chainId: 4101, urls: [proxy.url], timeoutMs: 100 });
    await assert.rejects(
      () => onlyDead.request("eth_blockNumber"),
      (e) =>
        e instanceof RpcError && e.timedOut &&
        /chain 4101: eth_blockNumber at http/.test(e.message),
    );
    await onlyDead.close();
  } finally {
    await rpc.close();
    await proxy.stop();
    await chain.stop();
  }
});

Deno.test("the watcher fails over to the second URL and reports which one it uses", async () => {
  const chain = await startAnvil({ chainId: 4102 });
  const proxy = await startFaultProxy({
    target: chain.rpcHttp,
    port: 0,
    mode: { blackhole: true },
  });
  const rpc = new ChainRpc({ chainId: 4102, urls: [proxy.url, chain.rpcHttp], timeoutMs: 200 });
  const t = await tempKv();
  const log = routerLog();
  const system = await ActorSystem.start({
    kv: t.kv,
    behaviors: [stubRouter(log), chainWatcherBehavior({ rpcFor: () => rpc })],
  });
  try {
    await mine(chain.rpcHttp, 5);
    system.spawn(paths.requests, "stub-router");
    system.spawn(paths.watcher(4102), "chain-watcher", testInit({ chainId: 4102, lp: LP }));
    await waitFor(
      () => log.views.some((v) => v.rpcOk && v.synced >= 5 && v.gasPrice !== undefined),
      "a view synced through the second URL",
    );
    const v = log.views.findLast((v) => v.rpcOk)!;
    assert.equal(v.rpcUrl, stripCredentials(chain.rpcHttp));
    assert.match(
      system.info(paths.watcher(4102))!.summary,
      new RegExp(`^synced \\d+/\\d+ rpc ok ${stripCredentials(chain.rpcHttp)}`),
    );
  } finally {
    await system.stop();
    await rpc.close();
    await proxy.stop();
    await chain.stop();
    await t.cleanup();
  }
});

Deno.test("a blackholed chain blocks neither another chain nor the system's stop", async () => {
  const chain = await startAnvil({ chainId: 4103 });
  const other = await startAnvil({ chainId: 4106 });
  const proxy = await startFaultProxy({
    target: chain.rpcHttp,
    port: 0,
    mode: { blackhole: true },
  });
  const dead = new ChainRpc({ chainId: 4103, urls: [proxy.url], timeoutMs: 300 });
  const live = new ChainRpc({ chainId: 4106, urls: [other.rpcHttp], timeoutMs: 300 });
  const t = await tempKv();
  const log = routerLog();
  const system = await ActorSystem.start({
    kv: t.kv,
    behaviors: [
      stubRouter(log),
      chainWatcherBehavior({ rpcFor: (id) => id === 4103 ? dead : live }),
    ],
  });
  try {
    system.spawn(paths.requests, "stub-router");
    system.spawn(paths.watcher(4103), "chain-watcher", testInit({ chainId: 4103, lp: LP }));
    system.spawn(paths.watcher(4106), "chain-watcher", testInit({ chainId: 4106, lp: LP }));
    await waitFor(
      () => log.views.some((v) => v.chainId === 4103 && !v.rpcOk),
      "a view of the dead chain with rpcOk=false",
    );
    await waitFor(() => proxy.stats().blackholed >= 2, "calls held by the blackhole");
    assert.match(system.info(paths.watcher(4103))!.summary, /rpc down .*\(chain 4103: .*no answer/);
    for (let i = 0; i < 3; i++) {
      await mine(other.rpcHttp, 1);
      const n = i + 1;
      await waitFor(
        () => log.views.some((v) => v.chainId === 4106 && v.rpcOk && v.synced >= n),
        `the live chain synced to ${n}`,
      );
    }
    assert.ok(!log.views.some((v) => v.chainId === 4103 && v.rpcOk && v.synced >= 0));
    const started = performance.now();
    await system.stop();
    await dead.close();
    await live.close();
    const ms = performance.now() - started;
    assert.ok(ms < 2_000, `stop took ${ms} ms`);
  } finally {
    await system.stop();
    await dead.close();
    await live.close();
    await proxy.stop();
    await chain.stop();
    await other.stop();
    await t.cleanup();
  }
});

Deno.test("a lagging endpoint after failover never moves the cursor or the head back", async () => {
  const ahead = await startAnvil({ chainId: 4104 });
  const behind = await startAnvil({ chainId: 4104 });
  const proxy = await startFaultProxy({ target: ahead.rpcHttp, port: 0 });
  const rpc = new ChainRpc({ chainId: 4104, urls: [proxy.url, behind.rpcHttp], timeoutMs: 200 });
  const t = await tempKv();
  const log = routerLog();
  const system = await ActorSystem.start({
    kv: t.kv,
    behaviors: [stubRouter(log), chainWatcherBehavior({ rpcFor: () => rpc })],
  });
  const path = paths.watcher(4104);
  try {
    await mine(ahead.rpcHttp, 20);
    await mine(behind.rpcHttp, 2);
    system.spawn(paths.requests, "stub-router");
    system.spawn(path, "chain-watcher", testInit({ chainId: 4104, lp: LP, role: "rollup" }));
    await waitFor(
      () => (system.stateOf<WatcherState>(path)?.pos.cursor?.n ?? 0) >= 20,
      "synced to 20",
    );
    const before = system.stateOf<WatcherState>(path)!;
    proxy.setMode({ blackhole: true });
    await waitFor(
      () => log.views.some((v) => v.rpcUrl === stripCredentials(behind.rpcHttp) && v.rpcOk),
      "views from the lagging endpoint",
    );
    await mine(behind.rpcHttp, 3);
    // Several polls against the lagging endpoint.
    const polls = log.views.length;
    await waitFor(() => log.views.length >= polls + 5, "more views");
    const after = system.stateOf<WatcherState>(path)!;
    assert.deepEqual(after.pos.cursor, before.pos.cursor, "the cursor stayed where it was");
    assert.ok(after.head >= before.head, "the head never went back");
    assert.equal(after.forkPending, false, "a missing block is no reorg");
    const synced = log.views.map((v) => v.synced);
    assert.deepEqual(synced, [...synced].sort((a, b) => a - b), "synced never decreased");
    assert.deepEqual(log.removed, []);
  } finally {
    await system.stop();
    await rpc.close();
    await proxy.stop();
    await ahead.stop();
    await behind.stop();
    await t.cleanup();
  }
});

Deno.test("new heads arrive over the WebSocket and close() ends a pending wait at once", async () => {
  const chain = await startAnvil({ chainId: 4105 });
  const rpc = new ChainRpc({ chainId: 4105, urls: [chain.rpcWs], timeoutMs: 500 });
  try {
    assert.equal(rpc.hasHeadFeed(), true);
    assert.equal(rpc.urlInUse(), stripCredentials(chain.rpcHttp), "calls go over http");
    const signal = new AbortController().signal;
    const first = rpc.nextHead(-1, signal);
    // The subscription needs a moment to be in place before a block counts.
    await waitFor(async () => {
      await mine(chain.rpcHttp, 1);
      return await Promise.race([
        first.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 20)),
      ]);
    }, "a head over the WebSocket");
    const n = await first;
    assert.ok(n >= 1);
    const pending = rpc.nextHead(n + 100, signal);
    await rpc.close();
    await assert.rejects(pending, "close ends a pending wait for a head");
  } finally {
    await rpc.close();
    await chain.stop();
  }
});
