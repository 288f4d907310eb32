/**
 * Ethereum V3 keystore files (Web3 Secret Storage): encrypt and decrypt a private key with a
 * password, and obtain that password from the environment or a no-echo prompt.
 *
 * Files are written with scrypt (n = 131072, r = 8, p = 1: 128 MiB and well under a second,
 * the setting of common wallets; geth's "standard" 262144 doubles both and is read as well);
 * files using pbkdf2 (hmac-sha256) are read too. The cipher is aes-128-ctr and the MAC is
 * keccak256(derivedKey[16..32] ‖ ciphertext), as the format defines.
 *
 * @module
 */
import {
  createCipheriv,
  createDecipheriv,
  pbkdf2,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from "node:crypto";
import { bytesToHex, type Hex, hexToBytes, keccak256 } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { TernError } from "./errors.ts";
import { readPasswordLine } from "./password_prompt.ts";
import { opensslAccepts, scryptPortable } from "./scrypt_portable.ts";

/** The environment variable holding the keystore password. */
export const PASSWORD_ENV = "TERN_KEYSTORE_PASSWORD";

/** Default scrypt cost of new keystores. */
export const DEFAULT_SCRYPT_N = 131072;

/** A keystore problem: malformed file, wrong password, or no password available. */
export class KeystoreError extends TernError {
  /** The keystore file, when known. */
  readonly path?: string;

  /** Creates a keystore error; `code` is e.g. `keystore_wrong_password`. */
  constructor(
    code: string,
    message: string,
    options: { path?: string; hint?: string; field?: string; cause?: unknown } = {},
  ) {
    super(code, message, {
      hint: options.hint,
      cause: options.cause,
      data: { path: options.path, field: options.field },
    });
    this.name = "KeystoreError";
    this.path = options.path;
  }
}

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

/** Options of {@link encryptKeystore}. Tests pass a small `n` for speed. */
export interface EncryptOptions {
  n?: number;
  r?: number;
  p?: number;
  /** 32 random bytes by default. */
  salt?: Uint8Array;
  /** 16 random bytes by default. */
  iv?: Uint8Array;
  /** A random UUID by default. */
  id?: string;
}

const MAX_SCRYPT_MEMORY = 1024 * 1024 * 1024;
const MAX_PBKDF2_ROUNDS = 10_000_000;
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function deriveScrypt(password: Uint8Array, params: ScryptParams): Promise<Uint8Array> {
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

function derivePbkdf2(password: Uint8Array, params: Pbkdf2Params): Promise<Uint8Array> {
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

function mac(derived: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const data = new Uint8Array(16 + ciphertext.length);
  data.set(derived.subarray(16, 32), 0);
  data.set(ciphertext, 16);
  return keccak256(data, "bytes");
}

function aes(mode: "encrypt" | "decrypt", key: Uint8Array, iv: Uint8Array, data: Uint8Array) {
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

function strip0x(hex: string): string {
  return hex.startsWith("0x") ? hex.slice(2) : hex;
}

function isPrivateKey(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  const k = BigInt(bytesToHex(bytes));
  return k > 0n && k < SECP256K1_N;
}

/**
 * Encrypts a private key into a V3 keystore with scrypt.
 *
 * @example
 * ```ts
 * const keystore = await encryptKeystore(privateKey, password);
 * Deno.writeTextFileSync("keystore.json", JSON.stringify(keystore), { mode: 0o600 });
 * ```
 */
export async function encryptKeystore(
  privateKey: Hex,
  password: string,
  options: EncryptOptions = {},
): Promise<KeystoreV3> {
  const key = /^0x[0-9a-fA-F]{64}$/.test(privateKey) ? hexToBytes(privateKey) : undefined;
  if (key === undefined || !isPrivateKey(key)) {
    throw new KeystoreError("keystore_bad_key", "not a secp256k1 private key (32 bytes, 0x-hex)", {
      hint: "pass the key as 0x followed by 64 hex digits",
    });
  }
  const params: ScryptParams = {
    dklen: 32,
    n: options.n ?? DEFAULT_SCRYPT_N,
    r: options.r ?? 8,
    p: options.p ?? 1,
    salt: strip0x(bytesToHex(options.salt ?? new Uint8Array(randomBytes(32)))),
  };
  checkScrypt(params, undefined);
  const iv = options.iv ?? new Uint8Array(randomBytes(16));
  const derived = await deriveScrypt(new TextEncoder().encode(password), params);
  const ciphertext = aes("encrypt", derived.subarray(0, 16), iv, key);
  return {
    version: 3,
    id: options.id ?? crypto.randomUUID(),
    address: strip0x(privateKeyToAddress(privateKey)).toLowerCase(),
    crypto: {
      cipher: "aes-128-ctr",
      cipherparams: { iv: strip0x(bytesToHex(iv)) },
      ciphertext: strip0x(bytesToHex(ciphertext)),
      kdf: "scrypt",
      kdfparams: params,
      mac: strip0x(bytesToHex(mac(derived, ciphertext))),
    },
  };
}

// ---- reading and checking a file's fields ----

type Json = Record<string, unknown>;

function malformed(path: string | undefined, field: string, problem: string): KeystoreError {
  const where = path === undefined ? "keystore" : `keystore ${path}`;
  return new KeystoreError("keystore_malformed", `${where}: ${field} ${problem}`, {
    path,
    field,
    hint: "the file is not a valid Ethereum V3 keystore; restore it from a backup, " +
      "or create a new one with `tern init`",
  });
}

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

function checkScrypt(params: ScryptParams, path: string | undefined): void {
  const { n, r, p } = params;
  if (n < 2 || (n & (n - 1)) !== 0) {
    throw malformed(path, "crypto.kdfparams.n", "must be a power of two");
  }
  if (128 * n * r > MAX_SCRYPT_MEMORY) {
    throw malformed(path, "crypto.kdfparams", "asks scrypt for more than 1 GiB of memory");
  }
  if (p > 16) throw malformed(path, "crypto.kdfparams.p", "must be at most 16");
}

interface ParsedKeystore {
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
function parseKeystore(input: unknown, path?: string): ParsedKeystore {
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

/**
 * Decrypts a V3 keystore (JSON text or parsed object) and returns the private key as 0x-hex.
 * A wrong password fails the MAC check: {@link KeystoreError} `keystore_wrong_password`.
 *
 * @example
 * ```ts
 * const key = await decryptKeystore(Deno.readTextFileSync(path), password, { path });
 * ```
 */
export async function decryptKeystore(
  json: unknown,
  password: string,
  options: { path?: string } = {},
): Promise<Hex> {
  const path = options.path;
  const parsed = parseKeystore(json, path);
  const secret = new TextEncoder().encode(password);
  let derived: Uint8Array;
  try {
    derived = parsed.kdf.kind === "scrypt"
      ? await deriveScrypt(secret, parsed.kdf.params)
      : await derivePbkdf2(secret, parsed.kdf.params);
  } catch (error) {
    throw new KeystoreError(
      "keystore_kdf_failed",
      `cannot derive the key of keystore ${path ?? ""}: ${(error as Error).message}`.trim(),
      { path, cause: error, field: "crypto.kdfparams" },
    );
  }
  if (!timingSafeEqual(mac(derived, parsed.ciphertext), parsed.mac)) {
    throw new KeystoreError(
      "keystore_wrong_password",
      path === undefined ? "wrong password for keystore" : `wrong password for keystore ${path}`,
      {
        path,
        hint: `check ${PASSWORD_ENV} (or what you typed); the file's MAC does not match this ` +
          "password",
      },
    );
  }
  const key = aes("decrypt", derived.subarray(0, 16), parsed.iv, parsed.ciphertext);
  if (!isPrivateKey(key)) throw malformed(path, "crypto.ciphertext", "does not hold a valid key");
  const hex = bytesToHex(key);
  const address = strip0x(privateKeyToAddress(hex)).toLowerCase();
  if (parsed.address !== undefined && parsed.address !== address) {
    throw malformed(path, "address", `does not match the key inside (0x${address})`);
  }
  return hex;
}

/**
 * Reads and decrypts the keystore file at `path`; errors name the file.
 *
 * @example
 * ```ts
 * const key = await readKeystoreFile(config.account.keystore, await readPassword(env));
 * ```
 */
export async function readKeystoreFile(path: string, password: string): Promise<Hex> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new KeystoreError("keystore_unreadable", `cannot read keystore ${path}`, {
      path,
      cause: error,
      hint: error instanceof Deno.errors.NotFound
        ? "check account.keystore in the config, or create a keystore with `tern init`"
        : "check the file's permissions",
    });
  }
  return decryptKeystore(text, password, { path });
}

/** Asks a person for a password without echoing it. */
export interface PasswordPrompt {
  /** Whether a person can answer (stdin is a terminal). */
  interactive(): boolean;
  /** Shows `message` and returns what was typed, or null when cancelled. */
  ask(message: string): Promise<string | null>;
}

/** The prompt on the process's terminal (stdin raw mode, prompt on stderr). */
export function terminalPrompt(): PasswordPrompt {
  return {
    interactive: () => Deno.stdin.isTerminal(),
    ask: (message) => readPasswordLine(message),
  };
}

/**
 * The keystore password: `TERN_KEYSTORE_PASSWORD` from `env` when set, otherwise typed at a
 * no-echo prompt when stdin is a terminal, otherwise a {@link KeystoreError}.
 *
 * @example
 * ```ts
 * const password = await readPassword(Deno.env.toObject(), terminalPrompt(), keystorePath);
 * ```
 */
export async function readPassword(
  env: Readonly<Record<string, string | undefined>>,
  prompt: PasswordPrompt = terminalPrompt(),
  keystorePath?: string,
): Promise<string> {
  const fromEnv = env[PASSWORD_ENV];
  if (fromEnv !== undefined) {
    if (fromEnv === "") {
      throw new KeystoreError("keystore_no_password", `${PASSWORD_ENV} is set but empty`, {
        path: keystorePath,
        hint: `put the password in ${PASSWORD_ENV}, or unset it to be asked at a prompt`,
      });
    }
    return fromEnv;
  }
  if (!prompt.interactive()) {
    throw new KeystoreError("keystore_no_password", "no password for the keystore", {
      path: keystorePath,
      hint: `set ${PASSWORD_ENV} in the environment, or start tern in a terminal to be asked`,
    });
  }
  const label = keystorePath === undefined ? "keystore" : `keystore ${keystorePath}`;
  const answer = await prompt.ask(`Password for ${label}: `);
  if (answer === null) {
    throw new KeystoreError("keystore_no_password", "password prompt cancelled", {
      path: keystorePath,
    });
  }
  return answer;
}
