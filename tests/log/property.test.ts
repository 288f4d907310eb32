import assert from "node:assert/strict";
import fc from "fast-check";
import type { LogRecord } from "@logtape/logtape";
import { clearSecrets, redactRecord, registerSecret } from "../../lib/log.ts";
import { formatJson, formatText } from "../../lib/log.ts";

const KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

function record(message: unknown[], properties: Record<string, unknown>): LogRecord {
  return {
    category: ["tern", "test"],
    level: "info",
    message,
    rawMessage: "x",
    timestamp: 0,
    properties,
  };
}

/** A string with the key somewhere inside, in some case, with or without 0x. */
const withKey = fc.tuple(
  fc.string(),
  fc.constantFrom(KEY, KEY.toUpperCase(), `0x${KEY}`, `0X${KEY.toUpperCase()}`),
  fc.string(),
).map(([a, k, b]) => a + k + b);

const carrier = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    withKey,
    fc.string(),
    fc.integer(),
    tie("array"),
    tie("object"),
  ),
  array: fc.array(tie("value"), { maxLength: 3 }),
  object: fc.dictionary(fc.string({ maxLength: 8 }), tie("value"), { maxKeys: 3 }),
})).value;

Deno.test("a registered key never survives redaction, wherever it sits", () => {
  registerSecret(`0x${KEY}`);
  try {
    fc.assert(
      fc.property(withKey, carrier, fc.string(), (text, props, name) => {
        const redacted = redactRecord(record(["a ", text, " b"], { [name]: props, other: text }));
        for (const line of [formatText(redacted), formatJson(redacted)]) {
          assert.ok(!line.toLowerCase().includes(KEY), line);
        }
      }),
      { numRuns: 500 },
    );
  } finally {
    clearSecrets();
  }
});
