/**
 * The watcher's RPC work, each a plain async function over a {@link ChainRpc} that honours an
 * AbortSignal: the head, a range of logs checked against block hashes, the fork point after a
 * reorg, and the LP's balances, allowances and contract parameters for a view.
 *
 * @module
 */
import { type Address, decodeFunctionResult, encodeFunctionData } from "viem";
import type { ChainParams, Dec, Hex } from "../agent/messages.ts";
import { erc20Abi, fillManagerAbi, requestManagerAbi } from "./abi.ts";
import type { Block, ReadOutcome } from "./cursor.ts";
import { decodeBridgeLog, type DecodedEvent, type RawLog } from "./decode.ts";
import type { ChainRpc } from "./rpc.ts";

/** A block header as the watcher needs it. */
export interface Header {
  n: number;
  h: Hex;
  parent: Hex;
  ts: number;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** The header of block `n`, or null when the endpoint does not have it (yet). */
export async function header(
  rpc: ChainRpc,
  n: number,
  signal: AbortSignal,
): Promise<Header | null> {
  const b = await rpc.request<{ hash: string; parentHash: string; timestamp: string } | null>(
    "eth_getBlockByNumber",
    [hex(n), false],
    { signal },
  );
  if (!b) return null;
  return {
    n,
    h: b.hash.toLowerCase() as Hex,
    parent: b.parentHash.toLowerCase() as Hex,
    ts: Number(BigInt(b.timestamp)),
  };
}

/** The endpoint's head and, when `tip` is given, whether the chain still has `tip`'s hash. */
export async function pollHead(
  rpc: ChainRpc,
  tip: Block | null,
  signal: AbortSignal,
): Promise<{ head: number; tipMatches: boolean | null }> {
  const [headHex, tipHeader] = await Promise.all([
    rpc.request<string>("eth_blockNumber", [], { signal }),
    tip ? header(rpc, tip.n, signal) : Promise.resolve(null),
  ]);
  const head = Number(BigInt(headHex));
  // null: the endpoint lacks the block (it lags); that is no evidence of a reorg.
  const tipMatches = tip && tipHeader ? tipHeader.h === tip.h : null;
  return { head, tipMatches };
}

/** What {@link readRange} found. */
export type RangeResult =
  | { kind: "ok"; read: ReadOutcome; paramsChanged: boolean; ms: number }
  /** Block `from - 1` no longer has the remembered hash. */
  | { kind: "reorg" }
  /** The endpoint does not have a block of the range yet (a lagging endpoint). */
  | { kind: "unavailable" }
  /** The chain changed during the read; read again. */
  | { kind: "retry" };

/** Where to read: the contracts whose logs matter and what the range must continue from. */
export interface RangeQuery {
  chainId: number;
  from: number;
  to: number;
  /** Hash of block `from - 1` as remembered, if any. */
  parent?: Hex;
  requestManager?: Address;
  fillManager?: Address;
}

/**
 * Reads the logs of `[from, to]`, sandwiched between header reads so every event's block hash is
 * one the chain had before and after the log query.
 */
export async function readRange(
  rpc: ChainRpc,
  q: RangeQuery,
  signal: AbortSignal,
): Promise<RangeResult> {
  const started = performance.now();
  const [before, parent] = await Promise.all([
    header(rpc, q.to, signal),
    q.parent !== undefined && q.from > 0 ? header(rpc, q.from - 1, signal) : Promise.resolve(null),
  ]);
  if (!before) return { kind: "unavailable" };
  if (q.parent !== undefined && q.from > 0) {
    if (!parent) return { kind: "unavailable" };
    if (parent.h !== q.parent) return { kind: "reorg" };
    if (q.from === q.to && before.parent !== q.parent) return { kind: "retry" };
  }
  const address = [q.requestManager, q.fillManager].filter((a): a is Address => !!a);
  const logs = address.length === 0 ? [] : await rpc.request<RawLog[]>("eth_getLogs", [{
    fromBlock: hex(q.from),
    toBlock: hex(q.to),
    address,
  }], { signal });
  const logBlocks = [...new Set(logs.map((l) => Number(BigInt(l.blockNumber))))];
  const [after, ...headers] = await Promise.all([
    header(rpc, q.to, signal),
    ...logBlocks.map((n) => n === q.to ? Promise.resolve(before) : header(rpc, n, signal)),
  ]);
  if (!after || after.h !== before.h) return { kind: "retry" };
  const byN = new Map<number, Header>();
  for (const h of headers) if (h) byN.set(h.n, h);
  const events: DecodedEvent[] = [];
  let paramsChanged = false;
  for (const log of logs) {
    if (log.removed) return { kind: "retry" };
    const n = Number(BigInt(log.blockNumber));
    const h = byN.get(n);
    if (!h || h.h !== log.blockHash.toLowerCase()) return { kind: "retry" };
    const r = decodeBridgeLog(q.chainId, log, h.ts, q);
    if (r.kind === "event") events.push(r.decoded);
    else if (r.kind === "params") paramsChanged = true;
  }
  events.sort((a, b) => a.ref.blockNumber - b.ref.blockNumber || a.ref.logIndex - b.ref.logIndex);
  return {
    kind: "ok",
    read: {
      to: { n: before.n, h: before.h },
      ts: before.ts,
      events,
      blocks: [...byN.values()].map((h) => ({ n: h.n, h: h.h })),
    },
    paramsChanged,
    ms: performance.now() - started,
  };
}

/**
 * The highest of `candidates` (newest first) the chain still has: the fork point. `null` when
 * none matches; `"unavailable"` when the endpoint lacks a candidate's block (it lags).
 */
export async function findFork(
  rpc: ChainRpc,
  candidates: Block[],
  signal: AbortSignal,
): Promise<Block | null | "unavailable"> {
  for (let i = 0; i < candidates.length; i += 8) {
    const chunk = candidates.slice(i, i + 8);
    const found = await Promise.all(chunk.map((b) => header(rpc, b.n, signal)));
    for (let j = 0; j < chunk.length; j++) {
      const h = found[j];
      if (!h) return "unavailable";
      if (h.h === chunk[j].h) return chunk[j];
    }
  }
  return null;
}

/** What the view reads: the LP's money and the chain's parameters. */
export interface ViewQuery {
  lp: Address;
  /** Token addresses whose balance and allowance (to `spender`) are read. */
  tokens: Address[];
  spender?: Address;
  /** Read contract parameters from this RequestManager (rollups). */
  params?: { requestManager: Address; fillManager: Address; otherChainIds: number[] };
  gasPrice: boolean;
}

/** The money-and-parameters part of a view. */
export interface ViewData {
  nativeBalance: Dec;
  tokens: Record<string, { balance: Dec; allowance: Dec }>;
  params?: ChainParams;
  gasPrice?: Dec;
}

/** Reads the LP's balances, allowances, and (as asked) the parameters and gas price. */
export async function readView(
  rpc: ChainRpc,
  q: ViewQuery,
  signal: AbortSignal,
): Promise<ViewData> {
  const call = async <T>(to: Address, abi: readonly unknown[], fn: string, args: unknown[]) => {
    // deno-lint-ignore no-explicit-any
    const data = encodeFunctionData({ abi: abi as any, functionName: fn, args } as any);
    const out = await rpc.request<Hex>("eth_call", [{ to, data }, "latest"], { signal });
    // deno-lint-ignore no-explicit-any
    return decodeFunctionResult({ abi: abi as any, functionName: fn, data: out } as any) as T;
  };
  const balance = rpc.request<string>("eth_getBalance", [q.lp, "latest"], { signal });
  const tokens = Promise.all(q.tokens.map(async (t) => {
    const [b, a] = await Promise.all([
      call<bigint>(t, erc20Abi, "balanceOf", [q.lp]),
      q.spender ? call<bigint>(t, erc20Abi, "allowance", [q.lp, q.spender]) : Promise.resolve(0n),
    ]);
    return [t.toLowerCase(), { balance: String(b), allowance: String(a) }] as const;
  }));
  const gas = q.gasPrice ? rpc.request<string>("eth_gasPrice", [], { signal }) : undefined;
  const params = q.params ? readParams(q.params, q.lp, call) : undefined;
  // All awaited together: one failing read must not leave the others' rejections unhandled.
  const [nativeBalance, tokenEntries, paramsRead, gasPrice] = await Promise.all([
    balance,
    tokens,
    params,
    gas,
  ]);
  const out: ViewData = {
    nativeBalance: String(BigInt(nativeBalance)),
    tokens: Object.fromEntries(tokenEntries),
  };
  if (paramsRead) out.params = paramsRead;
  if (gasPrice !== undefined) out.gasPrice = String(BigInt(gasPrice));
  return out;
}

type Call = <T>(to: Address, abi: readonly unknown[], fn: string, args: unknown[]) => Promise<T>;

async function readParams(
  q: { requestManager: Address; fillManager: Address; otherChainIds: number[] },
  lp: Address,
  call: Call,
): Promise<ChainParams> {
  const rm = q.requestManager;
  const [stake, period, extension, challengeExt, rmAllowed, fmAllowed, chains] = await Promise.all([
    call<bigint>(rm, requestManagerAbi, "claimStake", []),
    call<bigint>(rm, requestManagerAbi, "claimPeriod", []),
    call<bigint>(rm, requestManagerAbi, "claimRequestExtension", []),
    call<bigint>(rm, requestManagerAbi, "challengePeriodExtension", []),
    call<boolean>(rm, requestManagerAbi, "allowedLps", [lp]),
    call<boolean>(q.fillManager, fillManagerAbi, "allowedLps", [lp]),
    Promise.all(
      q.otherChainIds.map((id) =>
        call<readonly [bigint, bigint, bigint]>(rm, requestManagerAbi, "chains", [BigInt(id)])
      ),
    ),
  ]);
  return {
    claimStake: String(stake),
    claimPeriod: Number(period),
    claimRequestExtension: Number(extension),
    challengePeriodExtension: Number(challengeExt),
    finalityPeriods: Object.fromEntries(
      q.otherChainIds.map((id, i) => [String(id), Number(chains[i][0])]),
    ),
    lpAllowedOnRequestManager: rmAllowed,
    lpAllowedOnFillManager: fmAllowed,
  };
}
