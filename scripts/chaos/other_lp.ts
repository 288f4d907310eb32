/**
 * The second account of a chaos run: a competing LP that fills a seeded share of the fillable
 * requests first and honestly claims (then withdraws) them, and a false claimer that claims a
 * seeded share of the requests nobody may fill (unsafe, over-balance) with a fill id that does
 * not exist. What it did is recorded so the figures can be checked against it.
 *
 * @module
 */
import { type Hex, keccak256, maxUint256, parseEventLogs, toHex } from "viem";
import { erc20Abi, fillManagerAbi, requestManagerAbi } from "../../lib/chain/abi.ts";
import { devnetPublicClient, devnetWalletClient } from "../devnet/clients.ts";
import { prng } from "../devnet/prng.ts";
import type { CreatedRequest } from "../devnet/traffic.ts";
import type { DevnetInfo } from "../devnet/types.ts";

/** Shares of the other account's actions. */
export interface OtherLpOptions {
  /** Share of fillable requests it fills first (default 0.1). */
  fillShare?: number;
  /** Share of unsafe / over-balance requests it claims falsely (default 0.5). */
  falseClaimShare?: number;
  /** PRNG seed. */
  seed: number;
}

/** A claim on a source rollup. */
export interface ClaimRef {
  chainId: number;
  claimId: bigint;
}

/** What the other account did. */
export interface OtherLpRecord {
  /** Requests it filled and claimed: request id → claim (source chain id, claim id). */
  honest: Map<Hex, ClaimRef>;
  /** Requests it claimed without a fill: request id → claim. */
  falseClaims: Map<Hex, ClaimRef>;
  /** Its honest claims it withdrew. */
  withdrawn: Set<Hex>;
  /** Actions that failed (lost races, reverted calls), as messages. */
  failures: string[];
}

/** The other LP, fed with every request the traffic generator creates. */
export interface OtherLp {
  /** Called for each created request; queues what to do with it. */
  onRequest(request: CreatedRequest): void;
  /** Withdraws the honest claims whose period is over; call now and then. */
  settle(): Promise<void>;
  /** Waits for queued actions to finish. */
  idle(): Promise<void>;
  /** What it did. */
  record: OtherLpRecord;
}

/** Creates the other LP for a devnet. */
export function createOtherLp(info: DevnetInfo, o: OtherLpOptions): OtherLp {
  const rng = prng(o.seed ^ 0x07e1);
  const fillShare = o.fillShare ?? 0.1;
  const falseShare = o.falseClaimShare ?? 0.5;
  const account = info.accounts.otherLp;
  const clients = new Map(info.rollups.map((r) => [r.chainId, {
    rollup: r,
    reader: devnetPublicClient(r, { timeoutMs: 10_000 }),
    wallet: devnetWalletClient(r, account, { timeoutMs: 10_000 }),
  }]));
  const record: OtherLpRecord = {
    honest: new Map(),
    falseClaims: new Map(),
    withdrawn: new Set(),
    failures: [],
  };
  let claimStake: bigint | undefined;
  let approved = false;
  // One action at a time: the account's nonces stay in order.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (what: string, action: () => Promise<void>) => {
    queue = queue.then(action).catch((e) => {
      record.failures.push(`${what}: ${e instanceof Error ? e.message.split("\n")[0] : e}`);
    });
  };

  type Clients = typeof clients extends Map<number, infer C> ? C : never;
  const send = async (chainId: number, write: (c: Clients) => Promise<Hex>) => {
    const c = clients.get(chainId)!;
    const hash = await write(c);
    const receipt = await c.reader.waitForTransactionReceipt({ hash, timeout: 30_000 });
    if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
    return receipt;
  };

  const stake = async () => {
    claimStake ??= await clients.get(info.rollups[0].chainId)!.reader.readContract({
      address: info.rollups[0].requestManager,
      abi: requestManagerAbi,
      functionName: "claimStake",
    });
    return claimStake;
  };

  const claim = async (r: CreatedRequest, fillId: Hex) => {
    const receipt = await send(r.sourceChainId, (c) =>
      c.wallet.writeContract({
        address: c.rollup.requestManager,
        abi: requestManagerAbi,
        functionName: "claimRequest",
        args: [r.requestId, fillId],
        value: claimStake!,
      }));
    const [made] = parseEventLogs({
      abi: requestManagerAbi,
      eventName: "ClaimMade",
      logs: receipt.logs,
    });
    if (!made) throw new Error(`no ClaimMade in the claim of ${r.requestId}`);
    return { chainId: r.sourceChainId, claimId: made.args.claimId };
  };

  const fillAndClaim = async (r: CreatedRequest) => {
    await stake();
    if (!approved) {
      for (const c of clients.values()) {
        await send(c.rollup.chainId, (x) =>
          x.wallet.writeContract({
            address: x.rollup.tokens.TST,
            abi: erc20Abi,
            functionName: "approve",
            args: [x.rollup.fillManager, maxUint256],
          }));
      }
      approved = true;
    }
    const receipt = await send(r.targetChainId, (c) =>
      c.wallet.writeContract({
        address: c.rollup.fillManager,
        abi: fillManagerAbi,
        functionName: "fillRequest",
        args: [BigInt(r.sourceChainId), r.targetToken, r.sender, r.amount, r.nonce],
      }));
    const [filled] = parseEventLogs({
      abi: fillManagerAbi,
      eventName: "RequestFilled",
      logs: receipt.logs,
    });
    if (!filled) throw new Error(`no RequestFilled in the fill of ${r.requestId}`);
    record.honest.set(r.requestId, await claim(r, filled.args.fillId));
  };

  return {
    record,
    onRequest(r) {
      if (r.kind === "fillable" && rng.next() < fillShare) {
        enqueue(`fill ${r.requestId}`, () => fillAndClaim(r));
      } else if ((r.kind === "unsafe" || r.kind === "over-balance") && rng.next() < falseShare) {
        enqueue(`false claim ${r.requestId}`, async () => {
          await stake();
          const bogus = keccak256(toHex(`no fill for ${r.requestId}`));
          record.falseClaims.set(r.requestId, await claim(r, bogus));
        });
      }
    },
    settle() {
      const done = new Promise<void>((resolve) => {
        enqueue("settle", async () => {
          for (const [requestId, ref] of record.honest) {
            if (record.withdrawn.has(requestId)) continue;
            const c = clients.get(ref.chainId)!;
            try {
              await c.reader.simulateContract({
                address: c.rollup.requestManager,
                abi: requestManagerAbi,
                functionName: "withdraw",
                args: [ref.claimId],
                account: c.wallet.account,
              });
            } catch {
              continue; // not withdrawable yet: the claim period is still running
            }
            await send(ref.chainId, (x) =>
              x.wallet.writeContract({
                address: x.rollup.requestManager,
                abi: requestManagerAbi,
                functionName: "withdraw",
                args: [ref.claimId],
              }));
            record.withdrawn.add(requestId);
          }
        });
        queue.then(resolve);
      });
      return done;
    },
    idle: () => queue,
  };
}
