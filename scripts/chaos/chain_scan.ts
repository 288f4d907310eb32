/**
 * Reads what happened on a devnet from the chains themselves: every Beamer event since the
 * deployment blocks, and every transaction one account sent (with its status and, for fills, the
 * request it aimed at). The chaos figures are computed from this, never from an agent's records.
 *
 * @module
 */
import { decodeFunctionData, getAddress, type Hex, type PublicClient } from "viem";
import { fillManagerAbi, requestManagerAbi } from "../../lib/chain/abi.ts";
import { requestId as deriveRequestId } from "../../lib/chain/ids.ts";
import { devnetPublicClient } from "../devnet/clients.ts";
import type { Address, DevnetInfo } from "../devnet/types.ts";

/** A request as RequestCreated announced it. */
export interface ScannedRequest {
  requestId: Hex;
  sourceChainId: number;
  targetChainId: number;
  sourceToken: Address;
  targetToken: Address;
  sender: Address;
  amount: bigint;
  validUntil: number;
}

/** One RequestFilled on a target rollup. */
export interface ScannedFill {
  requestId: Hex;
  fillId: Hex;
  filler: Address;
  targetChainId: number;
  sourceChainId: number;
  txHash: Hex;
}

/** One claim with every challenger seen in its ClaimMade events. */
export interface ScannedClaim {
  sourceChainId: number;
  claimId: bigint;
  requestId: Hex;
  claimer: Address;
  fillId: Hex;
  /** Every address that was `lastChallenger` in one of the claim's ClaimMade events. */
  challengers: Set<Address>;
  /** ClaimStakeWithdrawn recipients, in order. */
  stakeRecipients: Address[];
}

/** One transaction mined from the watched account. */
export interface ScannedTx {
  chainId: number;
  hash: Hex;
  block: bigint;
  status: "success" | "reverted";
  /** Called function name when it is a Beamer call ("fillRequest", "claimRequest", …). */
  fn?: string;
  /** For fillRequest: the request id the call aimed at (derived from its arguments). */
  fillRequestId?: Hex;
}

/** Everything the figures need, read from the chains. */
export interface ChainSnapshot {
  /** Requests by lower-case id. */
  requests: Map<string, ScannedRequest>;
  fills: ScannedFill[];
  /** Claims by `${sourceChainId}:${claimId}`. */
  claims: Map<string, ScannedClaim>;
  /** RequestResolved on source rollups. */
  resolved: { sourceChainId: number; requestId: Hex; filler: Address; fillId: Hex }[];
  /** FillInvalidatedResolved on source rollups. */
  invalidated: { sourceChainId: number; requestId: Hex; fillId: Hex }[];
  /** DepositWithdrawn on source rollups. */
  depositsWithdrawn: { sourceChainId: number; requestId: Hex; receiver: Address }[];
  /** Transactions of the watched account on every chain (L1 included). */
  accountTxs: ScannedTx[];
}

/** Lower-case key of a hex id or address. */
export const key = (hex: string): string => hex.toLowerCase();

/** The key of a claim in {@link ChainSnapshot.claims}. */
export const claimKey = (sourceChainId: number, claimId: bigint): string =>
  `${sourceChainId}:${claimId}`;

/**
 * Reads every Beamer event of the devnet's rollups and the transactions `account` sent on every
 * chain. Transactions are found by reading each block since deployment (devnet chains are short).
 *
 * @example
 * const snapshot = await scanChains(devnet.info, devnet.info.accounts.lp.address);
 */
export async function scanChains(info: DevnetInfo, account: Address): Promise<ChainSnapshot> {
  const snap: ChainSnapshot = {
    requests: new Map(),
    fills: [],
    claims: new Map(),
    resolved: [],
    invalidated: [],
    depositsWithdrawn: [],
    accountTxs: [],
  };
  for (const rollup of info.rollups) {
    const client = devnetPublicClient(rollup, { timeoutMs: 30_000, retryCount: 2 });
    const fromBlock = BigInt(rollup.deploymentBlock);
    const rmLogs = await client.getContractEvents({
      address: rollup.requestManager,
      abi: requestManagerAbi,
      fromBlock,
      toBlock: "latest",
      strict: true,
    });
    for (const log of rmLogs) {
      const chainId = rollup.chainId;
      if (log.eventName === "RequestCreated") {
        const a = log.args;
        snap.requests.set(key(a.requestId), {
          requestId: a.requestId,
          sourceChainId: chainId,
          targetChainId: Number(a.targetChainId),
          sourceToken: getAddress(a.sourceTokenAddress),
          targetToken: getAddress(a.targetTokenAddress),
          sender: getAddress(a.sourceAddress),
          amount: a.amount,
          validUntil: Number(a.validUntil),
        });
      } else if (log.eventName === "ClaimMade") {
        const a = log.args;
        const k = claimKey(chainId, a.claimId);
        let claim = snap.claims.get(k);
        if (!claim) {
          claim = {
            sourceChainId: chainId,
            claimId: a.claimId,
            requestId: a.requestId,
            claimer: getAddress(a.claimer),
            fillId: a.fillId,
            challengers: new Set(),
            stakeRecipients: [],
          };
          snap.claims.set(k, claim);
        }
        if (a.challengerStakeTotal > 0n) claim.challengers.add(getAddress(a.lastChallenger));
      } else if (log.eventName === "ClaimStakeWithdrawn") {
        snap.claims.get(claimKey(chainId, log.args.claimId))?.stakeRecipients.push(
          getAddress(log.args.stakeRecipient),
        );
      } else if (log.eventName === "DepositWithdrawn") {
        snap.depositsWithdrawn.push({
          sourceChainId: chainId,
          requestId: log.args.requestId,
          receiver: getAddress(log.args.receiver),
        });
      } else if (log.eventName === "RequestResolved") {
        snap.resolved.push({
          sourceChainId: chainId,
          requestId: log.args.requestId,
          filler: getAddress(log.args.filler),
          fillId: log.args.fillId,
        });
      } else if (log.eventName === "FillInvalidatedResolved") {
        snap.invalidated.push({
          sourceChainId: chainId,
          requestId: log.args.requestId,
          fillId: log.args.fillId,
        });
      }
    }
    const fmLogs = await client.getContractEvents({
      address: rollup.fillManager,
      abi: fillManagerAbi,
      eventName: "RequestFilled",
      fromBlock,
      toBlock: "latest",
      strict: true,
    });
    for (const log of fmLogs) {
      snap.fills.push({
        requestId: log.args.requestId,
        fillId: log.args.fillId,
        filler: getAddress(log.args.filler),
        targetChainId: rollup.chainId,
        sourceChainId: Number(log.args.sourceChainId),
        txHash: log.transactionHash,
      });
    }
  }
  const chains = [
    { chainId: info.l1.chainId, endpoint: info.l1, fromBlock: info.l1.deploymentBlock },
    ...info.rollups.map((r) => ({ chainId: r.chainId, endpoint: r, fromBlock: r.deploymentBlock })),
  ];
  for (const c of chains) {
    const client = devnetPublicClient(c.endpoint, { timeoutMs: 30_000, retryCount: 2 });
    const fillManager = info.rollups.find((r) => r.chainId === c.chainId)?.fillManager;
    snap.accountTxs.push(
      ...await accountTransactions(client, c.chainId, BigInt(c.fromBlock), account, fillManager),
    );
  }
  return snap;
}

async function accountTransactions(
  client: PublicClient,
  chainId: number,
  fromBlock: bigint,
  account: Address,
  fillManager: Address | undefined,
): Promise<ScannedTx[]> {
  const head = await client.getBlockNumber();
  const numbers: bigint[] = [];
  for (let b = fromBlock; b <= head; b++) numbers.push(b);
  const out: ScannedTx[] = [];
  const me = key(account);
  // Bounded parallelism: fast on a local anvil without opening hundreds of sockets.
  const width = 16;
  for (let i = 0; i < numbers.length; i += width) {
    const blocks = await Promise.all(
      numbers.slice(i, i + width).map((blockNumber) =>
        client.getBlock({ blockNumber, includeTransactions: true })
      ),
    );
    const mine = blocks.flatMap((b) => b.transactions.filter((t) => key(t.from) === me));
    const receipts = await Promise.all(
      mine.map((t) => client.getTransactionReceipt({ hash: t.hash })),
    );
    for (const [j, tx] of mine.entries()) {
      const scanned: ScannedTx = {
        chainId,
        hash: tx.hash,
        block: tx.blockNumber!,
        status: receipts[j].status,
      };
      scanned.fn = functionName(tx.input);
      if (
        scanned.fn === "fillRequest" && fillManager && tx.to && key(tx.to) === key(fillManager)
      ) {
        const { args } = decodeFunctionData({ abi: fillManagerAbi, data: tx.input });
        const [sourceChainId, token, receiver, amount, nonce] = args as unknown as [
          bigint,
          Address,
          Address,
          bigint,
          bigint,
        ];
        scanned.fillRequestId = deriveRequestId({
          sourceChainId,
          targetChainId: chainId,
          targetTokenAddress: token,
          targetReceiverAddress: receiver,
          amount,
          nonce,
        });
      }
      out.push(scanned);
    }
  }
  return out;
}

function functionName(input: Hex): string | undefined {
  for (const abi of [fillManagerAbi, requestManagerAbi]) {
    try {
      return decodeFunctionData({ abi, data: input }).functionName;
    } catch {
      // not a call of this contract; try the next ABI
    }
  }
  return undefined;
}
