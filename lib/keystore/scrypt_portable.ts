/**
 * scrypt (RFC 7914) in plain TypeScript, for the keystores OpenSSL refuses: OpenSSL enforces
 * the RFC's bound N < 2^(16·r), which files written with r = 1 and N = 2^18 (the original
 * Web3 Secret Storage vector among them) exceed. Everything else goes through `node:crypto`.
 * The outer PBKDF2-HMAC-SHA256 steps come from `node:crypto`; this module holds only ROMix.
 *
 * @module
 */
import { pbkdf2Sync } from "node:crypto";

/** Whether OpenSSL's scrypt accepts these parameters (RFC 7914: N < 2^(16·r)). */
export function opensslAccepts(n: number, r: number): boolean {
  return 16 * r >= 53 || n < 2 ** (16 * r);
}

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** Salsa20/8 core applied in place to the 16 words of `b` (locals keep it fast). */
function salsa208(b: Uint32Array): void {
  let x0 = b[0], x1 = b[1], x2 = b[2], x3 = b[3], x4 = b[4], x5 = b[5], x6 = b[6], x7 = b[7];
  let x8 = b[8], x9 = b[9], x10 = b[10], x11 = b[11], x12 = b[12], x13 = b[13], x14 = b[14];
  let x15 = b[15];
  for (let round = 0; round < 8; round += 2) {
    x4 ^= rotl(x0 + x12, 7), x8 ^= rotl(x4 + x0, 9);
    x12 ^= rotl(x8 + x4, 13), x0 ^= rotl(x12 + x8, 18);
    x9 ^= rotl(x5 + x1, 7), x13 ^= rotl(x9 + x5, 9);
    x1 ^= rotl(x13 + x9, 13), x5 ^= rotl(x1 + x13, 18);
    x14 ^= rotl(x10 + x6, 7), x2 ^= rotl(x14 + x10, 9);
    x6 ^= rotl(x2 + x14, 13), x10 ^= rotl(x6 + x2, 18);
    x3 ^= rotl(x15 + x11, 7), x7 ^= rotl(x3 + x15, 9);
    x11 ^= rotl(x7 + x3, 13), x15 ^= rotl(x11 + x7, 18);
    x1 ^= rotl(x0 + x3, 7), x2 ^= rotl(x1 + x0, 9);
    x3 ^= rotl(x2 + x1, 13), x0 ^= rotl(x3 + x2, 18);
    x6 ^= rotl(x5 + x4, 7), x7 ^= rotl(x6 + x5, 9);
    x4 ^= rotl(x7 + x6, 13), x5 ^= rotl(x4 + x7, 18);
    x11 ^= rotl(x10 + x9, 7), x8 ^= rotl(x11 + x10, 9);
    x9 ^= rotl(x8 + x11, 13), x10 ^= rotl(x9 + x8, 18);
    x12 ^= rotl(x15 + x14, 7), x13 ^= rotl(x12 + x15, 9);
    x14 ^= rotl(x13 + x12, 13), x15 ^= rotl(x14 + x13, 18);
  }
  b[0] += x0, b[1] += x1, b[2] += x2, b[3] += x3, b[4] += x4, b[5] += x5, b[6] += x6;
  b[7] += x7, b[8] += x8, b[9] += x9, b[10] += x10, b[11] += x11, b[12] += x12;
  b[13] += x13, b[14] += x14, b[15] += x15;
}

/** BlockMix_{Salsa20/8, r}: reads `input` (32·r words), writes `output`. */
function blockMix(input: Uint32Array, output: Uint32Array, r: number, acc: Uint32Array): void {
  acc.set(input.subarray((2 * r - 1) * 16, 2 * r * 16));
  for (let i = 0; i < 2 * r; i++) {
    for (let k = 0; k < 16; k++) acc[k] ^= input[i * 16 + k];
    salsa208(acc);
    const dest = (i % 2 === 0 ? i / 2 : r + (i - 1) / 2) * 16;
    output.set(acc, dest);
  }
}

/** scryptROMix over one 128·r-byte lane, in place. */
function roMix(lane: Uint32Array, n: number, r: number): void {
  const words = 32 * r;
  const v = new Uint32Array(words * n);
  let x = lane.slice();
  let y = new Uint32Array(words);
  const t = new Uint32Array(16);
  for (let i = 0; i < n; i++) {
    v.set(x, i * words);
    blockMix(x, y, r, t);
    [x, y] = [y, x];
  }
  for (let i = 0; i < n; i++) {
    const j = x[(2 * r - 1) * 16] & (n - 1);
    for (let k = 0; k < words; k++) x[k] ^= v[j * words + k];
    blockMix(x, y, r, t);
    [x, y] = [y, x];
  }
  lane.set(x);
}

/**
 * scrypt key derivation. Slower than OpenSSL's; used only where OpenSSL refuses the
 * parameters.
 */
export function scryptPortable(
  password: Uint8Array,
  salt: Uint8Array,
  params: { n: number; r: number; p: number; dklen: number },
): Uint8Array {
  const { n, r, p, dklen } = params;
  const bytes = new Uint8Array(pbkdf2Sync(password, salt, 1, p * 128 * r, "sha256"));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < words.length; i++) words[i] = view.getUint32(i * 4, true);
  for (let i = 0; i < p; i++) roMix(words.subarray(i * 32 * r, (i + 1) * 32 * r), n, r);
  for (let i = 0; i < words.length; i++) view.setUint32(i * 4, words[i], true);
  return new Uint8Array(pbkdf2Sync(password, bytes, 1, dklen, "sha256"));
}
