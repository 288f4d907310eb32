import assert from "node:assert/strict";
import { ActorSystem } from "../../lib/runtime/mod.ts";
import { tempKv } from "../support/kv.ts";
import { tallyBehavior, type TallyState } from "./tally.ts";
import { LineReader } from "../support/lines.ts";

const CHILD = new URL("./crash_child.ts", import.meta.url).pathname;

Deno.test("after SIGKILL mid-burst every actor holds a state it durably had, and nothing reported durable is lost", async () => {
  const t = await tempKv();
  t.kv.close();
  const killAfter = 200 + Math.floor(Math.random() * 6000);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", CHILD, t.path, "1000", "10000"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const out = new LineReader(child.stdout);
  let lines: string[] = [];
  try {
    await out.until((l) => l.length >= killAfter);
    child.kill("SIGKILL");
    lines = await out.toEnd();
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
  }
  assert.equal(lines[0], "READY");
  const reported = new Map<string, number>();
  for (const l of lines.slice(1)) {
    const [tag, path, n] = l.split(" ");
    if (tag !== "D" || n === undefined) continue; // a line torn by the kill
    reported.set(path, Math.max(reported.get(path) ?? 0, Number(n)));
  }
  const kv = await t.reopen();
  const system = await ActorSystem.start({ kv, behaviors: [tallyBehavior(() => {})] });
  try {
    let total = 0;
    for (const path of system.paths()) {
      const s = system.stateOf<TallyState>(path)!;
      assert.equal(s.sum, (s.n * (s.n + 1)) / 2, `${path} holds a state it never had`);
      assert.ok(s.n >= (reported.get(path) ?? 0), `${path} lost a durable update`);
      total += s.n;
    }
    for (const path of reported.keys()) assert.notEqual(system.statusOf(path), "absent", path);
    assert.ok(total <= 10_000);
  } finally {
    await system.stop();
    await t.cleanup();
  }
});
