/**
 * Sharding of large actor populations: a stable shard name for an id, so that no supervisor holds
 * more than a fraction of the population (e.g. `/requests/s07/req:0xab…`).
 *
 * @module
 */

/**
 * The shard segment for `id` among `shards` shards: `s00` … `sNN`, stable across runs (FNV-1a).
 *
 * @example
 * ```ts
 * shardOf("0xabc", 64); // e.g. "s17"
 * ```
 */
export function shardOf(id: string, shards: number): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const width = String(Math.max(1, shards - 1)).length;
  return "s" + String(h % shards).padStart(width, "0");
}
