/**
 * Address and hash comparison for the protocol core. Chain data arrives checksummed or lower
 * case depending on the source, so every comparison here ignores case.
 *
 * @module
 */

import type { Address as ViemAddress, Hex as ViemHex } from "viem";

/** A 20-byte account address, `0x`-prefixed hex (any case). */
export type Address = ViemAddress;

/** `0x`-prefixed hex data, such as a 32-byte fill id or transaction hash. */
export type Hex = ViemHex;

/** The zero address: the contracts' "nobody" (no challenger yet, no L1 filler yet). */
export const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";

/** Whether two addresses are the same account, ignoring checksum case. */
export function sameAddress(a: Address | undefined, b: Address | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** Whether two 32-byte hashes (fill ids, tx hashes) are equal, ignoring case. */
export function sameHash(a: Hex | undefined, b: Hex | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** Whether an address is unset (undefined or the zero address). */
export function isZeroAddress(a: Address | undefined): boolean {
  return a === undefined || sameAddress(a, ZERO_ADDRESS);
}

/** The canonical key of an address in stake maps: lower case. */
export function addressKey(a: Address): Address {
  return a.toLowerCase() as Address;
}
