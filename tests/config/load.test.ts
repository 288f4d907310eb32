import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError, findTokenClass, loadConfig, parseConfig } from "../../lib/config/mod.ts";
import { ADDR, validToml } from "./fixtures.ts";

Deno.test("a valid file resolves with defaults, per-chain overrides and base units", () => {
  const config = parseConfig(validToml(), { baseDir: "/etc/tern" });
  assert.equal(config.agent.dataDir, "/etc/tern/state");
  assert.equal(config.account.keystore, "/etc/tern/keystore.json");
  assert.equal(config.agent.unsafeFillTime, 600);
  assert.equal(config.agent.fillWaitTime, 120);
  assert.equal(config.agent.logFormat, "text");
  assert.equal(config.baseChain.resolver, ADDR.resolver);
  assert.equal(config.baseChain.rpcTimeoutMs, 5000);
  const [a, b] = config.chains;
  assert.deepEqual([a.pollPeriod, a.confirmations, a.minSourceBalance], [5, 0, 10n ** 17n]);
  assert.deepEqual([b.pollPeriod, b.confirmations, b.minSourceBalance], [0.5, 2, 25n * 10n ** 16n]);
  assert.equal(b.deploymentBlock, 12n);
  assert.deepEqual(a.rpcUrls, ["http://127.0.0.1:9545", "ws://127.0.0.1:9546"]);
  assert.deepEqual(config.tokens[0].chains.map((c) => c.allowance), [
    { kind: "max" },
    { kind: "amount", amount: 10005n * 10n ** 17n },
  ]);
  assert.deepEqual(config.policy, {
    minFeePpm: 100,
    tokens: { TST: { maxAmount: 500n * 10n ** 18n, reserveBalance: 15n * 10n ** 17n } },
  });
  assert.deepEqual(config.inspector, {
    enabled: true,
    bind: "127.0.0.1",
    port: 9464,
    tokenEnv: undefined,
    token: undefined,
  });
  assert.equal(config.coordinator, undefined);
});

Deno.test("an absent allowance means the request amount", () => {
  const config = parseConfig(validToml().replace('allowance = "1000.5"\n', ""));
  assert.deepEqual(config.tokens[0].chains[1].allowance, { kind: "request" });
});

Deno.test("critical in the file is LogTape's fatal level", () => {
  const config = parseConfig(validToml().replace('log_level = "info"', 'log_level = "critical"'));
  assert.equal(config.agent.logLevel, "fatal");
});

Deno.test("a coordinator section resolves its token from the environment", () => {
  const text = `${validToml()}\n[coordinator]\nurl = "wss://c.example/agent"\nagent_id = "lp-1"\n`;
  const config = parseConfig(text, { env: { TERN_COORDINATOR_TOKEN: "s3cret" } });
  assert.deepEqual(config.coordinator, {
    url: "wss://c.example/agent",
    tokenEnv: "TERN_COORDINATOR_TOKEN",
    token: "s3cret",
    agentId: "lp-1",
    heartbeatIntervalMs: 5000,
    heartbeatTimeoutMs: 15000,
    outboxWarnSize: 10000,
  });
});

Deno.test("secrets may be left unchecked, for checking a file on another machine", () => {
  const text = `${validToml()}\n[coordinator]\nurl = "wss://c.example/agent"\n`;
  const config = parseConfig(text, { requireSecrets: false });
  assert.equal(config.coordinator?.token, undefined);
});

Deno.test("an inspector on another interface resolves its token", () => {
  const text = `${validToml()}\n[inspector]\nbind = "0.0.0.0"\nport = 0\ntoken_env = "T"\n`;
  const config = parseConfig(text, { env: { T: "abc" } });
  assert.deepEqual([config.inspector.bind, config.inspector.port, config.inspector.token], [
    "0.0.0.0",
    0,
    "abc",
  ]);
});

Deno.test("a token class is found by chain and address in any case", () => {
  const config = parseConfig(validToml());
  const found = findTokenClass(config, 902, ADDR.tokB.toLowerCase() as `0x${string}`);
  assert.equal(found?.tokenClass.name, "TST");
  assert.equal(found?.entry.chainId, 902);
  assert.equal(findTokenClass(config, 901, ADDR.tokB), undefined);
});

Deno.test("loadConfig resolves paths against the file's directory", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(join(dir, "keystore.json"), "{}");
    Deno.writeTextFileSync(join(dir, "tern.toml"), validToml());
    const config = loadConfig(join(dir, "tern.toml"), {});
    assert.equal(config.source, join(dir, "tern.toml"));
    assert.equal(config.agent.dataDir, join(dir, "state"));
    assert.equal(config.account.keystore, join(dir, "keystore.json"));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("loadConfig refuses a keystore path that does not exist", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(join(dir, "tern.toml"), validToml());
    try {
      loadConfig(join(dir, "tern.toml"), {});
      assert.fail("expected a ConfigError");
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      const issue = (e as ConfigError).issues[0];
      assert.equal(issue.path, "account.keystore");
      assert.match(issue.found, /no such file/);
      assert.match(issue.hint ?? "", /tern init/);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("loadConfig on a missing file is a ConfigError naming the file", () => {
  const path = join(Deno.makeTempDirSync(), "absent.toml");
  try {
    loadConfig(path, {});
    assert.fail("expected a ConfigError");
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.source, path);
    assert.equal(error.issues[0].found, "no such file");
    assert.match(error.format(), new RegExp(`^tern: config error in ${path}`));
  } finally {
    Deno.removeSync(path.replace(/\/absent\.toml$/, ""), { recursive: true });
  }
});

Deno.test("a ConfigError is a TernError with a code, a hint and the issues as data", async () => {
  const { TernError } = await import("../../lib/errors.ts");
  try {
    parseConfig("[agent]\nlog_level = 3\n");
    assert.fail("expected a ConfigError");
  } catch (error) {
    assert.ok(error instanceof TernError);
    assert.equal(error.code, "config_invalid");
    assert.ok(Array.isArray(error.data.issues));
    assert.ok(error.hint !== undefined);
  }
});

Deno.test("the secrets of a configuration are listed for log redaction", async () => {
  const { configSecrets } = await import("../../lib/config/mod.ts");
  const text = `${validToml()}\n[coordinator]\nurl = "ws://c"\n[inspector]\ntoken_env = "T"\n`;
  const config = parseConfig(text, { env: { TERN_COORDINATOR_TOKEN: "c-token", T: "i-token" } });
  assert.deepEqual(configSecrets(config), ["c-token", "i-token"]);
  assert.deepEqual(configSecrets(parseConfig(validToml())), []);
});

Deno.test("two tokens of one class make a valid pair; others do not", async () => {
  const { chainById, sameTokenClass } = await import("../../lib/config/mod.ts");
  const config = parseConfig(validToml());
  const a = { chainId: 901, token: ADDR.tokA as `0x${string}` };
  const b = { chainId: 902, token: ADDR.tokB as `0x${string}` };
  assert.equal(sameTokenClass(config, a, b)?.name, "TST");
  assert.equal(sameTokenClass(config, a, { chainId: 902, token: ADDR.tokA }), undefined);
  assert.equal(chainById(config, 902)?.name, "b");
  assert.equal(chainById(config, 1), undefined);
});

Deno.test("a file saved with a byte-order mark and CRLF line ends loads", () => {
  const config = parseConfig(`\uFEFF${validToml().replaceAll("\n", "\r\n")}`);
  assert.equal(config.chains.length, 2);
});
