/**
 * Logging setup for the devnet command-line tools: log records go to stderr as text lines, so
 * stdout carries only the tools' own output (the READY line, created requests).
 *
 * @module
 */
import { configure, defaultTextFormatter, type LogLevel, type LogRecord } from "@logtape/logtape";

const encoder = new TextEncoder();

/**
 * Sends every `tern` log record at `level` or above to stderr.
 *
 * @example
 * await logToStderr("info");
 */
export async function logToStderr(level: LogLevel = "info"): Promise<void> {
  await configure({
    sinks: {
      stderr: (record: LogRecord) => {
        Deno.stderr.writeSync(encoder.encode(defaultTextFormatter(record)));
      },
    },
    loggers: [
      { category: ["tern"], lowestLevel: level, sinks: ["stderr"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    ],
  });
}
