/**
 * Logs a registered private key and password in every way the agent might, to stderr through
 * the real setup. Run by the log tests as a subprocess: `deno run emit_secrets.ts text|json`.
 */
import { getLog, registerSecret, setupLogging, stopLogging } from "../../lib/log.ts";

const KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const PASSWORD = "correct horse battery staple";
const format = Deno.args[0] === "json" ? "json" : "text";

await setupLogging({ level: "debug", format });
registerSecret(KEY);
registerSecret(PASSWORD);
const log = getLog("tx_sender");
log.info("signing with {key}", { key: KEY });
log.info("unlocked with {pw}", { pw: PASSWORD });
log.debug`raw ${KEY.toUpperCase().replace("0X", "0x")} and ${KEY.slice(2)}`;
log.warning("nested", { account: { keys: [KEY], note: `key=${KEY}` } });
log.error("failed", { error: new Error(`cannot use ${KEY} with ${PASSWORD}`) });
log.fatal(`inline ${KEY}`);
log.info("done {requestId}", { requestId: `0x${"ab".repeat(32)}` });
await stopLogging();
