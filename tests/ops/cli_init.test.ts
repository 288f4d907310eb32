/**
 * `tern init` and `tern config check` through subprocesses, and a secret grep: a known key and
 * password never appear in any output, nor in `/metrics`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { ActorSystem } from "../../lib/runtime/mod.ts";
import { MetricsRegistry } from "../../lib/metrics.ts";
import { startInspector } from "../../lib/inspector/server.ts";
import { readKeystoreFile } from "../../lib/keystore/mod.ts";
import { fixtureBehaviors, populate, tern } from "./fixtures.ts";

const KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const ADDRESS = "0x2c7536e3605d9c16a7a3d7b1898e529396a65c23";
const PASSWORD = "correct horse battery staple 42";
const SAMPLE = new URL("../../docs/examples/sample.toml", import.meta.url).pathname;

function assertNoSecret(where: string, text: string): void {
  for (const s of [KEY, KEY.slice(2), PASSWORD]) {
    assert.ok(!text.toLowerCase().includes(s.toLowerCase()), `${where} shows a secret`);
  }
}

Deno.test("init writes a template and a keystore; config check; secrets never shown", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tern-init-" });
  const outputs: [string, string][] = [];
  const keep = <R extends { stdout: string; stderr: string }>(name: string, r: R): R => {
    outputs.push([name, r.stdout + r.stderr]);
    return r;
  };
  try {
    const env = { TERN_KEYSTORE_PASSWORD: PASSWORD, LP_KEY: KEY };
    const init = keep(
      "init",
      await tern(["init", "--key-env", "LP_KEY", "--scrypt-n", "1024"], { cwd: dir, env }),
    );
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, new RegExp(`wrote keystore keystore.json for account ${ADDRESS}`));
    assert.equal(await readKeystoreFile(`${dir}/keystore.json`, PASSWORD), KEY);
    assert.equal((await Deno.stat(`${dir}/keystore.json`)).mode! & 0o777, 0o600);
    const toml = await Deno.readTextFile(`${dir}/tern.toml`);
    assert.match(toml, /^keystore = "keystore.json"$/m);
    assertNoSecret("tern.toml", toml);

    const again = keep("init again", await tern(["init"], { cwd: dir, env }));
    assert.equal(again.code, 2);
    assert.match(again.stderr, /tern.toml already exists\n {2}hint: choose another path/);

    // The template still holds placeholders: every one is reported with a hint.
    const tmpl = keep("check template", await tern(["config", "check", "tern.toml"], { cwd: dir }));
    assert.equal(tmpl.code, 2);
    assert.match(tmpl.stderr, /^tern: config error in tern.toml$/m);
    assert.match(tmpl.stderr, /hint: replace the placeholder <L1_RPC_URL> with the real value/);

    await Deno.copyFile(SAMPLE, `${dir}/sample.toml`);
    const ok = keep(
      "check sample",
      await tern(["config", "check", "sample.toml"], { cwd: dir, env }),
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^OK: sample.toml$/m);
    assert.match(ok.stdout, /^ {2}chains: a \(901\), b \(902\)$/m);
    assert.match(ok.stdout, new RegExp(`^  data: ${dir}/state/tern.kv$`, "m"));

    const badKey = keep(
      "bad key",
      await tern(["init", "-c", "x.toml", "-k", "x.json", "--key-env", "LP_KEY"], {
        cwd: dir,
        env: { ...env, LP_KEY: KEY.slice(0, 40) },
      }),
    );
    assert.equal(badKey.code, 2);
    assert.match(badKey.stderr, /variable LP_KEY does not hold a private key/);

    const noPw = keep(
      "no password",
      await tern(["init", "-c", "y.toml", "-k", "y.json"], { cwd: dir }),
    );
    assert.equal(noPw.code, 1);
    assert.match(noPw.stderr, /no password for the keystore\n {2}hint: set TERN_KEYSTORE_PASSWORD/);

    // Inspection of a KV and /metrics of an inspector in the same directory.
    const kv = await Deno.openKv(`${dir}/tern.kv`);
    try {
      await populate(kv);
      keep("inspect", await tern(["inspect", "tree", "--kv", `${dir}/tern.kv`], { env }));
      const system = await ActorSystem.start({ kv, behaviors: fixtureBehaviors });
      const insp = await startInspector({
        system,
        kv,
        port: 0,
        metrics: new MetricsRegistry(),
        readiness: () => ({ ready: true, checks: {} }),
      });
      try {
        outputs.push(["/metrics", await fetch(`${insp.url}/metrics`).then((r) => r.text())]);
      } finally {
        await insp.stop();
        await system.stop();
      }
    } finally {
      kv.close();
    }
    for (const [name, text] of outputs) assertNoSecret(name, text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config check: missing file, malformed TOML, bad values, no argument", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tern-check-" });
  try {
    await Deno.writeTextFile(`${dir}/broken.toml`, "[agent\ndata_dir = 1\n");
    await Deno.writeTextFile(
      `${dir}/wrong.toml`,
      (await Deno.readTextFile(SAMPLE)).replace("chain_id = 901", 'chain_id = "x"'),
    );
    const [missing, broken, wrong, none, dirArg] = await Promise.all([
      tern(["config", "check", `${dir}/nope.toml`]),
      tern(["config", "check", `${dir}/broken.toml`]),
      tern(["config", "check", `${dir}/wrong.toml`]),
      tern(["config", "check"]),
      tern(["config", "check", dir]),
    ]);
    for (const r of [missing, broken, wrong, none, dirArg]) {
      assert.equal(r.code, 2, r.stderr);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    assert.match(
      missing.stderr,
      /\(document\): expected a readable TOML configuration file, got no such file/,
    );
    assert.match(
      missing.stderr,
      /hint: check the path, or write a commented template with `tern init`/,
    );
    assert.match(broken.stderr, /line 1, column \d+/);
    assert.match(wrong.stderr, /chains\[0\]\.chain_id/);
    assert.match(none.stderr, /missing required argument 'file'/);
    assert.match(dirArg.stderr, /got a directory/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
