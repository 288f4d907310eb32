/**
 * The TxSender's records (one per SendTx id) and the pure helpers that build them and their
 * outcomes. The reducer is in `actors/tx_sender.ts`.
 *
 * @module
 */

import type { Address, Dec, Hex, StatusReport, TxOutcome, TxPurpose } from "../agent/messages.ts";

/** One signed attempt of a transaction; all attempts of a record share its nonce. */
export interface TxAttempt {
  hash: Hex;
  /** Kept for the newest attempt only (the one re-broadcast); older ones are watched by hash. */
  raw?: Hex;
  maxFeePerGas: Dec;
  maxPriorityFeePerGas: Dec;
  /** Wall ms when signed; the stuck clock runs from here. */
  at: number;
}

/** A SendTx being worked on. `data` is dropped once an attempt holds it (snapshot size). */
export interface TxRecord {
  id: string;
  purpose: TxPurpose;
  replyTo: string;
  to: Address;
  data?: Hex;
  value: Dec;
  /** queued → preparing → ready → signing → sent; `busy` marks a task in flight. */
  phase: "preparing" | "ready" | "signing" | "sent";
  busy: boolean;
  gas?: Dec;
  fees?: { maxFeePerGas: Dec; maxPriorityFeePerGas: Dec };
  nonce?: number;
  attempts: TxAttempt[];
  /** The newest attempt was accepted by the node at least once. */
  accepted: boolean;
  /** Consecutive failures (backoff) and consecutive polls that saw the nonce spent elsewhere. */
  fails: number;
  lost: number;
}

/** The call a record asks for. */
export function callFrom(r: TxRecord) {
  return { to: r.to, data: r.data ?? "0x", value: BigInt(r.value) };
}

/** A 0-value self-transfer that takes `r`'s nonce so the transactions after it can be mined. */
export function gapFiller(r: TxRecord, self: Address): TxRecord {
  const last = r.attempts.at(-1)!;
  return {
    id: `gap:${r.nonce}`,
    purpose: r.purpose,
    replyTo: "",
    to: self,
    data: "0x",
    value: "0",
    phase: "signing",
    busy: true,
    gas: "21000",
    fees: { maxFeePerGas: last.maxFeePerGas, maxPriorityFeePerGas: last.maxPriorityFeePerGas },
    nonce: r.nonce,
    attempts: [],
    accepted: false,
    fails: 0,
    lost: 0,
  };
}

/** The outcome of a record. */
export function outcome(
  r: TxRecord,
  status: TxOutcome["status"],
  extra: { hash?: Hex; blockNumber?: number; reason?: string },
): TxOutcome {
  const o: TxOutcome = { type: "TxOutcome", id: r.id, purpose: r.purpose, status };
  if (extra.hash) o.hash = extra.hash;
  if (extra.blockNumber !== undefined) o.blockNumber = extra.blockNumber;
  if (extra.reason !== undefined) o.reason = extra.reason;
  return o;
}

/** A `Status` report about a record (kind `tx`). */
export function statusReport(
  chainId: number,
  r: TxRecord,
  state: string,
  now: number,
): StatusReport {
  return {
    type: "Status",
    kind: "tx",
    id: r.id,
    state,
    chainId,
    at: new Date(now).toISOString(),
    details: { purpose: r.purpose, nonce: r.nonce, hash: r.attempts.at(-1)?.hash },
  };
}
