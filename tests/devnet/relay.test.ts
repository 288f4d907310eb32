import assert from "node:assert/strict";
import { keccak256, toHex } from "viem";
import { startDevnet } from "../../scripts/devnet/mod.ts";
import { RelayError, startRelay } from "../../scripts/devnet/relay.ts";
import { type DevnetEndpoint, devnetPublicClient } from "../../scripts/devnet/clients.ts";
import type { Address, DevnetInfo, Hex } from "../../scripts/devnet/types.ts";
import {
  actors,
  createRequest,
  eventually,
  fill,
  fillManagerAbi,
  messengerAbi,
  type TestRequest,
  TOKEN,
} from "./helpers.ts";

async function runRelayUntilIdle(info: DevnetInfo) {
  const relay = startRelay(info, { delayMs: 50, pollIntervalMs: 50 });
  try {
    await relay.waitIdle(30_000);
    return relay.stats();
  } finally {
    await relay.stop();
  }
}

/** A port nothing listens on (bound, then released). */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

Deno.test("the relay delivers each message once, also across a restart", async (t) => {
  const devnet = await startDevnet({ relay: false });
  try {
    const { info } = devnet;
    const { a, b, lp, user } = actors(info);

    await t.step("a fill proof crosses rollup B → L1 → rollup A exactly once", async () => {
      const request = await createRequest(user.a, b, TOKEN);
      await fill(lp.b, request);

      const first = await runRelayUntilIdle(info);
      assert.equal(first.seen, 2);
      assert.equal(first.delivered, 2);
      assert.deepEqual(
        first.messages.map((m) => [m.sourceChainId, m.destinationChainId]),
        [[b.chainId, info.l1.chainId], [info.l1.chainId, a.chainId]],
      );

      const second = await runRelayUntilIdle(info);
      assert.equal(second.seen, 2, "the restarted relay re-reads history");
      assert.equal(second.delivered, 0);
      assert.equal(second.skipped, 2);

      const deliveredOnL1 = await deliveredCount(info.l1, b.l1Messenger);
      const deliveredOnA = await deliveredCount(a, a.messenger);
      assert.equal(deliveredOnL1, 1);
      assert.equal(deliveredOnA, 1);
    });

    await t.step("a message waits for the relay delay before it is delivered", async () => {
      const request = await createRequest(user.a, b, TOKEN);
      await fill(lp.b, request);
      const before = (await runRelayUntilIdle(info)).messages.length;
      const request2 = await createRequest(user.a, b, TOKEN);
      await fill(lp.b, request2);

      const slow = startRelay(info, { delayMs: 600_000, pollIntervalMs: 50 });
      try {
        const stats = await eventually("the new fill proof to be seen", () => {
          const s = slow.stats();
          return Promise.resolve(s.seen > before ? s : undefined);
        });
        const fresh = stats.messages.filter((m) => m.status !== "skipped");
        assert.equal(fresh.length, 1);
        assert.equal(fresh[0].status, "pending");
        assert.equal(stats.delivered, 0);
        await assert.rejects(() => slow.waitIdle(300), RelayError);
      } finally {
        await slow.stop();
      }
      assert.equal(slow.stats().delivered, 0, "stop drops undelivered messages");
    });

    await t.step("a delivery that reverts is recorded as failed with its reason", async () => {
      const request = await createRequest(user.a, b, TOKEN);
      const bogus = keccak256(toHex("never filled"));
      // The FillManager does not stop repeats; the second proof fails on the RequestManager.
      await invalidate(lp.b, request, bogus);
      await invalidate(lp.b, request, bogus);

      const stats = await runRelayUntilIdle(info);
      const failed = stats.messages.filter((m) => m.status === "failed");
      assert.equal(failed.length, 1);
      assert.equal(failed[0].destinationChainId, a.chainId);
      assert.equal(failed[0].reason, "Fill already invalidated");
      assert.equal(stats.pending, 0);
      assert.deepEqual(
        stats.messages.filter((m) => m.status === "pending"),
        [],
        "every other message was delivered or skipped",
      );
    });
  } finally {
    await devnet.stop();
  }
});

Deno.test("the relay keeps running when a chain's RPC is unreachable", async () => {
  const devnet = await startDevnet({ relay: false });
  let relay: ReturnType<typeof startRelay> | undefined;
  try {
    const { info } = devnet;
    const { b, lp, user } = actors(info);
    const request = await createRequest(user.a, b, TOKEN);
    await fill(lp.b, request);

    // Rollup A (the proof's final destination) is unreachable for this relay.
    const broken: DevnetInfo = structuredClone(info);
    broken.rollups[0].rpcHttp = `http://127.0.0.1:${closedPort()}`;
    relay = startRelay(broken, {
      delayMs: 0,
      pollIntervalMs: 50,
      rpcTimeoutMs: 1000,
      maxAttempts: 2,
    });
    const r = relay;
    const stats = await eventually("the L1 → rollup A delivery to give up", () => {
      const s = r.stats();
      return Promise.resolve(s.failed === 1 ? s : undefined);
    });
    assert.equal(stats.delivered, 1, "rollup B → L1 still delivered");
    const failed = stats.messages.find((m) => m.status === "failed");
    assert.equal(failed?.destinationChainId, info.rollups[0].chainId);
    assert.ok(failed?.reason && failed.reason.length > 0, "the transport error is recorded");
  } finally {
    await relay?.stop();
    await devnet.stop();
  }
});

async function invalidate(
  lp: ReturnType<typeof actors>["lp"]["b"],
  request: TestRequest,
  fillId: Hex,
) {
  await lp.confirm(lp.wallet.writeContract({
    address: request.target.fillManager,
    abi: fillManagerAbi,
    functionName: "invalidateFill",
    args: [
      BigInt(request.source.chainId),
      request.target.tokens.TST,
      request.sender,
      request.amount,
      request.nonce,
      fillId,
    ],
  }));
}

/** Number of MessageDelivered logs of `messenger`. */
async function deliveredCount(chain: DevnetEndpoint, messenger: Address): Promise<number> {
  const logs = await devnetPublicClient(chain).getLogs({
    address: messenger,
    event: messengerAbi[1],
    fromBlock: 0n,
  });
  return logs.length;
}
