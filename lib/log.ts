/**
 * Logging on LogTape: one category per actor kind (`["tern", "request"]`), readable text (one
 * line a record: time, level, category, message, key=value properties) or JSON lines, and
 * redaction of secrets before any sink sees a record (see `redact.ts`).
 *
 * @example
 * ```ts
 * await setupLogging({ level: "info", format: "text" });
 * const log = getLog("request");
 * log.info("filled {requestId}", { requestId, chainId: 10 });
 * ```
 *
 * @module
 */
import {
  configure,
  getLogger,
  type Logger,
  type LogLevel,
  type LogRecord,
  reset,
  type Sink,
} from "@logtape/logtape";
import { redactRecord } from "./redact.ts";

export { clearSecrets, displayUrl, REDACTED, redactRecord, registerSecret } from "./redact.ts";

/** `text` for people, `json` for machines. */
export type LogFormat = "text" | "json";

/** Options of {@link setupLogging}. */
export interface LoggingOptions {
  /** The lowest level logged; `critical` is accepted as LogTape's `fatal`. */
  level: LogLevel | "critical";
  format: LogFormat;
  /** Where formatted lines go (without the newline). Default: standard error. */
  write?: (line: string) => void;
  /** Further LogTape sinks; they receive records after redaction. */
  sinks?: Record<string, Sink>;
}

const LEVEL_LABEL: Record<LogLevel, string> = {
  trace: "TRACE",
  debug: "DEBUG",
  info: "INFO",
  warning: "WARNING",
  error: "ERROR",
  fatal: "CRITICAL",
};

function jsonSafe(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value === undefined || typeof value === "function" || typeof value === "symbol") {
    return undefined;
  }
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) {
    return `0x${[...value].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  }
  if (Array.isArray(value)) return value.map((item) => jsonSafe(item, seen) ?? null);
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const safe = jsonSafe(inner, seen);
    if (safe !== undefined) out[key] = safe;
  }
  return out;
}

function oneLine(text: string): string {
  // One record, one line: newlines are escaped and other control characters (which could
  // forge lines or move the terminal cursor) are dropped.
  // deno-lint-ignore no-control-regex
  return text.replace(/\r?\n/g, "\\n").replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "");
}

/** A value as it appears inside a text line. */
function renderValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  if (value === undefined) return "undefined";
  return JSON.stringify(jsonSafe(value)) ?? String(value);
}

function renderProperty(value: unknown): string {
  const text = oneLine(renderValue(value));
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}

/** The message of a record with its values filled in. */
export function renderMessage(record: LogRecord): string {
  return oneLine(
    record.message.map((part, i) => i % 2 === 0 ? String(part) : renderValue(part)).join(""),
  );
}

/** `2026-01-01T00:00:00.000Z INFO     tern.request  filled 0x… chainId=10` */
export function formatText(record: LogRecord): string {
  const used = typeof record.rawMessage === "string"
    ? new Set([...record.rawMessage.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1].trim()))
    : new Set<string>();
  const props = Object.entries(record.properties)
    .filter(([key]) => !used.has(key))
    .map(([key, value]) => ` ${key}=${renderProperty(value)}`)
    .join("");
  const time = new Date(record.timestamp).toISOString();
  const level = LEVEL_LABEL[record.level].padEnd(8);
  return `${time} ${level} ${record.category.join(".")}  ${renderMessage(record)}${props}`;
}

/** One JSON object: time, level, category, message, properties. */
export function formatJson(record: LogRecord): string {
  return JSON.stringify({
    time: new Date(record.timestamp).toISOString(),
    level: record.level === "fatal" ? "critical" : record.level,
    category: record.category.join("."),
    message: renderMessage(record),
    properties: jsonSafe(record.properties),
  });
}

const encoder = new TextEncoder();

/** Writes a line to standard error synchronously, so nothing is lost on a crash. */
function writeStderr(line: string): void {
  const bytes = encoder.encode(`${line}\n`);
  let offset = 0;
  while (offset < bytes.length) offset += Deno.stderr.writeSync(bytes.subarray(offset));
}

function redacting(sink: Sink): Sink {
  return (record) => sink(redactRecord(record));
}

/**
 * Configures LogTape for tern. Safe to call again (the previous setup is replaced).
 *
 * @example
 * ```ts
 * await setupLogging({ level: config.agent.logLevel, format: config.agent.logFormat });
 * ```
 */
export async function setupLogging(options: LoggingOptions): Promise<void> {
  const level: LogLevel = options.level === "critical" ? "fatal" : options.level;
  const write = options.write ?? writeStderr;
  const format = options.format === "json" ? formatJson : formatText;
  const sinks: Record<string, Sink> = { main: redacting((record) => write(format(record))) };
  for (const [name, sink] of Object.entries(options.sinks ?? {})) {
    sinks[`extra:${name}`] = redacting(sink);
  }
  await configure({
    reset: true,
    sinks,
    loggers: [
      { category: ["tern"], sinks: Object.keys(sinks), lowestLevel: level },
      { category: ["logtape", "meta"], sinks: ["main"], lowestLevel: "warning" },
    ],
  });
}

/** Removes the logging setup (tests, shutdown). */
export async function stopLogging(): Promise<void> {
  await reset();
}

/**
 * The logger of an actor kind (or another part of tern): category `["tern", kind, ...sub]`.
 *
 * @example
 * ```ts
 * const log = getLog("chain_watcher");
 * log.warn("RPC {url} timed out", { url, chainId });
 * ```
 */
export function getLog(kind: string, ...sub: string[]): Logger {
  return getLogger(["tern", kind, ...sub]);
}
