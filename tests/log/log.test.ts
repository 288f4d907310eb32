import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { LogRecord } from "@logtape/logtape";
import {
  clearSecrets,
  getLog,
  REDACTED,
  registerSecret,
  setupLogging,
  stopLogging,
} from "../../lib/log.ts";

const KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const REQUEST_ID = `0x${"ab".repeat(32)}`;

/** Sets up logging into an array of lines, runs `body`, and tears down. */
async function capture(
  options: { level?: "debug" | "info" | "critical"; format?: "text" | "json" },
  body: () => void,
): Promise<{ lines: string[]; records: LogRecord[] }> {
  const lines: string[] = [];
  const records: LogRecord[] = [];
  await setupLogging({
    level: options.level ?? "debug",
    format: options.format ?? "text",
    write: (line) => lines.push(line),
    sinks: { raw: (record) => records.push(record) },
  });
  try {
    body();
  } finally {
    await stopLogging();
    clearSecrets();
  }
  return { lines, records };
}

Deno.test("a text record is one line: time, level, category, message, properties", async () => {
  const { lines } = await capture({}, () => {
    getLog("request").info("filled {requestId}", { requestId: REQUEST_ID, chainId: 10, n: 5n });
  });
  assert.equal(lines.length, 1);
  assert.match(
    lines[0],
    new RegExp(
      `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO     tern\\.request  ` +
        `filled ${REQUEST_ID} chainId=10 n=5$`,
    ),
  );
});

Deno.test("text properties with spaces are quoted and newlines stay on one line", async () => {
  const { lines } = await capture({}, () => {
    getLog("link").warning("line one\nline two", { reason: "socket closed", code: 1006 });
  });
  assert.equal(lines.length, 1);
  assert.ok(lines[0].endsWith('line one\\nline two reason="socket closed" code=1006'), lines[0]);
});

Deno.test("a JSON record is one object with time, level, category, message, properties", async () => {
  const { lines } = await capture({ format: "json" }, () => {
    getLog("chain_watcher").error("RPC {url} timed out", {
      url: "http://a",
      block: 12n,
      error: new Error("timeout"),
    });
  });
  assert.equal(lines.length, 1);
  const record = JSON.parse(lines[0]);
  assert.equal(record.level, "error");
  assert.equal(record.category, "tern.chain_watcher");
  assert.equal(record.message, "RPC http://a timed out");
  assert.equal(record.properties.block, "12");
  assert.equal(record.properties.error.message, "timeout");
  assert.ok(!Number.isNaN(Date.parse(record.time)));
});

Deno.test("records below the configured level are dropped", async () => {
  const { lines } = await capture({ level: "info" }, () => {
    const log = getLog("request");
    log.debug("hidden");
    log.info("shown");
    log.fatal("also shown");
  });
  assert.deepEqual(lines.map((l) => l.split("  ").pop()), ["shown", "also shown"]);
});

Deno.test("critical is LogTape's fatal and prints as CRITICAL", async () => {
  const { lines } = await capture({ level: "critical" }, () => {
    getLog("supervisor").error("not shown");
    getLog("supervisor").fatal("stopping");
  });
  assert.equal(lines.length, 1);
  assert.match(lines[0], / CRITICAL tern\.supervisor {2}stopping$/);
});

Deno.test("setting up logging twice replaces the first setup", async () => {
  const first: string[] = [];
  await setupLogging({ level: "info", format: "text", write: (l) => first.push(l) });
  const { lines } = await capture({}, () => getLog("request").info("second"));
  assert.deepEqual(first, []);
  assert.equal(lines.length, 1);
});

Deno.test("a registered secret never reaches any sink, in any shape", async () => {
  const password = "correct horse battery staple";
  const { lines, records } = await capture({}, () => {
    registerSecret(KEY);
    registerSecret(password);
    const log = getLog("tx_sender");
    log.info("signing with {signer}", { signer: KEY });
    log.info(`inline ${KEY.slice(2).toUpperCase()} and ${password}`);
    log.info("nested", { a: { b: [KEY, { c: `prefix-${KEY}-suffix` }] } });
    log.error("failed", { error: new Error(`bad ${KEY}`) });
    log.debug`template ${KEY}`;
  });
  const raw = JSON.stringify(
    records,
    (_k, v) =>
      v instanceof Error ? `${v.message} ${v.stack}` : typeof v === "bigint" ? String(v) : v,
  );
  for (const output of [lines.join("\n"), raw]) {
    assert.ok(!output.toLowerCase().includes(KEY.slice(2)), output);
    assert.ok(!output.includes(password));
    assert.ok(output.includes(REDACTED));
  }
  assert.equal(lines.length, 5);
});

Deno.test("keys named like secrets are scrubbed without registration", async () => {
  const { lines } = await capture({ format: "json" }, () => {
    getLog("account").info("loaded", {
      privateKey: KEY,
      password: "pw",
      apiToken: "abc",
      token: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      requestId: REQUEST_ID,
      txHash: REQUEST_ID,
    });
  });
  const props = JSON.parse(lines[0]).properties;
  assert.equal(props.privateKey, REDACTED);
  assert.equal(props.password, REDACTED);
  assert.equal(props.apiToken, REDACTED);
  assert.equal(props.token, "0x5FbDB2315678afecb367f032d93F642f64180aa3", "a token address stays");
  assert.equal(props.requestId, REQUEST_ID, "ids are not secrets");
  assert.equal(props.txHash, REQUEST_ID);
});

Deno.test("a message placeholder named like a key is scrubbed in the message too", async () => {
  const { lines } = await capture({}, () => {
    getLog("account").info("using {privateKey}", { privateKey: KEY });
  });
  assert.ok(lines[0].endsWith(`using ${REDACTED}`), lines[0]);
});

for (const format of ["text", "json"] as const) {
  Deno.test(`the real stderr output in ${format} never contains a registered secret`, async () => {
    const script = fileURLToPath(new URL("./emit_secrets.ts", import.meta.url));
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "-A", script, format],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, stderr);
    assert.equal(stderr.trim().split("\n").length, 7, stderr);
    assert.ok(!stderr.toLowerCase().includes(KEY.slice(2)), stderr);
    assert.ok(!stderr.includes("correct horse battery staple"), stderr);
    assert.ok(stderr.includes(REQUEST_ID), "non-secret ids are kept");
  });
}

Deno.test("URLs in url-named properties hide credentials and API keys", async () => {
  const { lines } = await capture({}, () => {
    getLog("chain_watcher").info("connected", {
      rpcUrl: "https://eth-mainnet.g.alchemy.com/v2/abcdEFGH1234ijklMNOP",
      url: "wss://user:pw@host/ws?apikey=xyz",
      localUrl: "http://127.0.0.1:8545",
    });
  });
  assert.ok(lines[0].includes("rpcUrl=https://eth-mainnet.g.alchemy.com/v2/[redacted]"), lines[0]);
  assert.ok(!lines[0].includes("abcdEFGH1234ijklMNOP"));
  assert.ok(!lines[0].includes("pw@") && !lines[0].includes("xyz"), lines[0]);
  assert.ok(lines[0].includes("localUrl=http://127.0.0.1:8545"), lines[0]);
});
