/**
 * Start and stop local anvil chains from the npm package binary.
 *
 * anvil never outlives the process that started it: it runs under a small `sh` guard whose stdin
 * is a pipe from this process. When this process exits for any reason (even SIGKILL) the pipe
 * closes, the guard's `cat` returns and the guard kills anvil. A normal `stop()` also kills anvil
 * explicitly by pid.
 *
 * @module
 */

/** Absolute path of the anvil binary shipped by `@foundry-rs/anvil-linux-amd64`. */
export const ANVIL_BINARY: string = new URL(
  "../../node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil",
  import.meta.url,
).pathname;

/** Options for {@link startAnvil}. */
export interface AnvilOptions {
  /** EVM chain id. */
  chainId: number;
  /** Seconds between blocks; omitted = a block per transaction (automine). */
  blockTime?: number;
  /** Host to bind (default 127.0.0.1). */
  host?: string;
  /** Port to bind (default 0 = any free port, as reported by anvil). */
  port?: number;
  /** Unix timestamp of the genesis block. */
  timestamp?: number;
  /** Milliseconds to wait for anvil to answer `eth_chainId` (default 15000). */
  startTimeoutMs?: number;
  /** Extra command-line arguments passed to anvil verbatim. */
  extraArgs?: string[];
}

/** A running anvil chain. */
export interface AnvilInstance {
  /** EVM chain id. */
  chainId: number;
  /** http:// JSON-RPC URL. */
  rpcHttp: string;
  /** ws:// JSON-RPC URL (same port). */
  rpcWs: string;
  /** Pid of the anvil process itself. */
  pid: number;
  /** Kill anvil and its guard; resolves once both are gone. Safe to call twice. */
  stop(): Promise<void>;
}

/** anvil could not be started, or answered an RPC call with an error. */
export class AnvilError extends Error {
  /** The last lines anvil wrote to stderr/stdout, when known. */
  readonly outputTail: string;
  /** Creates an AnvilError; `outputTail` is appended to the message when non-empty. */
  constructor(message: string, outputTail = "") {
    super(outputTail ? `${message}\n--- anvil output (tail) ---\n${outputTail}` : message);
    this.name = "AnvilError";
    this.outputTail = outputTail;
  }
}

// The guard: anvil in the background with stdin from /dev/null and its pid on the first stdout
// line; a watcher blocks on our stdin (kept as fd 3) and kills anvil on EOF, i.e. when we close it
// or when we die. The guard itself waits for anvil, so it exits as soon as anvil does. INT/HUP are
// ignored so a terminal Ctrl-C reaches only our process, which then stops anvil itself.
const GUARD_SCRIPT = [
  `trap '' INT HUP`,
  `exec 3<&0`,
  `"$@" </dev/null 3<&- &`,
  `a=$!`,
  `echo "anvil-pid $a"`,
  `{ cat <&3 >/dev/null; kill $a 2>/dev/null; } &`,
  `exec 3<&-`,
  `wait $a`,
].join("\n");

const TAIL_LINES = 40;

/** Keeps the last lines of a text stream. */
class LineTail {
  #lines: string[] = [];
  #partial = "";
  push(chunk: string): string[] {
    const parts = (this.#partial + chunk).split("\n");
    this.#partial = parts.pop() ?? "";
    for (const line of parts) {
      this.#lines.push(line);
      if (this.#lines.length > TAIL_LINES) this.#lines.shift();
    }
    return parts;
  }
  text(): string {
    return [...this.#lines, this.#partial].filter((l) => l !== "").join("\n");
  }
}

/**
 * Start anvil and wait until it answers `eth_chainId` with the expected id.
 *
 * @example
 * ```ts
 * const chain = await startAnvil({ chainId: 31338 });
 * try { console.log(chain.rpcHttp); } finally { await chain.stop(); }
 * ```
 */
export async function startAnvil(options: AnvilOptions): Promise<AnvilInstance> {
  const host = options.host ?? "127.0.0.1";
  const args = [
    "--chain-id",
    String(options.chainId),
    "--host",
    host,
    "--port",
    String(options.port ?? 0),
  ];
  if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));
  if (options.timestamp !== undefined) args.push("--timestamp", String(options.timestamp));
  args.push(...(options.extraArgs ?? []));

  const child = new Deno.Command("sh", {
    args: ["-c", GUARD_SCRIPT, "anvil-guard", ANVIL_BINARY, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdin = child.stdin.getWriter();
  const tail = new LineTail();

  let resolvePid: (pid: number) => void = () => {};
  let resolveAddress: (addr: string) => void = () => {};
  const pidSeen = new Promise<number>((r) => (resolvePid = r));
  const addressSeen = new Promise<string>((r) => (resolveAddress = r));

  const drain = async (stream: ReadableStream<Uint8Array>, parse: boolean) => {
    const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) return;
        for (const line of tail.push(value)) {
          if (!parse) continue;
          const pid = /^anvil-pid (\d+)$/.exec(line);
          if (pid) resolvePid(Number(pid[1]));
          const listening = /Listening on ([^\s]+:\d+)/.exec(line);
          if (listening) resolveAddress(listening[1]);
        }
      }
    } catch {
      // the stream errors when the process is torn down; nothing to report
    } finally {
      reader.releaseLock();
    }
  };
  const drained = Promise.all([drain(child.stdout, true), drain(child.stderr, false)]);

  let stopped: Promise<void> | undefined;
  let anvilPid = 0;
  // the guard waits for anvil, so once the guard is gone anvil is too and its pid may be reused
  let guardExited = false;
  const guardStatus = child.status.then((s) => {
    guardExited = true;
    return s;
  });
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (anvilPid > 0 && !guardExited) killQuietly(anvilPid);
      try {
        await stdin.close();
      } catch {
        // the guard already exited and the pipe is closed
      }
      await guardStatus;
      await drained;
      if (anvilPid > 0) await waitForExit(anvilPid, 5000);
    })();
    return stopped;
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
  const failStart = async (why: string): Promise<never> => {
    await stop();
    throw new AnvilError(`anvil (chain id ${options.chainId}) did not start: ${why}`, tail.text());
  };

  const exited = guardStatus.then((s) => ({ exited: s.code }));
  const timeLeft = () => Math.max(0, deadline - Date.now());

  const pidOrExit = await raceDeadline(Promise.race([pidSeen, exited]), timeLeft());
  if (pidOrExit === undefined) return await failStart("the guard shell printed no pid");
  if (typeof pidOrExit !== "number") {
    return await failStart(`the guard shell exited with code ${pidOrExit.exited}`);
  }
  anvilPid = pidOrExit;

  const addrOrExit = await raceDeadline(Promise.race([addressSeen, exited]), timeLeft());
  if (addrOrExit === undefined) {
    return await failStart(`no "Listening on" line within ${options.startTimeoutMs ?? 15_000} ms`);
  }
  if (typeof addrOrExit !== "string") {
    return await failStart(`anvil exited (guard code ${addrOrExit.exited})`);
  }
  const rpcHttp = `http://${addrOrExit}`;
  const rpcWs = `ws://${addrOrExit}`;

  while (true) {
    try {
      const id = await rpcCall<string>(rpcHttp, "eth_chainId", []);
      if (Number(id) !== options.chainId) {
        return await failStart(`it reports chain id ${Number(id)}, expected ${options.chainId}`);
      }
      break;
    } catch (err) {
      if (Date.now() >= deadline) {
        return await failStart(`eth_chainId at ${rpcHttp} kept failing: ${String(err)}`);
      }
      await delay(50);
    }
  }

  return { chainId: options.chainId, rpcHttp, rpcWs, pid: anvilPid, stop };
}

/** True while a process with this pid exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // field 3 (after the parenthesised command name) is the state; Z = zombie, X = dead
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Resolves true once the pid is gone, false if it is still alive after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await delay(20);
  }
  return true;
}

function killQuietly(pid: number): void {
  try {
    Deno.kill(pid, "SIGTERM");
  } catch {
    // already gone
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function raceDeadline<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

let rpcId = 0;

/**
 * One JSON-RPC call over HTTP; throws AnvilError on an error reply or a non-200 status.
 *
 * @example
 * ```ts
 * const block = await rpcCall<string>(url, "eth_blockNumber", []);
 * ```
 */
export async function rpcCall<T = unknown>(
  rpcUrl: string,
  method: string,
  params: unknown[],
): Promise<T> {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method, params }),
  });
  const text = await res.text();
  if (!res.ok) throw new AnvilError(`${method} at ${rpcUrl}: HTTP ${res.status}: ${text}`);
  const body = JSON.parse(text) as { result?: T; error?: { code: number; message: string } };
  if (body.error) {
    throw new AnvilError(`${method} at ${rpcUrl}: ${body.error.message} (${body.error.code})`);
  }
  return body.result as T;
}

/** Mine `blocks` empty blocks (default 1). */
export async function mine(rpcUrl: string, blocks = 1): Promise<void> {
  await rpcCall(rpcUrl, "anvil_mine", [`0x${blocks.toString(16)}`]);
}

/** Move the chain clock forward by `seconds` and mine a block so the new time is visible. */
export async function increaseTime(rpcUrl: string, seconds: number): Promise<void> {
  await rpcCall(rpcUrl, "evm_increaseTime", [seconds]);
  await rpcCall(rpcUrl, "evm_mine", []);
}

/** Advance several chains by the same number of seconds (one block each). */
export async function increaseTimeAll(rpcUrls: string[], seconds: number): Promise<void> {
  await Promise.all(rpcUrls.map((u) => increaseTime(u, seconds)));
}

/** Take an EVM snapshot; returns its id for {@link revert}. */
export async function snapshot(rpcUrl: string): Promise<string> {
  return await rpcCall<string>(rpcUrl, "evm_snapshot", []);
}

/** Revert to a snapshot taken with {@link snapshot}; throws if anvil refuses. */
export async function revert(rpcUrl: string, snapshotId: string): Promise<void> {
  const ok = await rpcCall<boolean>(rpcUrl, "evm_revert", [snapshotId]);
  if (!ok) throw new AnvilError(`evm_revert at ${rpcUrl}: snapshot ${snapshotId} not found`);
}

/** Turn automine on or off (off: transactions wait in the pool until {@link mine}). */
export async function setAutomine(rpcUrl: string, enabled: boolean): Promise<void> {
  await rpcCall(rpcUrl, "evm_setAutomine", [enabled]);
}

/** Timestamp of the latest block, seconds. */
export async function latestTimestamp(rpcUrl: string): Promise<number> {
  const block = await rpcCall<{ timestamp: string }>(rpcUrl, "eth_getBlockByNumber", [
    "latest",
    false,
  ]);
  return Number(block.timestamp);
}
