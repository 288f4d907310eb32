/**
 * The V3 keystore JSON format: its types, and a parser that checks every field and names the
 * one at fault. Cost parameters are bounded so a corrupt or hostile file cannot make the KDF
 * run for hours or take more than 1 GiB of memory.
 *
 * @module
 */
import { hexToBytes } from "viem";
import { malformed } from "./error.ts";

/** scrypt parameters as stored in a V3 file. */
export interface ScryptParams {
  dklen: number;
  n: number;
  r: number;
  p: number;
  salt: string;
}

/** pbkdf2 parameters as stored in a V3 file. */
export interface Pbkdf2Params {
  dklen: number;
  c: number;
  prf: "hmac-sha256";
  salt: string;
}

/** A V3 keystore as JSON. Hex fields carry no 0x prefix, as the format has it. */
export interface KeystoreV3 {
  version: 3;
  id: string;
  /** The account address, lower case without 0x. */
  address?: string;
  crypto: {
    cipher: "aes-128-ctr";
    cipherparams: { iv: string };
    ciphertext: string;
    kdf: "scrypt" | "pbkdf2";
    kdfparams: ScryptParams | Pbkdf2Params;
    mac: string;
  };
}

const MAX_SCRYPT_MEMORY = 1024 * 1024 * 1024;
const MAX_PBKDF2_ROUNDS = 10_000_000;

/** `hex` without a leading 0x. */
export function strip0x(hex: string): string {
  return hex.startsWith("0x") ? hex.slice(2) : hex;
}

type Json = Record<string, unknown>;

function table(value: unknown, field: string, path?: string): Json {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw malformed(path, field, value === undefined ? "is missing" : "must be an object");
  }
  return value as Json;
}

function hexField(obj: Json, field: string, name: string, path?: string, bytes?: number): string {
  const value = obj[name];
  const full = `${field}.${name}`;
  if (value === undefined) throw malformed(path, full, "is missing");
  if (typeof value !== "string") throw malformed(path, full, "must be a hex string");
  const hex = strip0x(value);
  if (!/^([0-9a-fA-F]{2})*$/.test(hex) || hex.length === 0) {
    throw malformed(path, full, "must be a non-empty hex string of whole bytes");
  }
  if (bytes !== undefined && hex.length !== bytes * 2) {
    throw malformed(path, full, `must be ${bytes} bytes, found ${hex.length / 2}`);
  }
  return hex.toLowerCase();
}

function intField(obj: Json, field: string, name: string, min: number, max: number, path?: string) {
  const value = obj[name];
  const full = `${field}.${name}`;
  if (value === undefined) throw malformed(path, full, "is missing");
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw malformed(path, full, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** Throws unless scrypt parameters are sane and affordable. */
export function checkScrypt(params: ScryptParams, path: string | undefined): void {
  const { n, r, p } = params;
  if (n < 2 || (n & (n - 1)) !== 0) {
    throw malformed(path, "crypto.kdfparams.n", "must be a power of two");
  }
  if (128 * n * r > MAX_SCRYPT_MEMORY) {
    throw malformed(path, "crypto.kdfparams", "asks scrypt for more than 1 GiB of memory");
  }
  if (p > 16) throw malformed(path, "crypto.kdfparams.p", "must be at most 16");
}

/** A checked keystore, its hex fields decoded. */
export interface ParsedKeystore {
  kdf: { kind: "scrypt"; params: ScryptParams } | { kind: "pbkdf2"; params: Pbkdf2Params };
  iv: Uint8Array;
  ciphertext: Uint8Array;
  mac: Uint8Array;
  address?: string;
}

function parseKdf(crypto: Json, path?: string): ParsedKeystore["kdf"] {
  const kdf = crypto.kdf;
  const params = table(crypto.kdfparams, "crypto.kdfparams", path);
  const field = "crypto.kdfparams";
  if (kdf === "scrypt") {
    const scryptParams: ScryptParams = {
      dklen: intField(params, field, "dklen", 32, 64, path),
      n: intField(params, field, "n", 2, 2 ** 30, path),
      r: intField(params, field, "r", 1, 1024, path),
      p: intField(params, field, "p", 1, 1024, path),
      salt: hexField(params, field, "salt", path),
    };
    checkScrypt(scryptParams, path);
    return { kind: "scrypt", params: scryptParams };
  }
  if (kdf === "pbkdf2") {
    if (params.prf !== "hmac-sha256") {
      throw malformed(path, `${field}.prf`, 'must be "hmac-sha256"');
    }
    return {
      kind: "pbkdf2",
      params: {
        dklen: intField(params, field, "dklen", 32, 64, path),
        c: intField(params, field, "c", 1, MAX_PBKDF2_ROUNDS, path),
        prf: "hmac-sha256",
        salt: hexField(params, field, "salt", path),
      },
    };
  }
  throw malformed(path, "crypto.kdf", 'must be "scrypt" or "pbkdf2"');
}

/** Validates the structure of a V3 keystore; throws {@link KeystoreError} naming the field. */
export function parseKeystore(input: unknown, path?: string): ParsedKeystore {
  let json: unknown = input;
  if (typeof input === "string") {
    try {
      json = JSON.parse(input);
    } catch (error) {
      throw malformed(path, "the file", `is not JSON (${(error as Error).message})`);
    }
  }
  const root = table(json, "the file", path);
  if (root.version !== 3) throw malformed(path, "version", "must be 3");
  const crypto = table(root.crypto ?? root.Crypto, "crypto", path);
  if (crypto.cipher !== "aes-128-ctr") {
    throw malformed(path, "crypto.cipher", 'must be "aes-128-ctr"');
  }
  const cipherparams = table(crypto.cipherparams, "crypto.cipherparams", path);
  const address = root.address;
  if (
    address !== undefined &&
    (typeof address !== "string" || !/^(0x)?[0-9a-fA-F]{40}$/.test(address))
  ) {
    throw malformed(path, "address", "must be 40 hex digits");
  }
  return {
    kdf: parseKdf(crypto, path),
    iv: hexToBytes(`0x${hexField(cipherparams, "crypto.cipherparams", "iv", path, 16)}`),
    ciphertext: hexToBytes(`0x${hexField(crypto, "crypto", "ciphertext", path, 32)}`),
    mac: hexToBytes(`0x${hexField(crypto, "crypto", "mac", path, 32)}`),
    address: address === undefined ? undefined : strip0x(address).toLowerCase(),
  };
}
