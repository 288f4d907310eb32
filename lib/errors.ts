/**
 * The shared error base of tern. Each failure domain (configuration, keystore, RPC, KV schema, …)
 * extends {@link TernError} with its own class, so callers can tell the domain by `instanceof`
 * and a person reading the message learns what went wrong, where, and what to do about it.
 *
 * @module
 */

/** Options shared by every {@link TernError}. */
export interface TernErrorOptions {
  /** What the reader can do to fix it, printed as `hint: …` below the message. */
  hint?: string;
  /** Machine-readable facts about the failure (paths, chain ids, versions, …). */
  data?: Record<string, unknown>;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * Base class of every error tern raises on purpose.
 *
 * @example
 * ```ts
 * throw new TernError("kv_locked", "the data directory is in use", {
 *   hint: "stop the other tern instance first",
 *   data: { dir: "/var/lib/tern" },
 * });
 * ```
 */
export class TernError extends Error {
  /** A stable, snake_case identifier of the failure kind (e.g. `config_invalid`). */
  readonly code: string;
  /** What the reader can do to fix it. */
  readonly hint?: string;
  /** Machine-readable facts about the failure. */
  readonly data: Readonly<Record<string, unknown>>;

  /** Creates an error with a stable `code`, a message, and optionally a hint and data. */
  constructor(code: string, message: string, options: TernErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TernError";
    this.code = code;
    this.hint = options.hint;
    this.data = Object.freeze({ ...(options.data ?? {}) });
  }

  /** The message followed by the hint on its own line, as printed to a person. */
  format(): string {
    return this.hint === undefined ? this.message : `${this.message}\n  hint: ${this.hint}`;
  }
}
