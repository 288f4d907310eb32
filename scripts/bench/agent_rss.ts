/**
 * Memory of the request side of the agent, each figure measured in a fresh process:
 *
 * - `active <kv>`: 1,000 requests being worked (views fresh, an approval or fill in flight, so
 *   none can passivate); prints the RSS and heap growth they cost.
 * - `history <kv> <n>`: writes `n` requests that end ignored (expired) and passivate.
 * - `recover <kv>`: recovers that KV (every request passivated) and prints the growth.
 *
 * The real RequestActor, router and shards run; there is no chain: views and events are the
 * messages the watchers would send.
 *
 * @module
 */

import { ActorSystem, type Behavior, shardedChildPath } from "../../lib/runtime/mod.ts";
import { requestRouterBehaviors } from "../../actors/requests.ts";
import { statusBehavior } from "../../actors/status.ts";
import type { AgentSettings } from "../../lib/agent/settings.ts";
import type { BridgeEvent, ChainView, EventRef, Hex } from "../../lib/agent/messages.ts";

const SRC = 10, TGT = 20, L1 = 1;
const TOKEN_S = "0x1111111111111111111111111111111111111111";
const TOKEN_T = "0x2222222222222222222222222222222222222222";

const settings: AgentSettings = {
  lp: "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  l1ChainId: L1,
  chains: Object.fromEntries([SRC, TGT].map((c) => [String(c), {
    chainId: c,
    requestManager: `0x${"5".repeat(38)}${c}`,
    fillManager: `0x${"6".repeat(38)}${c}`,
    maxViewLag: 3600,
    maxBlockLag: 1_000_000,
    minSourceBalance: "0",
  }])) as AgentSettings["chains"],
  tokens: [
    { class: "TST", chainId: SRC, address: TOKEN_S, allowance: "max" },
    { class: "TST", chainId: TGT, address: TOKEN_T, allowance: "max" },
  ],
  minFeePpm: 0,
  tokenPolicy: { TST: { reserveBalance: "0" } },
  unsafeFillTime: 600,
  fillWaitTime: 30,
  defaultL1GasPrice: "1000000000",
  l1Relay: "devnet",
  maxTxAttempts: 3,
} as AgentSettings;

function view(chainId: number, now: number): ChainView {
  return {
    chainId,
    head: 100,
    synced: 100,
    timestamp: Math.floor(now / 1000),
    at: now,
    rpcOk: true,
    rpcUrl: "http://bench",
    nativeBalance: String(10n ** 18n),
    tokens: chainId === TGT ? { [TOKEN_T]: { balance: String(10n ** 30n), allowance: "0" } } : {},
    params: chainId === L1 ? undefined : {
      claimStake: "100",
      claimPeriod: 100,
      claimRequestExtension: 100,
      challengePeriodExtension: 50,
      finalityPeriods: { [SRC]: 60, [TGT]: 60 },
      lpAllowedOnRequestManager: true,
      lpAllowedOnFillManager: true,
    },
    gasPrice: chainId === L1 ? "1000000000" : undefined,
  };
}

function event(i: number, validUntil: number): { id: Hex; event: BridgeEvent; ref: EventRef } {
  const id = `0x${i.toString(16).padStart(64, "0")}` as Hex;
  const blockHash = `0x${(i + 1).toString(16).padStart(64, "0")}` as Hex;
  return {
    id,
    event: {
      type: "RequestCreated",
      requestId: id,
      targetChainId: TGT,
      sourceToken: TOKEN_S,
      targetToken: TOKEN_T,
      sourceAddress: "0x3333333333333333333333333333333333333333",
      targetAddress: "0x3333333333333333333333333333333333333333",
      amount: "1000000000000000000",
      nonce: String(i),
      validUntil,
      lpFee: "1000000000000000",
      protocolFee: "0",
    },
    ref: {
      chainId: SRC,
      blockNumber: 50,
      blockHash,
      logIndex: 0,
      txHash: blockHash,
      timestamp: Math.floor(Date.now() / 1000),
      key: `${blockHash}:0`,
    },
  };
}

// deno-lint-ignore no-explicit-any
const gc = (globalThis as any).gc as (() => void) | undefined;
const behaviors = [...requestRouterBehaviors(settings), statusBehavior as Behavior];

async function until(cond: () => boolean, what: string, ms = 600_000) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** How many of the requests `from … from+n-1` are live actors. */
function liveRequests(system: ActorSystem, from: number, n: number): number {
  let live = 0;
  for (let i = from; i < from + n; i++) {
    const id = `0x${i.toString(16).padStart(64, "0")}`;
    if (system.statusOf(shardedChildPath("/requests", id)) === "active") live++;
  }
  return live;
}

function feed(system: ActorSystem, from: number, n: number, validUntil: number) {
  const now = Date.now();
  for (const c of [SRC, TGT, L1]) system.send("/requests", { type: "View", view: view(c, now) });
  for (let i = from; i < from + n; i++) {
    const e = event(i, validUntil);
    system.send("/requests", {
      type: "route",
      id: e.id,
      msg: { type: "Event", event: e.event, ref: e.ref },
    });
  }
}

const [mode, path, count] = Deno.args;
const kv = await Deno.openKv(path);
if (mode === "active") {
  const system = await ActorSystem.start({ kv, behaviors });
  system.spawn("/status", "status");
  system.spawn("/requests", "requests");
  // warm up the code paths, so the measurement is the actors, not the compiled code
  feed(system, 1_000_000, 50, Math.floor(Date.now() / 1000) + 7200);
  await until(() => liveRequests(system, 1_000_000, 50) === 50, "warm-up");
  await system.flush();
  gc?.();
  const before = Deno.memoryUsage();
  feed(system, 1, 1000, Math.floor(Date.now() / 1000) + 7200);
  await until(() => liveRequests(system, 1, 1000) === 1000, "1,000 active requests");
  await system.flush();
  gc?.();
  const after = Deno.memoryUsage();
  const active = liveRequests(system, 1, 1000);
  await system.stop({ timeoutMs: 30_000 });
  console.log(JSON.stringify({
    rssMB: (after.rss - before.rss) / 2 ** 20,
    heapMB: (after.heapUsed - before.heapUsed) / 2 ** 20,
    active,
  }));
} else if (mode === "history") {
  const n = Number(count ?? 100_000);
  const system = await ActorSystem.start({ kv, behaviors });
  system.spawn("/status", "status");
  system.spawn("/requests", "requests");
  const expired = Math.floor(Date.now() / 1000) - 10;
  for (let i = 1; i <= n; i += 5_000) {
    feed(system, i, Math.min(5_000, n - i + 1), expired);
    await until(() => system.counts.passive >= i + Math.min(5_000, n - i + 1) - 1, "passivated");
  }
  await system.stop({ timeoutMs: 60_000 });
  console.log(JSON.stringify({ written: n }));
} else if (mode === "recover") {
  let keys = 0;
  for await (const _ of kv.list({ prefix: ["tern", "snap"] }, { batchSize: 1000 })) keys++;
  gc?.();
  const before = Deno.memoryUsage();
  const system = await ActorSystem.start({ kv, behaviors });
  gc?.();
  const after = Deno.memoryUsage();
  const passive = system.counts.passive;
  await system.stop({ timeoutMs: 30_000 });
  console.log(JSON.stringify({
    rssMB: (after.rss - before.rss) / 2 ** 20,
    heapMB: (after.heapUsed - before.heapUsed) / 2 ** 20,
    passive,
    keys,
  }));
} else {
  console.error("usage: agent_rss.ts active|history|recover <kv> [n]");
  Deno.exit(2);
}
kv.close();
