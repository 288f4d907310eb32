// `tern coordinator` as a process: prints its URL, serves agents, takes commands through
// `tern coordinator-send`, and stops cleanly on SIGTERM.
import assert from "node:assert/strict";
import { LineReader } from "../support/lines.ts";
import { TestAgent, waitFor, withTempDir } from "./helpers.ts";

const main = new URL("../../main.ts", import.meta.url).pathname;

Deno.test("tern coordinator runs, relays a command, and stops on SIGTERM", async () => {
  await withTempDir(async (dir) => {
    const proc = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--unstable-kv",
        main,
        "coordinator",
        "--port",
        "0",
        "--kv",
        `${dir}/c.kv`,
      ],
      env: { TERN_COORDINATOR_TOKENS: "agent-a=token-a-123" },
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const lines = new LineReader(proc.stdout);
    let agent: TestAgent | undefined;
    try {
      const found = await lines.until((l) => l.some((x) => x.includes("listening")));
      const url = found.join("\n").match(/ws:\/\/[0-9.:]+\/link/)?.[0];
      const http = found.join("\n").match(/http:\/\/[0-9.:]+/)?.[0];
      assert.ok(url && http, `no URL in ${found.join("\n")}`);
      agent = await TestAgent.connect(url);
      agent.hello("agent-a", "token-a-123");
      await agent.welcome();
      const send = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          main,
          "coordinator-send",
          "agent-a",
          "pause_chain",
          "31337",
          "--coordinator",
          http,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(send.code, 0, new TextDecoder().decode(send.stderr));
      const cmd = await waitFor("command", () => agent!.of("command")[0]);
      assert.deepEqual(cmd.body.command, { kind: "pause_chain", chainId: 31337 });
      proc.kill("SIGTERM");
      const status = await proc.status;
      assert.equal(status.code, 0);
      const closed = await agent.waitClosed();
      assert.equal(closed.code, 1001);
      const all = await lines.toEnd();
      assert.ok(all.includes("coordinator stopped"));
    } finally {
      await agent?.close();
      try {
        proc.kill("SIGKILL");
      } catch { /* exited */ }
      await proc.status;
    }
  });
});

Deno.test("tern coordinator without tokens explains where to put them", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", main, "coordinator", "--port", "0", "--kv", ":memory:"],
    env: { TERN_COORDINATOR_TOKENS: "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.notEqual(out.code, 0);
  assert.match(new TextDecoder().decode(out.stderr), /--tokens|TERN_COORDINATOR_TOKENS|entry/);
});
