/**
 * Ethereum V3 keystore files: encrypt and decrypt the LP key with a password, and obtain that
 * password from `TERN_KEYSTORE_PASSWORD` or a no-echo prompt. Raw keys never sit in files.
 *
 * @example
 * ```ts
 * import { readKeystoreFile, readPassword } from "./lib/keystore/mod.ts";
 * const password = await readPassword(Deno.env.toObject(), undefined, config.account.keystore);
 * const privateKey = await readKeystoreFile(config.account.keystore, password);
 * registerSecret(privateKey);
 * registerSecret(password);
 * ```
 *
 * @module
 */
export { KeystoreError } from "./error.ts";
export type { KeystoreV3, Pbkdf2Params, ScryptParams } from "./format.ts";
export {
  createKeystoreFile,
  decryptKeystore,
  DEFAULT_SCRYPT_N,
  encryptKeystore,
  type EncryptOptions,
  readKeystoreFile,
} from "./v3.ts";
export { PASSWORD_ENV, type PasswordPrompt, readPassword, terminalPrompt } from "./password.ts";
export { LineEditor, type LineStatus } from "./line_editor.ts";
