import assert from "node:assert/strict";
import { ADDR, edit, validToml } from "./fixtures.ts";
import { configError, issueAt } from "./helpers.ts";

Deno.test("a bad RPC URL names its path and suggests the scheme", () => {
  const error = configError(edit(validToml(), '"http://127.0.0.1:10545"', '"localhost:8545"'));
  assert.equal(
    error.format(),
    [
      "tern: config error in tern.toml",
      '  chains[1].rpc_urls[0]: expected a URL (http://, https://, ws://, wss://), got "localhost:8545"',
      '  hint: write "http://localhost:8545"',
    ].join("\n"),
  );
});

Deno.test("an RPC URL with an unsupported scheme lists the schemes", () => {
  const error = configError(edit(validToml(), '"http://127.0.0.1:8545"', '"ftp://127.0.0.1"'));
  const issue = issueAt(error, "base_chain.rpc_urls[0]");
  assert.match(issue.hint ?? "", /http:\/\/, https:\/\/, ws:\/\/, wss:\/\//);
});

Deno.test("a missing key says it is missing and shows an example", () => {
  const error = configError(edit(validToml(), "deployment_block = 12\n", ""));
  const issue = issueAt(error, "chains[1].deployment_block");
  assert.equal(issue.found, "nothing (the key is missing)");
  assert.equal(issue.hint, "add deployment_block = 0");
});

Deno.test("a missing section asks for the table", () => {
  const error = configError(edit(validToml(), '[account]\nkeystore = "keystore.json"\n', ""));
  const issue = issueAt(error, "account");
  assert.equal(issue.expected, "a table");
  assert.equal(issue.hint, "add a [account] table");
});

Deno.test("a quoted number is a wrong type with an unquoting hint", () => {
  const error = configError(edit(validToml(), "deployment_block = 12", 'deployment_block = "12"'));
  const issue = issueAt(error, "chains[1].deployment_block");
  assert.equal(issue.found, '"12"');
  assert.equal(issue.hint, "write deployment_block = 12 (without quotes)");
});

Deno.test("an ETH amount written as a float asks for a quoted decimal", () => {
  const error = configError(
    edit(validToml(), 'min_source_balance = "0.25"', "min_source_balance = 0.25"),
  );
  const issue = issueAt(error, "chains[1].min_source_balance");
  assert.equal(issue.hint, 'write min_source_balance = "0.25" (quoted)');
});

Deno.test("an unparsable ETH amount is rejected", () => {
  const error = configError(edit(validToml(), '"0.25"', '"0.1.2"'));
  assert.match(issueAt(error, "chains[1].min_source_balance").expected, /decimal/);
});

Deno.test("an unknown key is an error with a did-you-mean hint", () => {
  const error = configError(edit(validToml(), "confirmations = 2", "confirmation = 2"));
  const issue = issueAt(error, "chains[1].confirmation");
  assert.equal(issue.found, "an unknown key");
  assert.equal(issue.hint, "did you mean confirmations?");
});

Deno.test("an unknown top-level section is an error", () => {
  const error = configError(`${validToml()}\n[metrics]\nport = 1\n`);
  assert.equal(issueAt(error, "metrics").found, "an unknown key");
});

Deno.test("a wrong address checksum is an error whose hint has the checksummed form", () => {
  const wrong = `0x5fbDB2315678afecb367f032d93F642f64180aa3`;
  const error = configError(edit(validToml(), ADDR.rmA, wrong));
  const issue = issueAt(error, "chains[0].request_manager");
  assert.equal(issue.found, JSON.stringify(wrong));
  assert.ok(issue.hint?.includes(`"${ADDR.rmA}"`), issue.hint);
  assert.match(issue.hint ?? "", /wrong checksum/);
});

Deno.test("an all-lowercase address is refused for lack of a checksum", () => {
  const error = configError(edit(validToml(), ADDR.tokA, ADDR.tokA.toLowerCase()));
  const issue = issueAt(error, "tokens.TST.chains[0].address");
  assert.match(issue.hint ?? "", /carries no checksum/);
  assert.ok(issue.hint?.includes(ADDR.tokA));
});

Deno.test("a short address says how many digits it has", () => {
  const error = configError(edit(validToml(), ADDR.fmA, "0x1234"));
  assert.match(issueAt(error, "chains[0].fill_manager").hint ?? "", /this one has 4/);
});

Deno.test("the zero address is not a contract", () => {
  const zero = `0x${"0".repeat(40)}`;
  const error = configError(edit(validToml(), ADDR.fmA, zero));
  assert.match(issueAt(error, "chains[0].fill_manager").expected, /not the zero address/);
});

Deno.test("a duplicate chain id is reported at the second entry", () => {
  const error = configError(
    edit(validToml(), "chain_id = 902\nrpc_urls", "chain_id = 901\nrpc_urls")
      .replace("chain_id = 902", "chain_id = 901"),
  );
  const issue = issueAt(error, "chains[1].chain_id");
  assert.match(issue.found, /also used by chains\[0\]/);
});

Deno.test("a duplicate chain name is reported", () => {
  const error = configError(edit(validToml(), 'name = "b"', 'name = "a"'));
  assert.match(issueAt(error, "chains[1].name").found, /also used by chains\[0\]/);
});

Deno.test("a configuration without chains is refused", () => {
  const text = validToml().split("[[chains]]")[0];
  const error = configError(text);
  const issue = issueAt(error, "chains");
  assert.equal(issue.hint, "add at least one [[chains]] entry");
});

Deno.test("a token on a chain that is not configured is refused", () => {
  const error = configError(edit(validToml(), "chain_id = 902\naddress", "chain_id = 77\naddress"));
  const issue = issueAt(error, "tokens.TST.chains[1].chain_id");
  assert.match(issue.expected, /901, 902/);
});

Deno.test("a token class listing one chain twice is refused", () => {
  const error = configError(
    edit(validToml(), "chain_id = 902\naddress", "chain_id = 901\naddress"),
  );
  assert.match(issueAt(error, "tokens.TST.chains[1].chain_id").expected, /one entry per chain/);
});

Deno.test("an allowance with more decimals than the token has is refused", () => {
  const text = edit(validToml(), "decimals = 18", "decimals = 0");
  const error = configError(text);
  assert.match(issueAt(error, "tokens.TST.chains[1].allowance").hint ?? "", /at most 0 digits/);
});

Deno.test('an allowance of "-1" (the reference notation) suggests "max"', () => {
  const error = configError(edit(validToml(), 'allowance = "max"', 'allowance = "-1"'));
  assert.equal(issueAt(error, "tokens.TST.chains[0].allowance").hint, 'write "max"');
});

Deno.test("a policy for an unknown token class is refused", () => {
  const error = configError(edit(validToml(), "[policy.tokens.TST]", "[policy.tokens.USDC]"));
  assert.match(issueAt(error, "policy.tokens.USDC").expected, /TST/);
});

Deno.test("a password in the file is an error that explains the alternative", () => {
  const secret = "correct horse battery staple";
  const error = configError(
    edit(validToml(), 'keystore = "keystore.json"', `keystore = "k.json"\npassword = "${secret}"`),
  );
  const issue = issueAt(error, "account.password");
  assert.match(issue.hint ?? "", /TERN_KEYSTORE_PASSWORD/);
  assert.ok(!error.format().includes(secret), "the password must not be printed");
  assert.ok(!error.message.includes(secret));
});

Deno.test("a private key in the file is an error and is never printed", () => {
  const key = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
  const error = configError(
    edit(validToml(), 'keystore = "keystore.json"', `keystore = "k.json"\nprivate_key = "${key}"`),
  );
  const issue = issueAt(error, "account.private_key");
  assert.match(issue.hint ?? "", /keystore/);
  assert.ok(!error.format().includes(key.slice(2)));
});

Deno.test("a private key pasted into another key is not echoed back", () => {
  const key = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
  const error = configError(edit(validToml(), `"${ADDR.rmA}"`, `"${key}"`));
  assert.equal(
    issueAt(error, "chains[0].request_manager").found,
    "a string with 32-byte hex in it (not shown)",
  );
  assert.ok(!error.format().includes(key));
});

Deno.test("an inspector bound beyond loopback without a token is refused", () => {
  const error = configError(`${validToml()}\n[inspector]\nbind = "0.0.0.0"\n`);
  const issue = issueAt(error, "inspector.token_env");
  assert.match(issue.hint ?? "", /token_env/);
});

Deno.test("an inspector bound beyond loopback needs its token variable set", () => {
  const text = `${validToml()}\n[inspector]\nbind = "0.0.0.0"\ntoken_env = "INSPECT_TOKEN"\n`;
  const error = configError(text);
  assert.equal(issueAt(error, "inspector.token_env").found, "INSPECT_TOKEN unset");
  assert.equal(configError(text, { INSPECT_TOKEN: "" }).issues[0].found, "INSPECT_TOKEN empty");
});

Deno.test("a coordinator URL must be a WebSocket URL", () => {
  const error = configError(`${validToml()}\n[coordinator]\nurl = "https://c.example/x"\n`);
  assert.equal(issueAt(error, "coordinator.url").hint, 'write "wss://c.example/x"');
});

Deno.test("a heartbeat timeout not above the interval is refused", () => {
  const text = `${validToml()}\n[coordinator]\nurl = "ws://c"\nheartbeat_interval_ms = 5000\n` +
    "heartbeat_timeout_ms = 5000\n";
  const error = configError(text, { TERN_COORDINATOR_TOKEN: "t" });
  assert.match(issueAt(error, "coordinator.heartbeat_timeout_ms").hint ?? "", /15000/);
});

Deno.test("a coordinator needs its token variable", () => {
  const text = `${validToml()}\n[coordinator]\nurl = "ws://c"\n`;
  assert.equal(
    issueAt(configError(text), "coordinator.token_env").found,
    "TERN_COORDINATOR_TOKEN unset",
  );
});

Deno.test("unsafe_fill_time must stay below MAX_VALIDITY_PERIOD", () => {
  const error = configError(edit(validToml(), 'log_level = "info"', "unsafe_fill_time = 172800"));
  assert.match(issueAt(error, "agent.unsafe_fill_time").expected, /below 172800/);
});

Deno.test("a view lag not above the poll period is refused", () => {
  const error = configError(edit(validToml(), "poll_period = 0.5", "poll_period = 60"));
  assert.match(issueAt(error, "agent.max_view_lag").expected, /poll period of chain b \(60\)/);
});

Deno.test("an unknown log level suggests the closest one", () => {
  const error = configError(edit(validToml(), 'log_level = "info"', 'log_level = "warn"'));
  const issue = issueAt(error, "agent.log_level");
  assert.match(issue.expected, /debug, info, warning, error, critical/);
  assert.equal(issue.hint, 'write log_level = "warning"');
});

Deno.test("a TOML syntax error gives line and column", () => {
  const error = configError('[agent]\nlog_level = "info"\ndata_dir = \n');
  assert.equal(error.issues.length, 1);
  const issue = error.issues[0];
  assert.equal(issue.line, 3);
  assert.equal(issue.column, 12);
  assert.equal(issue.path, "line 3, column 12");
  assert.match(error.format(), /line 3, column 12: expected valid TOML/);
});

Deno.test("every problem of a file is reported at once", () => {
  let text = edit(validToml(), '"http://127.0.0.1:10545"', '"localhost:8545"');
  text = edit(text, "confirmations = 2", "confirmation = 2");
  const error = configError(text);
  assert.equal(error.issues.length, 2);
  assert.match(error.message, /and 1 more/);
});

Deno.test("a single-bracket [chains] table asks for double brackets", () => {
  const text = validToml().replace("[[chains]]", "[chains]").split("[[chains]]")[0];
  const issue = issueAt(configError(text), "chains");
  assert.equal(issue.found, "a table");
  assert.equal(issue.hint, "write [[chains]] (double brackets) before each entry");
});

Deno.test("an unknown key holding something shaped like a private key is called out", () => {
  const key = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
  const error = configError(
    edit(validToml(), 'keystore = "keystore.json"', `keystore = "k.json"\nlp = "0x${key}"`),
  );
  const issue = issueAt(error, "account.lp");
  assert.equal(issue.expected, "no private key or seed in the config file");
  assert.ok(!error.format().includes(key));
});

Deno.test("a coordinator agent id outside the link's alphabet is refused", () => {
  const text = `${validToml()}\n[coordinator]\nurl = "ws://c"\nagent_id = "lp 1"\n`;
  const issue = issueAt(configError(text, { TERN_COORDINATOR_TOKEN: "t" }), "coordinator.agent_id");
  assert.match(issue.expected, /A-Z a-z 0-9 \. _ : -/);
  assert.equal(issue.hint, 'write agent_id = "lp-1"');
});
