import assert from "node:assert/strict";
import { join } from "node:path";
import {
  ConfigError,
  configTemplate,
  fileSchema,
  loadConfig,
  parseConfig,
  TEMPLATE_PLACEHOLDERS,
  type TemplatePlaceholder,
} from "../../lib/config/mod.ts";
import { ADDR } from "./fixtures.ts";

const FILLED: Record<TemplatePlaceholder, string> = {
  KEYSTORE: "keystore.json",
  L1_RPC_URL: "http://127.0.0.1:8545",
  OPTIMISM_RPC_URL: "http://127.0.0.1:9545",
  OPTIMISM_REQUEST_MANAGER: ADDR.rmA,
  OPTIMISM_FILL_MANAGER: ADDR.fmA,
  OPTIMISM_USDC: ADDR.tokA,
  ARBITRUM_RPC_URL: "wss://arb.example/ws",
  ARBITRUM_REQUEST_MANAGER: ADDR.rmB,
  ARBITRUM_FILL_MANAGER: ADDR.fmB,
  ARBITRUM_USDC: ADDR.tokB,
};

Deno.test("the template with its placeholders filled is a valid configuration", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(join(dir, "keystore.json"), "{}");
    Deno.writeTextFileSync(join(dir, "tern.toml"), configTemplate(FILLED));
    const config = loadConfig(join(dir, "tern.toml"), {});
    assert.deepEqual(config.chains.map((c) => c.chainId), [10, 42161]);
    assert.equal(config.tokens[0].name, "USDC");
    assert.equal(config.policy.tokens.USDC.maxAmount, 10_000n * 10n ** 6n);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a placeholder left in the template is named in the error", () => {
  const { OPTIMISM_FILL_MANAGER: _, ...rest } = FILLED;
  try {
    parseConfig(configTemplate(rest));
    assert.fail("expected a ConfigError");
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.issues.length, 1);
    assert.equal(error.issues[0].path, "chains[0].fill_manager");
    assert.equal(
      error.issues[0].hint,
      "replace the placeholder <OPTIMISM_FILL_MANAGER> with the real value",
    );
  }
});

Deno.test("every placeholder of the template is listed", () => {
  const found = new Set([...configTemplate().matchAll(/<([A-Z0-9_]+)>/g)].map((m) => m[1]));
  assert.deepEqual([...found].sort(), Object.keys(TEMPLATE_PLACEHOLDERS).sort());
});

Deno.test("the template mentions every key of every section", () => {
  const text = configTemplate();
  const shape = fileSchema.shape;
  for (const [section, schema] of Object.entries(shape)) {
    assert.ok(text.includes(section), `section ${section}`);
    const inner = (schema as unknown as { _zod: { def: { innerType?: { shape?: object } } } })
      ._zod.def.innerType?.shape ?? (schema as unknown as { shape?: object }).shape;
    for (const key of Object.keys(inner ?? {})) {
      assert.match(
        text,
        new RegExp(`^(#? ?${key} = |#? ?\\[${section}\\.${key}\\.)`, "m"),
        `${section}.${key}`,
      );
    }
  }
});

Deno.test("a value with quotes is escaped when filled in", () => {
  const text = configTemplate({ ...FILLED, KEYSTORE: 'my "keys"/k.json' });
  assert.equal(parseConfig(text).account.keystore.endsWith('my "keys"/k.json'), true);
});
