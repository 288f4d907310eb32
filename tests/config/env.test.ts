import assert from "node:assert/strict";
import { envOverrides, fileSchema, parseConfig } from "../../lib/config/mod.ts";
import { validToml } from "./fixtures.ts";
import { configError, issueAt } from "./helpers.ts";

Deno.test("an environment override replaces the file's value", () => {
  const config = parseConfig(validToml(), {
    baseDir: "/srv",
    env: {
      TERN_AGENT_LOG_LEVEL: "debug",
      TERN_AGENT_DATA_DIR: "/var/lib/tern",
      TERN_AGENT_POLL_PERIOD: "2.5",
      TERN_INSPECTOR_ENABLED: "false",
      TERN_BASE_CHAIN_RPC_URLS: "http://a:1, ws://b:2",
      TERN_POLICY_MIN_FEE_PPM: "250",
    },
  });
  assert.equal(config.agent.logLevel, "debug");
  assert.equal(config.agent.dataDir, "/var/lib/tern");
  assert.equal(config.agent.pollPeriod, 2.5);
  assert.equal(config.chains[0].pollPeriod, 2.5, "chains without their own value follow it");
  assert.equal(config.chains[1].pollPeriod, 0.5, "a chain's own value still wins");
  assert.equal(config.inspector.enabled, false);
  assert.deepEqual(config.baseChain.rpcUrls, ["http://a:1", "ws://b:2"]);
  assert.equal(config.policy.minFeePpm, 250);
});

Deno.test("an override can create a section the file leaves out", () => {
  const config = parseConfig(validToml(), {
    env: { TERN_COORDINATOR_URL: "ws://127.0.0.1:9000", TERN_COORDINATOR_TOKEN: "t" },
  });
  assert.equal(config.coordinator?.url, "ws://127.0.0.1:9000");
  assert.equal(config.coordinator?.token, "t");
});

Deno.test("an invalid override is validated like a file value and names the variable", () => {
  const error = configError(validToml(), { TERN_AGENT_LOG_LEVEL: "verbose" });
  const issue = issueAt(error, "agent.log_level");
  assert.equal(issue.envVar, "TERN_AGENT_LOG_LEVEL");
  assert.equal(issue.found, '"verbose"');
  assert.equal(issue.hint, "set TERN_AGENT_LOG_LEVEL=info, or unset it");
  assert.match(error.format(), /agent\.log_level \(from TERN_AGENT_LOG_LEVEL\): expected one of/);
});

Deno.test("a non-numeric override of a number is reported with the variable", () => {
  const error = configError(validToml(), { TERN_INSPECTOR_PORT: "http" });
  const issue = issueAt(error, "inspector.port");
  assert.equal(issue.envVar, "TERN_INSPECTOR_PORT");
  assert.equal(issue.found, '"http"');
});

Deno.test("an override that breaks a cross-key rule names the variable", () => {
  const error = configError(validToml(), { TERN_INSPECTOR_BIND: "0.0.0.0" });
  assert.equal(issueAt(error, "inspector.token_env").path, "inspector.token_env");
  const bad = configError(validToml(), { TERN_AGENT_MAX_VIEW_LAG: "1" });
  assert.equal(issueAt(bad, "agent.max_view_lag").envVar, "TERN_AGENT_MAX_VIEW_LAG");
});

Deno.test("a misspelt TERN_ variable of a known section is an error with a suggestion", () => {
  const error = configError(validToml(), { TERN_AGENT_LOGLEVEL: "debug" });
  const issue = error.issues.find((i) => i.envVar === "TERN_AGENT_LOGLEVEL");
  assert.equal(issue?.hint, "did you mean TERN_AGENT_LOG_LEVEL?");
});

Deno.test("secret variables and unrelated variables are not taken for overrides", () => {
  const config = parseConfig(validToml(), {
    env: {
      TERN_KEYSTORE_PASSWORD: "pw",
      TERN_COORDINATOR_TOKEN: "t",
      TERN_INSPECTOR_TOKEN: "t",
      TERN_SOMETHING_ELSE: "x",
      PATH: "/usr/bin",
    },
  });
  assert.equal(config.agent.logLevel, "info");
});

Deno.test("every scalar key of every section has an override", () => {
  const names = envOverrides(fileSchema).map((o) => o.envVar);
  for (
    const name of [
      "TERN_AGENT_DATA_DIR",
      "TERN_AGENT_UNSAFE_FILL_TIME",
      "TERN_AGENT_FILL_WAIT_TIME",
      "TERN_AGENT_POLL_PERIOD",
      "TERN_AGENT_CONFIRMATIONS",
      "TERN_AGENT_MAX_VIEW_LAG",
      "TERN_AGENT_LOG_LEVEL",
      "TERN_AGENT_LOG_FORMAT",
      "TERN_ACCOUNT_KEYSTORE",
      "TERN_BASE_CHAIN_CHAIN_ID",
      "TERN_BASE_CHAIN_RPC_URLS",
      "TERN_BASE_CHAIN_RESOLVER",
      "TERN_BASE_CHAIN_RPC_TIMEOUT_MS",
      "TERN_POLICY_MIN_FEE_PPM",
      "TERN_COORDINATOR_URL",
      "TERN_COORDINATOR_TOKEN_ENV",
      "TERN_COORDINATOR_AGENT_ID",
      "TERN_COORDINATOR_HEARTBEAT_INTERVAL_MS",
      "TERN_COORDINATOR_HEARTBEAT_TIMEOUT_MS",
      "TERN_COORDINATOR_OUTBOX_WARN_SIZE",
      "TERN_INSPECTOR_ENABLED",
      "TERN_INSPECTOR_BIND",
      "TERN_INSPECTOR_PORT",
      "TERN_INSPECTOR_TOKEN_ENV",
    ]
  ) assert.ok(names.includes(name), `${name} missing from ${names.join(", ")}`);
});

Deno.test("docs/CONFIG.md lists every environment override", () => {
  const doc = Deno.readTextFileSync(new URL("../../docs/CONFIG.md", import.meta.url));
  for (const { envVar } of envOverrides(fileSchema)) {
    assert.ok(doc.includes(`\`${envVar}\``), `${envVar} is not documented`);
  }
});

Deno.test("a variable aimed at [[chains]] or [tokens] is an error, not silently ignored", () => {
  const error = configError(validToml(), { TERN_CHAINS_0_RPC_URLS: "http://x" });
  const issue = error.issues.find((i) => i.envVar === "TERN_CHAINS_0_RPC_URLS");
  assert.match(issue?.expected ?? "", /set in the file only/);
});
