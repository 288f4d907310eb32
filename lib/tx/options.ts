/**
 * Tunables of the TxSender and the fee arithmetic of replacements.
 *
 * @module
 */

/** How a TxSender paces itself; every field has a default (see {@link DEFAULT_TX_OPTIONS}). */
export interface TxSenderOptions {
  /** Fee increase of a replacement, percent; below 12.5 nodes refuse it (`replacement underpriced`). */
  feeBumpPercent: number;
  /** A transaction without a receipt for this long is replaced with bumped fees. */
  stuckAfterMs: number;
  /** Interval of receipt polls while transactions are in flight. */
  receiptPollMs: number;
  /** Blocks a receipt needs (1 = reported as soon as it is in a block). */
  confirmations: number;
  /** Timeout of every single RPC call. */
  rpcTimeoutMs: number;
  /** Gas limit = estimate plus this percentage. */
  gasHeadroomPercent: number;
  /** Outcomes kept for repeated ids (the snapshot must stay below 64 KiB). */
  keepDone: number;
  /**
   * Transactions in flight at most; a SendTx beyond it is answered `failed` (reason `busy`) and
   * may be sent again later. Bounds the snapshot: about 1.2 KB per fill in flight.
   */
  maxInFlight: number;
  /** First retry delay after an RPC failure; doubles per failure up to `backoffMaxMs`. */
  backoffMinMs: number;
  /** Upper bound of the retry delay. */
  backoffMaxMs: number;
}

/**
 * Defaults: 12.5 % bumps after 30 s, polls every second, 1 confirmation, 5 s RPC timeout; 24 in
 * flight and 64 outcomes kept make a snapshot of at most about 45 KB.
 */
export const DEFAULT_TX_OPTIONS: TxSenderOptions = {
  feeBumpPercent: 12.5,
  stuckAfterMs: 30_000,
  receiptPollMs: 500,
  confirmations: 1,
  rpcTimeoutMs: 5_000,
  gasHeadroomPercent: 20,
  keepDone: 64,
  maxInFlight: 24,
  backoffMinMs: 200,
  backoffMaxMs: 10_000,
};

/** Fills in defaults and refuses a bump below the 12.5 % nodes require. */
export function txOptions(partial: Partial<TxSenderOptions> = {}): TxSenderOptions {
  const o = { ...DEFAULT_TX_OPTIONS, ...partial };
  if (!(o.feeBumpPercent >= 12.5)) {
    throw new RangeError(
      `feeBumpPercent ${o.feeBumpPercent} is below 12.5: nodes refuse such replacements; use >= 12.5`,
    );
  }
  if (!(o.confirmations >= 1)) throw new RangeError(`confirmations must be >= 1`);
  return o;
}

/** `value` raised by `percent` (rounded up, and by at least 1 wei). */
export function bump(value: bigint, percent: number): bigint {
  const per10k = BigInt(Math.ceil(percent * 100));
  const raised = (value * (10_000n + per10k) + 9_999n) / 10_000n;
  return raised > value ? raised : value + 1n;
}

/** Gas limit with headroom over an estimate. */
export function withHeadroom(estimate: bigint, percent: number): bigint {
  return (estimate * BigInt(100 + Math.ceil(percent))) / 100n;
}

/** Retry delay after `failures` consecutive failures. */
export function backoff(o: TxSenderOptions, failures: number): number {
  return Math.min(o.backoffMaxMs, o.backoffMinMs * 2 ** Math.max(0, Math.min(failures - 1, 20)));
}

/** The larger of two bigints. */
export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
