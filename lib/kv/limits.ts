/**
 * Deno KV's hard limits, and the budgets tern keeps below them.
 *
 * @module
 */

/** Deno KV: at most this many mutations in one atomic commit. */
export const KV_MAX_MUTATIONS = 1000;
/** Deno KV: at most this many bytes of keys and values in one atomic commit. */
export const KV_MAX_COMMIT_BYTES = 800 * 1024;
/** Deno KV: at most this many bytes per value. */
export const KV_MAX_VALUE_BYTES = 64 * 1024;
/** Deno KV: at most this many bytes per key. */
export const KV_MAX_KEY_BYTES = 2048;

/**
 * Budget for one group commit: below KV's limits, leaving room for the estimate's error
 * (values are measured as UTF-8 JSON; KV stores them V8-serialized, which is not larger for the
 * strings and small numbers a snapshot record holds, plus a small header).
 */
export const GROUP_COMMIT_MAX_MUTATIONS = 800;
/** Byte budget for one group commit (see {@link GROUP_COMMIT_MAX_MUTATIONS}). */
export const GROUP_COMMIT_MAX_BYTES = 640 * 1024;

const encoder = new TextEncoder();

/** UTF-8 byte length of a string, without allocating when it is plain ASCII. */
export function utf8Length(s: string): number {
  // Fast path: most snapshot JSON is ASCII, where the length is the byte count.
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return encoder.encode(s).length;
  }
  return s.length;
}

/** Approximate encoded size of a KV key (the sum of its parts' sizes plus a byte each). */
export function keySize(key: Deno.KvKey): number {
  let n = 0;
  for (const part of key) {
    n += typeof part === "string" ? utf8Length(part) + 2 : 10;
  }
  return n;
}
