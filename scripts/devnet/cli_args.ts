/**
 * Option-value parsers for the devnet command-line tools; each rejects bad input with a message
 * that names what was expected.
 *
 * @module
 */
import { InvalidArgumentError } from "@commander-js/extra-typings";

/** Parses a whole number >= `min`. */
export function wholeNumber(min = 0): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected a whole number >= ${min}, got "${value}"`);
    }
    return n;
  };
}

/** Parses a number > 0 (fractions allowed). */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  }
  return n;
}

/** Parses a fraction within 0..1. */
export function share(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError(`expected a share between 0 and 1, got "${value}"`);
  }
  return n;
}

/** Parses a non-negative integer amount in base units (wei) as a bigint. */
export function baseUnits(value: string): bigint {
  if (!/^\d+$/.test(value.trim())) {
    throw new InvalidArgumentError(`expected a whole amount in base units (wei), got "${value}"`);
  }
  return BigInt(value.trim());
}

/** Parses a comma-separated list of distinct positive chain ids. */
export function chainIdList(value: string): number[] {
  const ids = value.split(",").map((part) => part.trim());
  const parse = wholeNumber(1);
  return ids.map((id) => parse(id));
}
