import assert from "node:assert/strict";
import { waitForExit } from "../../scripts/devnet/anvil.ts";
import { devnetPublicClient } from "../../scripts/devnet/clients.ts";
import { parseDevnetInfo } from "../../scripts/devnet/info_file.ts";
import type { Address } from "../../scripts/devnet/types.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const READY_DEADLINE_MS = 60_000;

interface RunningDevnet {
  child: Deno.ChildProcess;
  readyPath: string;
  document: Record<string, unknown>;
  anvilPids: number[];
  devnetPid: number;
  /** Everything the process printed on stdout after READY, and its stderr. */
  output: () => string;
  /** Resolves when both output streams are closed. */
  drained: Promise<void>;
}

/** Starts `deno task devnet --out <dir>/devnet.json` and waits for its READY line. */
async function startDevnetTask(dir: string): Promise<RunningDevnet> {
  const child = new Deno.Command("deno", {
    args: ["task", "--quiet", "devnet", "--out", `${dir}/devnet.json`, "--log-level", "warning"],
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const ready = Promise.withResolvers<string>();
  const read = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      const match = /^READY (.+)$/m.exec(text);
      if (match) ready.resolve(match[1]);
    }
  };
  const drained = Promise.all([read(child.stdout), read(child.stderr)]).then(() => {
    ready.reject(new Error(`devnet ended without READY:\n${text}`));
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no READY within ${READY_DEADLINE_MS} ms:\n${text}`)),
      READY_DEADLINE_MS,
    );
  });
  try {
    const readyPath = await Promise.race([ready.promise, timeout]);
    const document = JSON.parse(await Deno.readTextFile(readyPath));
    const processes = document.processes as { devnet: number; anvil: Record<string, number> };
    return {
      child,
      readyPath,
      document,
      anvilPids: Object.values(processes.anvil),
      devnetPid: processes.devnet,
      output: () => text,
      drained,
    };
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    await drained;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Best-effort cleanup of whatever a failed test left behind. */
async function killAll(run: RunningDevnet | undefined): Promise<void> {
  if (!run) return;
  for (const pid of [run.devnetPid, ...run.anvilPids]) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  try {
    run.child.kill("SIGKILL");
  } catch {
    // already exited
  }
  await run.child.status;
  await run.drained;
}

Deno.test("deno task devnet prints READY, writes a valid devnet.json and stops cleanly on SIGINT", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tern-devnet-cli-" });
  let run: RunningDevnet | undefined;
  try {
    run = await startDevnetTask(dir);
    assert.equal(run.readyPath, `${dir}/devnet.json`, "READY names the absolute path");
    const info = parseDevnetInfo(run.document, run.readyPath);
    assert.equal(info.l1.chainId, 31337);
    assert.deepEqual(info.rollups.map((r) => r.chainId), [31338, 31339]);
    assert.equal(run.anvilPids.length, 3);

    const withCode: [string, string, Address][] = [["l1", info.l1.rpcHttp, info.l1.resolver]];
    for (const r of info.rollups) {
      for (const key of ["requestManager", "fillManager", "messenger"] as const) {
        withCode.push([`${r.name}.${key}`, r.rpcHttp, r[key]]);
      }
      withCode.push([`${r.name}.tokens.TST`, r.rpcHttp, r.tokens.TST]);
      withCode.push([`${r.name}.tokens.UNL`, r.rpcHttp, r.tokens.UNL]);
      withCode.push([`${r.name}.l1Messenger`, info.l1.rpcHttp, r.l1Messenger]);
    }
    for (const [what, rpcHttp, address] of withCode) {
      const client = devnetPublicClient({ name: what, chainId: 0, rpcHttp });
      const code = await client.getCode({ address });
      assert.ok(code && code.length > 2, `${what} (${address}) has code`);
    }

    const sentAt = Date.now();
    Deno.kill(run.devnetPid, "SIGINT");
    const status = await run.child.status;
    const tookMs = Date.now() - sentAt;
    assert.equal(status.code, 0, run.output());
    assert.ok(tookMs < 2000, `exited ${tookMs} ms after SIGINT`);
    for (const pid of run.anvilPids) {
      assert.ok(await waitForExit(pid, 200), `anvil ${pid} is gone`);
    }
    await run.drained;
    run = undefined;
  } finally {
    await killAll(run);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("killing the devnet process with SIGKILL takes its anvil chains down", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tern-devnet-kill-" });
  let run: RunningDevnet | undefined;
  try {
    run = await startDevnetTask(dir);
    Deno.kill(run.devnetPid, "SIGKILL");
    await run.child.status;
    for (const pid of run.anvilPids) {
      assert.ok(await waitForExit(pid, 5000), `anvil ${pid} died with its devnet`);
    }
    await run.drained;
    run = undefined;
  } finally {
    await killAll(run);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task devnet exits 1 with a clear message on a bad option", async () => {
  const { code, stderr } = await new Deno.Command("deno", {
    args: ["task", "--quiet", "devnet", "--claim-period", "soon"],
    cwd: REPO,
    stdout: "null",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stderr);
  assert.equal(code, 1);
  assert.match(text, /--claim-period/);
  assert.match(text, /whole number/);
});

Deno.test("killing the deno task runner takes the devnet and its anvil chains down", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tern-devnet-runner-" });
  let run: RunningDevnet | undefined;
  try {
    run = await startDevnetTask(dir);
    assert.notEqual(run.child.pid, run.devnetPid, "deno task runs the devnet as a child");
    run.child.kill("SIGKILL");
    await run.child.status;
    assert.ok(await waitForExit(run.devnetPid, 5000), "the devnet process left with its parent");
    for (const pid of run.anvilPids) {
      assert.ok(await waitForExit(pid, 5000), `anvil ${pid} died with its devnet`);
    }
    await run.drained;
    run = undefined;
  } finally {
    await killAll(run);
    await Deno.remove(dir, { recursive: true });
  }
});
