/**
 * The primitives of the V3 format: key derivation (scrypt, pbkdf2-sha256), aes-128-ctr and the
 * keccak256 MAC, all from `node:crypto` and viem, except scrypt parameters OpenSSL refuses.
 *
 * @module
 */
import { createCipheriv, createDecipheriv, pbkdf2, scrypt } from "node:crypto";
import { bytesToHex, hexToBytes, keccak256 } from "viem";
import type { Pbkdf2Params, ScryptParams } from "./format.ts";
import { opensslAccepts, scryptPortable } from "./scrypt_portable.ts";

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** scrypt key derivation (OpenSSL, or the portable version where OpenSSL refuses). */
export function deriveScrypt(password: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
  const { n, r, p, dklen } = params;
  if (!opensslAccepts(n, r)) {
    const salt = hexToBytes(`0x${params.salt}`);
    return Promise.resolve().then(() => scryptPortable(password, salt, params));
  }
  const maxmem = 128 * n * r * 2 + 128 * r * p + 1024 * 1024;
  return new Promise((resolve, reject) =>
    scrypt(
      password,
      hexToBytes(`0x${params.salt}`),
      dklen,
      { N: n, r, p, maxmem },
      (e, key) => e ? reject(e) : resolve(new Uint8Array(key)),
    )
  );
}

/** pbkdf2-hmac-sha256 key derivation. */
export function derivePbkdf2(password: Uint8Array, params: Pbkdf2Params): Promise<Uint8Array> {
  return new Promise((resolve, reject) =>
    pbkdf2(
      password,
      hexToBytes(`0x${params.salt}`),
      params.c,
      params.dklen,
      "sha256",
      (e, key) => e ? reject(e) : resolve(new Uint8Array(key)),
    )
  );
}

/** keccak256(derivedKey[16..32] ‖ ciphertext). */
export function mac(derived: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const data = new Uint8Array(16 + ciphertext.length);
  data.set(derived.subarray(16, 32), 0);
  data.set(ciphertext, 16);
  return keccak256(data, "bytes");
}

/** aes-128-ctr over `data`. */
export function aes(
  mode: "encrypt" | "decrypt",
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
) {
  const cipher = mode === "encrypt"
    ? createCipheriv("aes-128-ctr", key, iv)
    : createDecipheriv("aes-128-ctr", key, iv);
  const out = cipher.update(data);
  const rest = cipher.final();
  const result = new Uint8Array(out.length + rest.length);
  result.set(out, 0);
  result.set(rest, out.length);
  return result;
}

/** Whether `bytes` is a valid secp256k1 private key. */
export function isPrivateKey(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  const k = BigInt(bytesToHex(bytes));
  return k > 0n && k < SECP256K1_N;
}
