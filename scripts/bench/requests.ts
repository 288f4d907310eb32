/**
 * Fast request creation for benchmarks: every user is minted plenty of TST and approves the
 * RequestManagers once, then requests are sent on parallel lanes (one per user and chain) with
 * explicit nonces, so a thousand requests land within about a second on automining anvils.
 *
 * @module
 */

import { maxUint256, parseEventLogs } from "viem";
import {
  erc20Abi,
  fillManagerAbi,
  mintableTokenAbi,
  requestManagerAbi,
} from "../../lib/chain/abi.ts";
import { devnetPublicClient, devnetWalletClient } from "../devnet/clients.ts";
import type { DevnetInfo, DevnetRollupInfo, Hex } from "../devnet/types.ts";

const TOKEN = 10n ** 18n;

/** A created request and the block that carries it. */
export interface BenchRequest {
  requestId: Hex;
  sourceChainId: number;
  targetChainId: number;
  blockNumber: number;
}

/** Mints and approves so every user can create many requests on every rollup. */
export async function prepareUsers(info: DevnetInfo, tokensEach = 100_000n): Promise<void> {
  await Promise.all(info.rollups.flatMap((r) =>
    info.accounts.users.map(async (u) => {
      const wallet = devnetWalletClient(r, u, { timeoutMs: 30_000 });
      const reader = devnetPublicClient(r, { timeoutMs: 30_000 });
      for (
        const hash of [
          await wallet.writeContract({
            address: r.tokens.TST,
            abi: mintableTokenAbi,
            functionName: "mint",
            args: [u.address, tokensEach * TOKEN],
          }),
          await wallet.writeContract({
            address: r.tokens.TST,
            abi: erc20Abi,
            functionName: "approve",
            args: [r.requestManager, maxUint256],
          }),
        ]
      ) await reader.waitForTransactionReceipt({ hash });
    })
  ));
}

/**
 * Creates `count` requests alternating direction between the first two rollups. With
 * `ratePerSecond` they are paced; without, every lane sends as fast as the chain accepts.
 */
export async function createRequests(
  info: DevnetInfo,
  count: number,
  opts: { ratePerSecond?: number; amount?: bigint; validity?: number } = {},
): Promise<BenchRequest[]> {
  const [a, b] = info.rollups;
  const lanes = new Map<
    string,
    { source: DevnetRollupInfo; target: DevnetRollupInfo; n: number[] }
  >();
  for (let i = 0; i < count; i++) {
    const [source, target] = i % 2 === 0 ? [a, b] : [b, a];
    const user = (i >> 1) % info.accounts.users.length;
    const key = `${source.chainId}:${user}`;
    const lane = lanes.get(key) ?? { source, target, n: [] };
    lane.n.push(i);
    lanes.set(key, lane);
  }
  const start = performance.now();
  const fromBlocks = new Map<number, bigint>();
  for (const r of [a, b]) {
    fromBlocks.set(r.chainId, await devnetPublicClient(r).getBlockNumber());
  }
  await Promise.all([...lanes.entries()].map(async ([key, lane]) => {
    const user = info.accounts.users[Number(key.split(":")[1])];
    const wallet = devnetWalletClient(lane.source, user, { timeoutMs: 30_000 });
    const reader = devnetPublicClient(lane.source, { timeoutMs: 30_000 });
    let nonce = await reader.getTransactionCount({ address: user.address, blockTag: "pending" });
    let last: Hex | undefined;
    for (const i of lane.n) {
      if (opts.ratePerSecond) {
        const due = start + (i * 1000) / opts.ratePerSecond;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      last = await wallet.writeContract({
        address: lane.source.requestManager,
        abi: requestManagerAbi,
        functionName: "createRequest",
        args: [
          BigInt(lane.target.chainId),
          lane.source.tokens.TST,
          lane.target.tokens.TST,
          user.address,
          opts.amount ?? TOKEN / 10n,
          BigInt(opts.validity ?? 7200),
        ],
        nonce: nonce++,
        gas: 400_000n,
      });
    }
    // A lane's last request mined means every one before it is (nonces are in order).
    if (last) await reader.waitForTransactionReceipt({ hash: last });
  }));
  const out: BenchRequest[] = [];
  for (const [source, target] of [[a, b], [b, a]]) {
    const reader = devnetPublicClient(source, { timeoutMs: 30_000 });
    const logs = await reader.getLogs({
      address: source.requestManager,
      fromBlock: fromBlocks.get(source.chainId)! + 1n,
      toBlock: "latest",
    });
    for (const e of parseEventLogs({ abi: requestManagerAbi, eventName: "RequestCreated", logs })) {
      out.push({
        requestId: e.args.requestId,
        sourceChainId: source.chainId,
        targetChainId: target.chainId,
        blockNumber: Number(e.blockNumber),
      });
    }
  }
  return out;
}

/** Block number of the RequestFilled of every filled request id on the given rollups. */
export async function fillBlocks(
  info: DevnetInfo,
  fromBlocks: Map<number, bigint>,
  filler?: string,
): Promise<Map<string, { chainId: number; blockNumber: number }>> {
  const out = new Map<string, { chainId: number; blockNumber: number }>();
  for (const r of info.rollups) {
    const reader = devnetPublicClient(r, { timeoutMs: 30_000 });
    const logs = await reader.getLogs({
      address: r.fillManager,
      fromBlock: fromBlocks.get(r.chainId) ?? 0n,
      toBlock: "latest",
    });
    for (const e of parseEventLogs({ abi: fillManagerAbi, eventName: "RequestFilled", logs })) {
      if (filler && e.args.filler.toLowerCase() !== filler.toLowerCase()) continue;
      out.set(e.args.requestId, { chainId: r.chainId, blockNumber: Number(e.blockNumber) });
    }
  }
  return out;
}
