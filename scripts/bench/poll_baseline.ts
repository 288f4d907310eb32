/**
 * The baseline of the fill-latency benchmark: a plain polling LP in the style of the reference
 * agent, which reads new RequestCreated logs every `periodMs` (5 s by default, the reference
 * agent's default) and fills each one at once with another account. Same chains, same requests,
 * same measurement as tern's run.
 *
 * @module
 */

import { maxUint256, parseEventLogs } from "viem";
import { erc20Abi, fillManagerAbi, requestManagerAbi } from "../../lib/chain/abi.ts";
import { devnetPublicClient, devnetWalletClient } from "../devnet/clients.ts";
import type { DevAccount, DevnetInfo } from "../devnet/types.ts";

/** A running polling LP; `stop()` ends the loop and waits for it. */
export interface PollingLp {
  stop(): Promise<void>;
}

/** Starts the polling LP for `account` (approvals first), filling requests between the rollups. */
export async function startPollingLp(
  info: DevnetInfo,
  account: DevAccount,
  periodMs = 5_000,
): Promise<PollingLp> {
  const rollups = info.rollups;
  const byId = new Map(rollups.map((r) => [r.chainId, r]));
  const readers = new Map(rollups.map((r) => [r.chainId, devnetPublicClient(r)]));
  const wallets = new Map(rollups.map((r) => [r.chainId, devnetWalletClient(r, account)]));
  const nonces = new Map<number, number>();
  for (const r of rollups) {
    const hash = await wallets.get(r.chainId)!.writeContract({
      address: r.tokens.TST,
      abi: erc20Abi,
      functionName: "approve",
      args: [r.fillManager, maxUint256],
    });
    await readers.get(r.chainId)!.waitForTransactionReceipt({ hash });
    nonces.set(
      r.chainId,
      await readers.get(r.chainId)!.getTransactionCount({
        address: account.address,
        blockTag: "pending",
      }),
    );
  }
  const cursors = new Map<number, bigint>();
  for (const r of rollups) cursors.set(r.chainId, await readers.get(r.chainId)!.getBlockNumber());
  let running = true;
  let wake: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const loop = (async () => {
    while (running) {
      for (const source of rollups) {
        const reader = readers.get(source.chainId)!;
        const head = await reader.getBlockNumber();
        const from = cursors.get(source.chainId)! + 1n;
        if (head < from) continue;
        const logs = await reader.getLogs({
          address: source.requestManager,
          fromBlock: from,
          toBlock: head,
        });
        cursors.set(source.chainId, head);
        for (
          const e of parseEventLogs({ abi: requestManagerAbi, eventName: "RequestCreated", logs })
        ) {
          const target = byId.get(Number(e.args.targetChainId));
          if (!target) continue;
          const nonce = nonces.get(target.chainId)!;
          nonces.set(target.chainId, nonce + 1);
          await wallets.get(target.chainId)!.writeContract({
            address: target.fillManager,
            abi: fillManagerAbi,
            functionName: "fillRequest",
            args: [
              BigInt(source.chainId),
              e.args.targetTokenAddress,
              e.args.targetAddress,
              e.args.amount,
              e.args.nonce,
            ],
            nonce,
            gas: 400_000n,
          });
        }
      }
      await new Promise<void>((r) => {
        wake = r;
        timer = setTimeout(r, periodMs);
      });
    }
  })();
  return {
    async stop() {
      running = false;
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}
