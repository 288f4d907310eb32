/**
 * Redaction of secrets in log records. Two rules, applied to every record before any sink
 * sees it:
 *
 * 1. Any value registered with {@link registerSecret} (a private key, a password, a token) is
 *    replaced by `[redacted]` wherever it appears, as a whole value or inside a string, in the
 *    message and in properties, at any depth. Hex secrets match with or without `0x`, in any
 *    case.
 * 2. Properties whose name says "secret" are scrubbed even if nobody registered the value:
 *    under names like password/passphrase/secret/mnemonic every string is replaced; under
 *    names containing key or token, any 32-byte hex string (the shape of a private key) is
 *    replaced, and a `token`-like name holding something other than an address is replaced.
 *    Other 32-byte hex values (request ids, tx hashes) are left alone: they are not secrets.
 * 3. Properties whose name ends in `url` are shown through {@link displayUrl}, which hides the
 *    credentials and API keys RPC providers put in URLs.
 *
 * @module
 */
import type { LogRecord } from "@logtape/logtape";

/** What a redacted value is replaced with. */
export const REDACTED = "[redacted]";

const secrets = new Set<string>();
let secretPattern: RegExp | undefined;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function rebuild(): void {
  const parts = [...secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
  secretPattern = parts.length === 0 ? undefined : new RegExp(parts.join("|"), "gi");
}

/**
 * Registers a value that must never appear in any log output.
 *
 * @example
 * ```ts
 * const key = await decryptKeystore(json, password);
 * registerSecret(key);
 * registerSecret(password);
 * ```
 */
export function registerSecret(value: string): void {
  if (value === "") return;
  secrets.add(value);
  const hex = value.match(/^(0x)?([0-9a-fA-F]{16,})$/);
  if (hex !== null) secrets.add(hex[2]);
  rebuild();
}

/** Forgets every registered secret (tests). */
export function clearSecrets(): void {
  secrets.clear();
  rebuild();
}

/** `text` with every registered secret replaced. */
export function redactText(text: string): string {
  return secretPattern === undefined ? text : text.replace(secretPattern, REDACTED);
}

const FULLY_SECRET_NAME = /pass(word|phrase)|secret|mnemonic|seed_?phrase|private_?key|priv_?key/i;
const KEY_NAME = /key|token/i;
const TOKEN_NAME = /^(auth_?|access_?|bearer_?|api_?|coordinator_?|inspector_?)?token$/i;
const KEY_HEX = /(0x)?[0-9a-fA-F]{64}(?![0-9a-fA-F])/g;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

const URL_NAME = /url$/i;
const API_KEY_SEGMENT = /^[A-Za-z0-9_-]{16,}$/;

/**
 * A URL safe to show: user and password, query values, and path segments that look like API
 * keys (16 or more letters and digits) are replaced.
 *
 * @example
 * ```ts
 * displayUrl("https://eth-mainnet.g.alchemy.com/v2/abcdEFGH1234ijklMNOP"); // ".../v2/[redacted]"
 * ```
 */
export function displayUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return redactText(text);
  }
  const before = url.toString();
  if (url.username !== "" || url.password !== "") {
    url.username = "redacted";
    url.password = "";
  }
  url.pathname = url.pathname.split("/").map((part) => API_KEY_SEGMENT.test(part) ? REDACTED : part)
    .join("/");
  for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, REDACTED);
  if (url.toString() === before) return redactText(text);
  return redactText(decodeURI(url.toString()));
}

function redactByName(name: string, value: string): string {
  if (FULLY_SECRET_NAME.test(name)) return REDACTED;
  if (URL_NAME.test(name)) return displayUrl(value);
  if (TOKEN_NAME.test(name) && !ADDRESS.test(value)) return REDACTED;
  if (KEY_NAME.test(name)) return value.replace(KEY_HEX, REDACTED);
  return value;
}

/** A deep copy of `value` with secrets removed; `name` is the property it sits under. */
export function redactValue(value: unknown, name = "", seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redactText(redactByName(name, value));
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (value instanceof Error) {
    const copy = new Error(redactText(value.message));
    copy.name = value.name;
    copy.stack = value.stack === undefined ? undefined : redactText(value.stack);
    return copy;
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, name, seen));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = redactValue(inner, key, seen);
  return out;
}

/** Names of the `{placeholders}` of a message template, in order (last path segment). */
function placeholderNames(raw: LogRecord["rawMessage"]): string[] {
  if (typeof raw !== "string") return [];
  return [...raw.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1].trim().split(".").pop() ?? "");
}

/** A copy of `record` with every secret removed from its message and properties. */
export function redactRecord(record: LogRecord): LogRecord {
  const names = placeholderNames(record.rawMessage);
  const message = record.message.map((part, i) =>
    i % 2 === 0
      ? (typeof part === "string" ? redactText(part) : part)
      : redactValue(part, names[(i - 1) / 2] ?? "")
  );
  return {
    ...record,
    rawMessage: typeof record.rawMessage === "string"
      ? redactText(record.rawMessage)
      : record.rawMessage,
    message,
    properties: redactValue(record.properties) as Record<string, unknown>,
  };
}
