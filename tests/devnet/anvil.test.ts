import assert from "node:assert/strict";
import {
  increaseTime,
  latestTimestamp,
  processAlive,
  rpcCall,
  startAnvil,
  waitForExit,
} from "../../scripts/devnet/anvil.ts";

Deno.test("startAnvil serves the requested chain id and stop() kills the process", async () => {
  const chain = await startAnvil({ chainId: 31338 });
  try {
    assert.equal(Number(await rpcCall<string>(chain.rpcHttp, "eth_chainId", [])), 31338);
    assert.match(chain.rpcWs, /^ws:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(processAlive(chain.pid));
  } finally {
    await chain.stop();
  }
  assert.equal(processAlive(chain.pid), false);
  await chain.stop(); // a second stop is harmless
});

Deno.test("two anvil chains get distinct free ports", async () => {
  const a = await startAnvil({ chainId: 31338 });
  try {
    const b = await startAnvil({ chainId: 31339 });
    try {
      assert.notEqual(a.rpcHttp, b.rpcHttp);
      assert.equal(Number(await rpcCall<string>(b.rpcHttp, "eth_chainId", [])), 31339);
    } finally {
      await b.stop();
    }
  } finally {
    await a.stop();
  }
});

Deno.test("increaseTime moves the chain clock forward by at least the given seconds", async () => {
  const chain = await startAnvil({ chainId: 31338 });
  try {
    const before = await latestTimestamp(chain.rpcHttp);
    await increaseTime(chain.rpcHttp, 3600);
    const after = await latestTimestamp(chain.rpcHttp);
    assert.ok(after - before >= 3600, `clock moved ${after - before}s`);
  } finally {
    await chain.stop();
  }
});

Deno.test("an anvil that cannot start fails with its own error output", async () => {
  await assert.rejects(
    startAnvil({ chainId: 31338, extraArgs: ["--no-such-flag"] }),
    (err: Error) => {
      assert.equal(err.name, "AnvilError");
      assert.match(err.message, /did not start/);
      assert.match(err.message, /no-such-flag/);
      return true;
    },
  );
});

Deno.test("anvil does not outlive a parent killed with SIGKILL", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./start_anvil_child.ts", import.meta.url).pathname],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let anvilPid = 0;
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let out = "";
    while (!/anvil (\d+)\n/.test(out)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`child exited before printing the anvil pid: ${out}`);
      out += value;
    }
    anvilPid = Number(/anvil (\d+)\n/.exec(out)![1]);
    assert.ok(processAlive(anvilPid), "anvil should run while its parent lives");
    child.kill("SIGKILL");
    await child.status;
    assert.ok(await waitForExit(anvilPid, 10_000), `anvil ${anvilPid} outlived its parent`);
  } finally {
    await reader.cancel().catch(() => {});
    try {
      child.kill("SIGKILL");
    } catch {
      // already dead
    }
    await child.status;
    if (anvilPid > 0 && processAlive(anvilPid)) Deno.kill(anvilPid, "SIGKILL");
  }
});

Deno.test("stop() resolves after anvil died on its own", async () => {
  const chain = await startAnvil({ chainId: 31338 });
  try {
    Deno.kill(chain.pid, "SIGKILL");
    assert.ok(await waitForExit(chain.pid, 10_000));
  } finally {
    await chain.stop();
  }
  assert.equal(processAlive(chain.pid), false);
});
