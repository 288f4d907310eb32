import assert from "node:assert/strict";
import { maxUint256 } from "viem";
import { chainWatcherBehavior } from "../../actors/chain_watcher.ts";
import { devnetConfigToml } from "../../lib/agent/devnet_config.ts";
import { type Hex, paths } from "../../lib/agent/messages.ts";
import { pendingCount } from "../../lib/chain/cursor.ts";
import type { ChainRpc } from "../../lib/chain/rpc.ts";
import { chainRpcFor, l1WatcherInit, rollupWatcherInit } from "../../lib/chain/setup.ts";
import type { WatcherState } from "../../lib/chain/watch.ts";
import { parseConfig } from "../../lib/config/mod.ts";
import { ActorSystem } from "../../lib/runtime/mod.ts";
import { rpcCall } from "../../scripts/devnet/anvil.ts";
import { startDevnet } from "../../scripts/devnet/mod.ts";
import { actors, createRequest, requestManagerAbi, TOKEN, tokenAbi } from "../devnet/helpers.ts";
import { tempKv } from "../support/kv.ts";
import { waitFor } from "../support/wait.ts";
import { routerLog, stubRouter } from "./support.ts";

Deno.test("the chain watcher on a devnet: delivery, views, reorgs and restart", async (t) => {
  const devnet = await startDevnet({ relay: false, l1ChainId: 4200, rollupChainIds: [4201, 4202] });
  const kv = await tempKv();
  const { info } = devnet;
  const [a] = info.rollups;
  const toml = devnetConfigToml(info, {
    dataDir: kv.dir,
    keystore: `${kv.dir}/key.json`,
    rpcOverrides: { [a.chainId]: [a.rpcWs] },
  });
  const config = parseConfig(toml, { checkFiles: false, requireSecrets: false });
  const chainA = config.chains.find((c) => c.chainId === a.chainId)!;
  const lp = info.accounts.lp.address;
  const rpcs = new Map<number, ChainRpc>();
  const rpcFor = (id: number) => {
    if (!rpcs.has(id)) {
      rpcs.set(id, chainRpcFor(id === config.baseChain.chainId ? config.baseChain : chainA));
    }
    return rpcs.get(id)!;
  };
  const closeRpcs = async () => {
    for (const r of rpcs.values()) await r.close();
    rpcs.clear();
  };
  const log = routerLog();
  const behaviors = () => [stubRouter(log), chainWatcherBehavior({ rpcFor })];
  let system = await ActorSystem.start({ kv: kv.kv, behaviors: behaviors() });
  const path = paths.watcher(a.chainId);
  const state = () => system.stateOf<WatcherState>(path)!;
  const { user } = actors(info);
  try {
    system.spawn(paths.requests, "stub-router");
    system.spawn(path, "chain-watcher", {
      ...rollupWatcherInit(config, chainA, lp),
      ackTimeoutMs: 400,
    });
    system.spawn(paths.watcher(info.l1.chainId), "chain-watcher", l1WatcherInit(config, lp));

    await t.step("views carry balances, allowances and contract parameters", async () => {
      await waitFor(() => log.views.some((v) => v.chainId === a.chainId && v.params), "a view");
      const v = log.views.findLast((v) => v.chainId === a.chainId && v.params)!;
      assert.equal(v.rpcOk, true);
      assert.equal(v.params!.claimStake, info.params.claimStake);
      assert.equal(v.params!.claimPeriod, info.params.claimPeriod);
      assert.equal(
        v.params!.finalityPeriods[String(info.rollups[1].chainId)],
        info.params.finalityPeriod,
      );
      assert.equal(v.params!.lpAllowedOnFillManager, true);
      assert.ok(BigInt(v.tokens[a.tokens.TST.toLowerCase()].balance) > 0n, "the LP holds TST");
      assert.ok(BigInt(v.nativeBalance) > 0n);
      await waitFor(
        () => log.views.some((v) => v.chainId === info.l1.chainId && v.gasPrice !== undefined),
        "an L1 view with a gas price",
      );
    });

    await t.step(
      "a RequestCreated reaches /requests right after its block, over new heads",
      async () => {
        // Mint and approve first so the measured transaction is the request alone.
        const fee = 10n ** 18n;
        await user.a.confirm(user.a.wallet.writeContract({
          address: a.tokens.TST,
          abi: tokenAbi,
          functionName: "mint",
          args: [user.a.address, 10n * TOKEN],
        }));
        await user.a.confirm(user.a.wallet.writeContract({
          address: a.tokens.TST,
          abi: tokenAbi,
          functionName: "approve",
          args: [a.requestManager, maxUint256],
        }));
        assert.ok(fee > 0n);
        const before = log.events.length;
        // anvil mines on submission: the block exists once the hash is returned.
        const hash = await user.a.wallet.writeContract({
          address: a.requestManager,
          abi: requestManagerAbi,
          functionName: "createRequest",
          args: [
            BigInt(info.rollups[1].chainId),
            a.tokens.TST,
            info.rollups[1].tokens.TST,
            user.a.address,
            TOKEN,
            3600n,
          ],
        });
        await waitFor(() => log.events.length > before, "the event", 5_000);
        const got = log.events[before];
        assert.equal(got.type, "RequestCreated");
        assert.equal(got.ref.txHash, hash.toLowerCase());
        await waitFor(() => pendingCount(state().pos) === 0, "acknowledged");
        assert.equal(state().pos.cursor!.n, got.ref.blockNumber);
      },
    );

    await t.step(
      "a reorg that drops a RequestCreated retracts it and the chain is read again",
      async () => {
        const request = await createRequest(user.a, info.rollups[1], TOKEN);
        await waitFor(() => log.events.some((e) => e.id === request.requestId), "delivered");
        const delivered = log.events.find((e) => e.id === request.requestId)!;
        await waitFor(
          () => state().pos.cursor?.n === delivered.ref.blockNumber,
          "cursor on the block",
        );
        await rpcCall(a.rpcHttp, "anvil_reorg", [1, []]);
        const newHash = (await rpcCall<{ hash: string }>(a.rpcHttp, "eth_getBlockByNumber", [
          `0x${delivered.ref.blockNumber.toString(16)}`,
          false,
        ])).hash.toLowerCase();
        assert.notEqual(newHash, delivered.ref.blockHash);
        await waitFor(
          () => log.removed.some((r) => r.key === delivered.ref.key),
          "EventRemoved",
          5_000,
        );
        await waitFor(() => state().pos.tip?.h === newHash, "the tip follows the new chain", 5_000);
        assert.ok(state().pos.cursor!.n <= delivered.ref.blockNumber);
        await waitFor(
          () => state().pos.cursor?.h === newHash,
          "the cursor re-reads the new block",
          5_000,
        );
      },
    );

    await t.step("a deeper reorg retracts only the events of the replaced blocks", async () => {
      const before = log.events.length;
      const kept = await createRequest(user.a, info.rollups[1], TOKEN);
      const dropped = await createRequest(user.a, info.rollups[1], 2n * TOKEN);
      const of = (id: Hex) => () => log.events.slice(before).find((e) => e.id === id);
      await waitFor(
        () => of(kept.requestId)() !== undefined && of(dropped.requestId)() !== undefined,
        "both delivered",
      );
      const keptRef = of(kept.requestId)()!.ref;
      const droppedRef = of(dropped.requestId)()!.ref;
      await waitFor(() => state().pos.cursor?.n === droppedRef.blockNumber, "both acknowledged");
      const removedBefore = log.removed.length;
      // createRequest mines three blocks (mint, approve, create): depth 3 keeps the first request.
      await rpcCall(a.rpcHttp, "anvil_reorg", [3, []]);
      await waitFor(
        () => log.removed.slice(removedBefore).some((r) => r.key === droppedRef.key),
        "EventRemoved",
        5_000,
      );
      assert.ok(!log.removed.some((r) => r.key === keptRef.key), "the first request stays");
      assert.ok(state().pos.cursor!.n >= keptRef.blockNumber, "no rollback below the fork point");
    });

    await t.step(
      "unacknowledged events hold the cursor and are sent again after a timeout",
      async () => {
        log.ack = false;
        const before = log.events.length;
        const request = await createRequest(user.a, info.rollups[1], TOKEN);
        // A request id can repeat after a reorg dropped its first creation: look past `before`.
        const fresh = () => log.events.slice(before).find((e) => e.id === request.requestId);
        await waitFor(() => fresh() !== undefined, "delivered");
        const first = fresh()!;
        assert.ok(state().pos.cursor!.n < first.ref.blockNumber, "the cursor waits for the ack");
        log.ack = true;
        await waitFor(
          () => log.events.filter((e) => e.ref.key === first.ref.key).length >= 2,
          "sent again",
          5_000,
        );
        await waitFor(
          () => state().pos.cursor!.n >= first.ref.blockNumber,
          "cursor past it",
          5_000,
        );
      },
    );

    await t.step(
      "a restart resumes from the persisted cursor without re-delivering acknowledged events",
      async () => {
        await waitFor(
          () => pendingCount(state().pos) === 0 && state().pos.cursor?.n === state().pos.tip?.n,
          "all acked",
        );
        const cursor = state().pos.cursor!;
        const seen = new Set(log.events.map((e) => e.ref.key));
        await system.stop();
        await closeRpcs();
        system = await ActorSystem.start({ kv: await kv.reopen(), behaviors: behaviors() });
        system.spawn(paths.requests, "stub-router");
        assert.deepEqual(state().pos.cursor, cursor, "the cursor came back from the snapshot");
        const count = log.events.length;
        const request = await createRequest(user.a, info.rollups[1], TOKEN);
        await waitFor(
          () => log.events.slice(count).some((e) => e.id === request.requestId),
          "the new request",
        );
        const again = log.events.slice(count).filter((e) => seen.has(e.ref.key));
        assert.deepEqual(again, [], "nothing acknowledged before the restart came again");
      },
    );
  } finally {
    await system.stop();
    await closeRpcs();
    await devnet.stop();
    await kv.cleanup();
  }
});
