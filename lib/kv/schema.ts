/**
 * Schema versions of what tern stores in Deno KV, and the error raised when a KV was written by a
 * newer tern.
 *
 * @module
 */

import { TernError } from "../errors.ts";

/** Version of the snapshot record layout this build reads and writes. */
export const SNAPSHOT_FORMAT = 1;

/**
 * A KV holds data this build cannot read (written by a newer schema). Start-up stops with this
 * error and leaves the data untouched.
 *
 * @example
 * ```ts
 * throw new KvSchemaError("store", "tern/meta", 3, 1);
 * ```
 */
export class KvSchemaError extends TernError {
  constructor(
    /** What carries the version: "store" (the KV layout) or an actor kind. */
    readonly subject: string,
    /** Where the value was found (a key or an actor path). */
    readonly where: string,
    /** The version found in the KV. */
    readonly stored: number,
    /** The newest version this build supports. */
    readonly supported: number,
  ) {
    super(
      "kv_schema",
      `KV schema too new: ${subject} at ${where} has schema version ${stored}, ` +
        `this build supports up to ${supported}`,
      {
        hint: "run a tern version that wrote this data (or newer); the data was left untouched",
        data: { subject, where, stored, supported },
      },
    );
    this.name = "KvSchemaError";
  }
}

/**
 * A KV value under tern's snapshot prefix is not a snapshot this build can read (damaged or
 * written by something else). Start-up stops with this error and leaves the data untouched.
 *
 * @example
 * ```ts
 * throw new KvCorruptError("/requests/s01/0xab", "data is not JSON");
 * ```
 */
export class KvCorruptError extends TernError {
  constructor(
    /** The actor path (or key) of the value. */
    readonly where: string,
    /** What is wrong with it. */
    readonly problem: string,
  ) {
    super("kv_corrupt", `KV value at ${where} is not a readable snapshot: ${problem}`, {
      hint: "restore the data directory from a backup, or move this key aside; " +
        "tern left the data untouched",
      data: { where, problem },
    });
    this.name = "KvCorruptError";
  }
}
