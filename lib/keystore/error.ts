/**
 * The keystore failure domain.
 *
 * @module
 */
import { TernError } from "../errors.ts";

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

/** A {@link KeystoreError} for a file that is not a valid V3 keystore, naming the field. */
export function malformed(path: string | undefined, field: string, problem: string): KeystoreError {
  const where = path === undefined ? "keystore" : `keystore ${path}`;
  return new KeystoreError("keystore_malformed", `${where}: ${field} ${problem}`, {
    path,
    field,
    hint: "the file is not a valid Ethereum V3 keystore; restore it from a backup, " +
      "or create a new one with `tern init`",
  });
}
