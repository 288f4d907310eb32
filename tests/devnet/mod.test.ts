import assert from "node:assert/strict";
import { latestTimestamp } from "../../scripts/devnet/anvil.ts";
import { devnetEndpoints, devnetPublicClient } from "../../scripts/devnet/clients.ts";
import { DevnetError, startDevnet } from "../../scripts/devnet/mod.ts";
import { actors, createRequest, eventually, fill, requestManagerAbi, TOKEN } from "./helpers.ts";

Deno.test("startDevnet refuses bad chain ids before starting anything", async () => {
  await assert.rejects(
    () => startDevnet({ l1ChainId: 31337, rollupChainIds: [31338, 31338] }),
    (e) => e instanceof DevnetError && /distinct/.test(e.message),
  );
  await assert.rejects(
    () => startDevnet({ rollupChainIds: [31338] }),
    (e) => e instanceof DevnetError && /at least two rollups/.test(e.message),
  );
});

Deno.test("a default devnet relays fill proofs and advances every chain's clock", async (t) => {
  const devnet = await startDevnet({
    relayDelayMs: 100,
    l1ChainId: 900,
    rollupChainIds: [901, 902],
  });
  try {
    const { info } = devnet;
    assert.deepEqual([info.l1.chainId, ...info.rollups.map((r) => r.chainId)], [900, 901, 902]);
    assert.equal(info.params.relayDelayMs, 100);
    assert.ok(devnet.relay, "the relay runs by default");

    await t.step("its relay resolves a fill on the source rollup", async () => {
      const { a, b, lp, user } = actors(info);
      const request = await createRequest(user.a, b, TOKEN);
      const fillId = await fill(lp.b, request);
      const resolved = await eventually("RequestResolved on rollup A", async () => {
        const events = await user.a.reader.getContractEvents({
          address: a.requestManager,
          abi: requestManagerAbi,
          eventName: "RequestResolved",
          fromBlock: 0n,
        });
        return events.find((e) => e.args.requestId === request.requestId);
      });
      assert.equal(resolved.args.fillId, fillId);
      await devnet.relay!.waitIdle();
      assert.equal(devnet.relay!.stats().delivered, 2);
    });

    await t.step("advanceTime moves every chain's clock", async () => {
      const chains = devnetEndpoints(info);
      const before = await Promise.all(chains.map((c) => latestTimestamp(c.rpcHttp)));
      await devnet.advanceTime(3600);
      const after = await Promise.all(chains.map((c) => latestTimestamp(c.rpcHttp)));
      for (let i = 0; i < chains.length; i++) {
        assert.ok(after[i] >= before[i] + 3600, `${chains[i].name} moved by an hour`);
      }
    });
  } finally {
    await devnet.stop();
  }
});

Deno.test("with a block time the devnet chains mine blocks on their own", async () => {
  const devnet = await startDevnet({ blockTime: 1, relay: false });
  try {
    for (const chain of devnetEndpoints(devnet.info)) {
      const client = devnetPublicClient(chain);
      const start = await client.getBlockNumber();
      await eventually(`a new block on ${chain.name}`, async () => {
        const now = await client.getBlockNumber();
        return now > start ? now : undefined;
      }, 10_000);
    }
  } finally {
    await devnet.stop();
  }
});
