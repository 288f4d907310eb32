/**
 * The I/O of the TxSender: what its tasks run (estimate, sign, broadcast, poll) and how RPC
 * errors are read. Each function makes a few RPC calls and returns plain data; the actor decides.
 *
 * @module
 */

import {
  type Address,
  BaseError,
  decodeErrorResult,
  type Hex,
  keccak256,
  type LocalAccount,
  parseTransaction,
  type PublicClient,
} from "viem";
import { withHeadroom } from "./options.ts";

/** The call a SendTx asks for. */
export interface TxCall {
  to: Address;
  data: Hex;
  value: bigint;
}

/** EIP-1559 fees, wei. */
export interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/** How a node answered `eth_sendRawTransaction`. */
export type BroadcastVerdict =
  /** Accepted, or already known to the node (a re-broadcast). */
  | "ok"
  /** The nonce is used on chain: by this transaction's own earlier attempt, or by another sender. */
  | "nonce_low"
  /** A transaction with the same nonce and higher or equal fees is in the pool. */
  | "underpriced"
  /** The node will never take it as it is (insufficient funds, gas, invalid). */
  | "rejected"
  /** The lease fence is down: nothing was sent. */
  | "held"
  /** The RPC failed (timeout, 5xx, connection): try again later. */
  | "error";

const ERROR_STRING_SELECTOR = "0x08c379a0";

/** Every message of an error and its causes, joined (viem puts the node's words in `details`). */
export function errorText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let i = 0; i < 8 && e; i++) {
    if (e instanceof Error) {
      parts.push(e.message);
      const details = (e as { details?: unknown }).details;
      if (typeof details === "string") parts.push(details);
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join(" | ");
}

/** Revert data (hex) carried anywhere in an error's cause chain. */
function revertData(err: unknown): Hex | undefined {
  let e: unknown = err;
  for (let i = 0; i < 8 && e; i++) {
    const data = (e as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x") && data.length >= 10) return data as Hex;
    if (typeof data === "object" && data !== null) {
      const inner = (data as { data?: unknown }).data;
      if (typeof inner === "string" && inner.startsWith("0x")) return inner as Hex;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The revert reason of a failed call or estimate (`"Already filled"`), or undefined when the
 * error is not a revert (a timeout, an HTTP 500): only a revert is a verdict on the call itself.
 */
export function revertReason(err: unknown): string | undefined {
  const data = revertData(err);
  if (data && data.toLowerCase().startsWith(ERROR_STRING_SELECTOR)) {
    try {
      const decoded = decodeErrorResult({ abi: [], data });
      const reason = decoded.args?.[0];
      if (typeof reason === "string") return reason;
    } catch {
      // fall back to the node's text
    }
  }
  const text = errorText(err);
  const m = /execution reverted(?::\s*([^|\n]*?))?\s*(?:\||\n|$)/i.exec(text);
  if (m) return (m[1] ?? "").trim() || (data ? `custom error ${data.slice(0, 10)}` : "reverted");
  if (/\brevert(ed)?\b/i.test(text) && !/timeout|timed out|fetch|HTTP/i.test(text)) {
    return "reverted";
  }
  return undefined;
}

/** Sorts a broadcast error into what the sender does next. */
export function classifyBroadcastError(err: unknown): BroadcastVerdict {
  const t = errorText(err);
  if (
    /already known|known transaction|already imported|already exists|already in (the )?pool/i.test(
      t,
    )
  ) {
    return "ok";
  }
  if (/nonce too low|nonce has already been used|nonce.*(lower|less) than/i.test(t)) {
    return "nonce_low";
  }
  if (
    /underpriced|fee too low|max fee per gas less than block base fee|feecap.*less than|tip too low/i
      .test(t)
  ) {
    return "underpriced";
  }
  if (
    /insufficient funds|intrinsic gas|exceeds block gas limit|gas limit reached|invalid (sender|signature|chain)|oversized|nonce too high/i
      .test(t)
  ) {
    return "rejected";
  }
  return "error";
}

/** The account's next nonce counting pooled transactions (`pending`). */
export async function pendingNonce(client: PublicClient, address: Address): Promise<number> {
  return await client.getTransactionCount({ address, blockTag: "pending" });
}

/** Outcome of preparing a call: its gas limit and current fees, or the revert that stops it. */
export type Prepared =
  | { ok: true; gas: bigint; fees: Fees }
  | { ok: false; reverted: string }
  | { ok: false; failed: string };

/** Estimates gas and reads fees in parallel; a revert at estimation is a result, not an error. */
export async function prepare(
  client: PublicClient,
  account: Address,
  call: TxCall,
  headroomPercent: number,
): Promise<Prepared> {
  const [gas, fees] = await Promise.all([
    // against the pending state, so a call that depends on our own pooled transaction (a fill
    // right after its approve) estimates as it will run
    client.estimateGas({
      account,
      to: call.to,
      data: call.data,
      value: call.value,
      blockTag: "pending",
    })
      .then((g) => ({ g }), (err) => ({ err })),
    client.estimateFeesPerGas(),
  ]);
  if ("err" in gas) {
    const reason = revertReason(gas.err);
    if (reason !== undefined) return { ok: false, reverted: reason };
    // e.g. insufficient funds: no retry helps until the operator acts, so the caller decides
    if (classifyBroadcastError(gas.err) === "rejected") {
      return { ok: false, failed: shortError(gas.err) };
    }
    throw gas.err;
  }
  return {
    ok: true,
    gas: withHeadroom(gas.g, headroomPercent),
    fees: { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas },
  };
}

/** Current fee suggestion (for replacements, which take the larger of bump and market). */
export async function currentFees(client: PublicClient): Promise<Fees> {
  const f = await client.estimateFeesPerGas();
  return { maxFeePerGas: f.maxFeePerGas, maxPriorityFeePerGas: f.maxPriorityFeePerGas };
}

/** A signed EIP-1559 transaction. */
export interface Signed {
  raw: Hex;
  hash: Hex;
}

/** Signs `call` with `nonce`, `gas` and `fees` (local key, no RPC). */
export async function sign(
  account: LocalAccount,
  chainId: number,
  nonce: number,
  call: TxCall,
  gas: bigint,
  fees: Fees,
): Promise<Signed> {
  const raw = await account.signTransaction({
    type: "eip1559",
    chainId,
    nonce,
    to: call.to,
    data: call.data,
    value: call.value,
    gas,
    maxFeePerGas: fees.maxFeePerGas,
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
  });
  return { raw, hash: keccak256(raw) };
}

/** The call and gas of a signed transaction (a replacement re-signs the same call). */
export function callOf(raw: Hex): { call: TxCall; gas: bigint } {
  const tx = parseTransaction(raw);
  return {
    call: { to: tx.to as Address, data: (tx.data ?? "0x") as Hex, value: tx.value ?? 0n },
    gas: tx.gas ?? 21_000n,
  };
}

/** Sends a signed transaction unless the fence is down; never throws. */
export async function broadcast(
  client: PublicClient,
  raw: Hex,
  mayBroadcast: () => boolean,
): Promise<{ verdict: BroadcastVerdict; error?: string }> {
  if (!mayBroadcast()) return { verdict: "held" };
  try {
    await client.sendRawTransaction({ serializedTransaction: raw });
    return { verdict: "ok" };
  } catch (err) {
    const verdict = classifyBroadcastError(err);
    return { verdict, error: shortError(err) };
  }
}

/** A receipt the sender acts on. */
export interface SeenReceipt {
  id: string;
  hash: Hex;
  status: "success" | "reverted";
  blockNumber: number;
  reason?: string;
}

/** What one poll saw: the mined nonce count and the receipts of transactions below it. */
export interface PollResult {
  latestNonce: number;
  head: number;
  receipts: SeenReceipt[];
  /** Ids with a receipt that still lacks confirmations (mined, not reported yet). */
  unconfirmed: string[];
  /** Ids whose receipt could not be read this time (RPC error): nothing is concluded. */
  unknown: string[];
}

/**
 * Reads the account's mined nonce count and, for each record whose nonce is below it, the
 * receipts of all its attempts (whichever attempt was mined). A reverted receipt's reason is
 * found by replaying the call on the state of its block.
 */
export async function poll(
  client: PublicClient,
  address: Address,
  inFlight: { id: string; nonce: number; hashes: Hex[] }[],
  confirmations: number,
): Promise<PollResult> {
  const [latestNonce, head] = await Promise.all([
    client.getTransactionCount({ address, blockTag: "latest" }),
    confirmations > 1 ? client.getBlockNumber({ cacheTime: 0 }).then(Number) : Promise.resolve(0),
  ]);
  const due = inFlight.filter((r) => r.nonce < latestNonce);
  const receipts: SeenReceipt[] = [];
  const unconfirmed: string[] = [];
  const unknown: string[] = [];
  // One failed read costs only its record this round: with many transactions in flight on a
  // flaky RPC, a poll that failed whole on any error would never finish one.
  await Promise.all(due.flatMap((r) =>
    r.hashes.map(async (hash) => {
      let rc;
      try {
        rc = await client.getTransactionReceipt({ hash });
      } catch (err) {
        if (/not (be )?found|could not be found/i.test(errorText(err))) return;
        unknown.push(r.id);
        return;
      }
      const blockNumber = Number(rc.blockNumber);
      if (confirmations > 1 && head - blockNumber + 1 < confirmations) {
        unconfirmed.push(r.id);
        return;
      }
      const seen: SeenReceipt = { id: r.id, hash, status: rc.status, blockNumber };
      if (rc.status === "reverted") {
        seen.reason = await replayReason(client, address, hash, rc.blockNumber);
      }
      receipts.push(seen);
    })
  ));
  return { latestNonce, head, receipts, unconfirmed, unknown };
}

async function replayReason(
  client: PublicClient,
  from: Address,
  hash: Hex,
  blockNumber: bigint,
): Promise<string> {
  try {
    const tx = await client.getTransaction({ hash });
    await client.call({
      account: from,
      to: tx.to ?? undefined,
      data: tx.input,
      value: tx.value,
      gas: tx.gas,
      blockNumber,
    });
    return "reverted";
  } catch (err) {
    return revertReason(err) ?? "reverted";
  }
}

/** One line of an error, for logs and outcomes (never carries key material: we sign locally). */
export function shortError(err: unknown): string {
  if (err instanceof BaseError) return (err.details || err.shortMessage).slice(0, 300);
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}
