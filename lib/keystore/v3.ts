/**
 * Encrypting and decrypting Ethereum V3 keystores (Web3 Secret Storage).
 *
 * Files are written with scrypt (n = 131072, r = 8, p = 1: 128 MiB and well under a second,
 * the setting of common wallets; geth's "standard" 262144 doubles both and is read as well);
 * files using pbkdf2 (hmac-sha256) are read too. The cipher is aes-128-ctr and the MAC is
 * keccak256(derivedKey[16..32] ‖ ciphertext), as the format defines.
 *
 * @module
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { bytesToHex, type Hex, hexToBytes } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { KeystoreError, malformed } from "./error.ts";
import { aes, derivePbkdf2, deriveScrypt, isPrivateKey, mac } from "./crypto.ts";
import {
  checkScrypt,
  type KeystoreV3,
  parseKeystore,
  type ScryptParams,
  strip0x,
} from "./format.ts";
import { PASSWORD_ENV } from "./password.ts";

/** Default scrypt cost of new keystores. */
export const DEFAULT_SCRYPT_N = 131072;

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

/**
 * Encrypts `privateKey` into a new keystore file readable only by its owner (mode 0600). An
 * existing file is never overwritten. Returns the account address.
 *
 * @example
 * ```ts
 * const address = await createKeystoreFile("keystore.json", generatePrivateKey(), password);
 * ```
 */
export async function createKeystoreFile(
  path: string,
  privateKey: Hex,
  password: string,
  options: EncryptOptions = {},
): Promise<Hex> {
  const keystore = await encryptKeystore(privateKey, password, options);
  try {
    await Deno.writeTextFile(path, `${JSON.stringify(keystore, null, 2)}\n`, {
      createNew: true,
      mode: 0o600,
    });
  } catch (error) {
    const exists = error instanceof Deno.errors.AlreadyExists;
    throw new KeystoreError(
      exists ? "keystore_exists" : "keystore_unwritable",
      exists ? `keystore ${path} already exists` : `cannot write keystore ${path}`,
      {
        path,
        cause: error,
        hint: exists
          ? "choose another path; an existing keystore is never overwritten"
          : "check that the directory exists and is writable",
      },
    );
  }
  return `0x${keystore.address}`;
}
