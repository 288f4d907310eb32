/** Inspection, instances and stop commands through `deno run -A main.ts` subprocesses. */

import assert from "node:assert/strict";
import { ActorSystem } from "../../lib/runtime/mod.ts";
import { MetricsRegistry } from "../../lib/metrics.ts";
import { startInspector } from "../../lib/inspector/server.ts";
import { holdInstance } from "../../lib/kv/lease.ts";
import { tempKv } from "../support/kv.ts";
import { waitFor } from "../support/wait.ts";
import { CLAIMER, fixtureBehaviors, populate, REQ_A, REQ_B, tern } from "./fixtures.ts";

const COMMANDS = [
  [],
  ["start"],
  ["init"],
  ["config"],
  ["config", "check"],
  ["inspect"],
  ["inspect", "tree"],
  ["inspect", "actor"],
  ["requests"],
  ["request"],
  ["claims"],
  ["outbox"],
  ["instances"],
  ["stop"],
];

Deno.test("--help on every command exits 0 with its usage; bad flags exit 2", async () => {
  const runs = await Promise.all(COMMANDS.map((c) => tern([...c, "--help"])));
  runs.forEach((r, i) => {
    assert.equal(r.code, 0, COMMANDS[i].join(" "));
    assert.match(r.stdout, new RegExp(`^Usage: tern ${COMMANDS[i].join(" ")}`.trimEnd()));
  });
  const bad = await Promise.all([
    tern(["requests", "--bogus"]),
    tern(["nosuchcommand"]),
    tern(["request"]),
    tern(["requests", "--log-format", "xml", "--kv", "x"]),
    tern(["requests"]),
    tern(["requests", "--url", "ftp://x"]),
    tern(["requests", "--kv", "a", "--url", "http://127.0.0.1:1"]),
  ]);
  for (const r of bad) {
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  assert.match(bad[0].stderr, /unknown option '--bogus'/);
  assert.match(bad[2].stderr, /missing required argument 'id'/);
  assert.match(bad[3].stderr, /Allowed choices are json, text/);
  assert.match(bad[4].stderr, /no agent to inspect\n {2}hint: use --url/);
});

Deno.test("offline: tree, actor, requests, request, claims, outbox from a KV file", async () => {
  const t = await tempKv();
  try {
    await populate(t.kv);
    const kv = ["--kv", t.path];
    const [tree, actor, reqs, pending, chain, one, claims, outbox, json] = await Promise.all([
      tern(["inspect", "tree", ...kv]),
      tern(["inspect", "actor", `/requests/s01/${REQ_A}`, ...kv]),
      tern(["requests", ...kv]),
      tern(["requests", "--state", "pending", ...kv]),
      tern(["requests", "--chain", "7", ...kv]),
      tern(["request", REQ_A, ...kv]),
      tern(["claims", ...kv]),
      tern(["outbox", ...kv]),
      tern(["requests", "--json", ...kv]),
    ]);
    for (const r of [tree, actor, reqs, pending, chain, one, claims, outbox, json]) {
      assert.equal(r.code, 0, r.stderr);
    }
    assert.match(tree.stdout, /^\/requests {2}group {2}stored {2}restarts=0 mailbox=0 {2}group$/m);
    assert.match(
      tree.stdout,
      new RegExp(`^ {4}/${REQ_A} {2}request {2}stored .*claimed 901→902$`, "m"),
    );
    assert.match(tree.stdout, /^ {6}\/c7 {2}claim /m);
    assert.match(actor.stdout, /^kind: request$/m);
    assert.match(actor.stdout, /"fsm": "claimed"/);
    assert.match(reqs.stdout, /^ID +STATE +SOURCE +TARGET +AMOUNT +UPDATED$/m);
    assert.match(reqs.stdout, new RegExp(`^${REQ_A} +claimed +901 +902 +1000000 +2025-`, "m"));
    assert.equal(pending.stdout.trim().split("\n").length, 2);
    assert.match(pending.stdout, new RegExp(REQ_B));
    assert.equal(chain.stdout.trim(), "(no requests)");
    assert.match(one.stdout, /^ {2}state: claimed$/m);
    assert.match(one.stdout, new RegExp(`^filled +\\S+ +42 +0x${"11".repeat(32)}$`, "m"));
    assert.match(one.stdout, new RegExp(`^7 +${REQ_A} +claimer_winning +${CLAIMER}`, "m"));
    assert.match(claims.stdout, /claimer_winning/);
    assert.match(
      outbox.stdout,
      /^outbox lp-1 \(stream \S+\): pending 1, last seq 3, last acked seq 2/m,
    );
    assert.match(outbox.stdout, /^ {2}#3 \{"kind":"c"/m);
    const parsed = JSON.parse(json.stdout);
    assert.deepEqual(parsed.map((r: { id: string }) => r.id), [REQ_A, REQ_B]);

    // --config finds <data_dir>/tern.kv (the keystore need not exist to inspect).
    const sample = await Deno.readTextFile(
      new URL("../../docs/examples/sample.toml", import.meta.url),
    );
    await Deno.writeTextFile(
      `${t.dir}/agent.toml`,
      sample.replace('data_dir = "state"', 'data_dir = "."'),
    );
    const viaConfig = await tern([
      "requests",
      "--state",
      "claimed",
      "--config",
      `${t.dir}/agent.toml`,
    ]);
    assert.equal(viaConfig.code, 0, viaConfig.stderr);
    assert.match(viaConfig.stdout, new RegExp(`^${REQ_A} +claimed`, "m"));

    const missing = await tern(["inspect", "tree", "--kv", `${t.dir}/nope.kv`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no KV file at .*nope\.kv/);
    const noActor = await tern(["inspect", "actor", "/nope", ...kv]);
    assert.equal(noActor.code, 1);
    assert.match(noActor.stderr, /no actor at \/nope/);
  } finally {
    await t.cleanup();
  }
});

Deno.test("offline reading refuses a KV written by a newer schema", async () => {
  const t = await tempKv();
  try {
    await populate(t.kv);
    await t.kv.set(["tern", "$meta"], { format: 99 });
    const r = await tern(["requests", "--kv", t.path]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /KV schema too new: store at tern\/\$meta has schema version 99/);
    assert.match(r.stderr, /hint: run a tern version/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal((await t.kv.get(["tern", "$meta"])).value !== null, true);
  } finally {
    await t.cleanup();
  }
});

Deno.test("over HTTP: --url reads a running agent; an unreachable one fails with a hint", async () => {
  const t = await tempKv();
  await populate(t.kv);
  const system = await ActorSystem.start({ kv: t.kv, behaviors: fixtureBehaviors });
  const insp = await startInspector({
    system,
    kv: t.kv,
    port: 0,
    token: "tkn-123",
    metrics: new MetricsRegistry(),
    readiness: () => ({ ready: true, checks: {} }),
  });
  try {
    const env = { MY_TOKEN: "tkn-123" };
    const u = ["--url", insp.url, "--token-env", "MY_TOKEN"];
    const [tree, reqs, one, claims, outbox, unauth] = await Promise.all([
      tern(["inspect", "tree", ...u], { env }),
      tern(["requests", "--state", "claimed", ...u], { env }),
      tern(["request", REQ_A, "--json", ...u], { env }),
      tern(["claims", ...u], { env }),
      tern(["outbox", "--json", ...u], { env }),
      tern(["requests", "--url", insp.url]),
    ]);
    for (const r of [tree, reqs, one, claims, outbox]) assert.equal(r.code, 0, r.stderr);
    assert.match(tree.stdout, /^ {4}\/0xaa+ {2}request {2}active {2}restarts=0 mailbox=0/m);
    assert.equal(reqs.stdout.trim().split("\n").length, 2);
    assert.equal(JSON.parse(one.stdout).claims[0].claimId, 7);
    assert.match(claims.stdout, /claimer_winning/);
    assert.equal(JSON.parse(outbox.stdout)[0].lastAckedSeq, 2);
    assert.equal(unauth.code, 1);
    assert.match(unauth.stderr, /unauthorized\n {2}hint: put the inspector token/);
  } finally {
    await insp.stop();
    await system.stop();
    await t.cleanup();
  }
  const down = await tern(["requests", "--url", insp.url]);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /cannot connect .*\n {2}hint: is the agent running\?/);
});

Deno.test("instances lists lease holders; stop asks the instance to stop", async () => {
  const t = await tempKv();
  let stopAsked = false;
  const hold = await holdInstance(t.kv, {
    chainIds: [901, 902],
    account: CLAIMER,
    stopPollMs: 50,
    onStopRequested: () => stopAsked = true,
  });
  try {
    const list = await tern(["instances", "--kv", t.path]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^INSTANCE +PID +HOST +SINCE +LAST RENEWAL +STATE +CHAINS$/m);
    assert.match(
      list.stdout,
      new RegExp(`^${hold.instanceId} +${Deno.pid} +\\S+ +\\S+ +\\S+ +live +901,902$`, "m"),
    );
    const json = JSON.parse((await tern(["instances", "--json", "--kv", t.path])).stdout);
    assert.equal(json[0].pid, Deno.pid);

    const wrong = await tern(["stop", "nope", "--kv", t.path]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /no running instance nope/);
    const stop = await tern(["stop", "--kv", t.path]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout.trim(), `asked instance ${hold.instanceId} to stop`);
    await waitFor(() => stopAsked, "stop request seen", 10_000);
  } finally {
    await hold.release();
    await t.cleanup();
  }
  const empty = await tempKv();
  try {
    const none = await tern(["stop", "--kv", empty.path]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no running instance/);
    assert.equal((await tern(["instances", "--kv", empty.path])).stdout.trim(), "(no instances)");
  } finally {
    await empty.cleanup();
  }
});
