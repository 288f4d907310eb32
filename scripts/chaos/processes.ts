/**
 * Child processes of a chaos run: the agent (any command, started from a template) and the
 * coordinator (a command too, or in-process through lib/coordinator). Every child is tracked by
 * pid so the run can always stop what it started.
 *
 * @module
 */
import { startCoordinator } from "../../lib/coordinator/mod.ts";
import type { Coordinator } from "../../lib/coordinator/mod.ts";

/** Splits a command template on whitespace and fills `{name}` placeholders. */
export function commandLine(template: string, values: Record<string, string>): string[] {
  return template.trim().split(/\s+/).map((part) =>
    part.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (!(name in values)) throw new Error(`unknown placeholder {${name}} in "${template}"`);
      return values[name];
    })
  );
}

/** A restartable child process whose output is appended to a log file. */
export class ChildProcess {
  #child?: Deno.ChildProcess;
  #startedAt = 0;
  #log?: Deno.FsFile;
  #pumps: Promise<void>[] = [];
  #exited?: Deno.CommandStatus;
  #stopping = false;
  /** Times the process was started. */
  starts = 0;
  /** Times it ended by itself and was started again. */
  crashes = 0;

  /** @param argv the command; @param env extra environment; @param logPath where output goes. */
  constructor(
    readonly name: string,
    readonly argv: string[],
    readonly env: Record<string, string>,
    readonly logPath: string,
    readonly cwd?: string,
    readonly readyPattern?: RegExp,
  ) {}

  #ready = false;
  #disposed = false;
  #everReady = false;

  /** Whether the current child printed a line matching `readyPattern`. */
  get ready(): boolean {
    return this.#ready;
  }

  /** The running child's pid, or undefined. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Milliseconds since the current child started (0 when none runs). */
  get uptimeMs(): number {
    return this.#child ? performance.now() - this.#startedAt : 0;
  }

  /** Starts the command (no-op if it is running, or once disposed: a late restart from a
   * schedule still running must not leave an orphan behind). */
  async start(): Promise<void> {
    if (this.#child || this.#disposed) return;
    this.#log ??= await Deno.open(this.logPath, { create: true, append: true });
    if (this.#disposed) return;
    const log = this.#log;
    const [cmd, ...args] = this.argv;
    const child = new Deno.Command(cmd, {
      args,
      cwd: this.cwd,
      env: this.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    this.#stopping = false;
    this.#ready = false;
    child.status.then((status) => {
      if (!this.#stopping && this.#child === child) this.#exited = status;
    });
    this.#startedAt = performance.now();
    this.starts++;
    const stamp = new TextEncoder().encode(
      `--- ${new Date().toISOString()} ${this.name} start #${this.starts} pid ${child.pid}\n`,
    );
    await log.write(stamp);
    const pump = async (stream: ReadableStream<Uint8Array>) => {
      const decoder = new TextDecoder();
      let seen = "";
      for await (const chunk of stream) {
        await log.write(chunk);
        if (this.readyPattern && !this.#ready && this.#child === child) {
          // Keep only the unfinished last line between chunks.
          const lines = (seen + decoder.decode(chunk, { stream: true })).split("\n");
          seen = lines.pop()!.slice(-4096);
          if (lines.some((l) => this.readyPattern!.test(l))) this.#ready = this.#everReady = true;
        }
      }
    };
    this.#pumps = [pump(child.stdout), pump(child.stderr)];
  }

  /** Sends SIGKILL to the running child and waits for it to be gone. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#stopping = true;
    this.#exited = undefined;
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await child.status;
    await Promise.allSettled(this.#pumps);
    this.#child = undefined;
  }

  /**
   * Sends SIGTERM and returns the milliseconds until the process exited. After `graceMs` it is
   * killed and the returned time is the grace period (a shutdown that failed to finish).
   */
  async terminate(graceMs = 10_000): Promise<number> {
    const child = this.#child;
    if (!child) return 0;
    this.#stopping = true;
    this.#exited = undefined;
    const t0 = performance.now();
    try {
      child.kill("SIGTERM");
    } catch { /* already exited */ }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exited = await Promise.race([
      child.status.then(() => true),
      new Promise<false>((r) => timer = setTimeout(() => r(false), graceMs)),
    ]);
    clearTimeout(timer);
    const ms = exited ? performance.now() - t0 : graceMs;
    if (!exited) await this.kill();
    await Promise.allSettled(this.#pumps);
    this.#child = undefined;
    return Math.round(ms);
  }

  /** The exit status when the child ended without being told to (a crash), else undefined. */
  get unexpectedExit(): Deno.CommandStatus | undefined {
    return this.#exited;
  }

  /**
   * Starts again a child that ended by itself; returns whether it had. Throws when it has ended
   * by itself `maxEarlyCrashes` times without ever printing its ready line: a command that cannot
   * run at all would otherwise only show up as bad figures.
   */
  async restartIfExited(maxEarlyCrashes = 3): Promise<boolean> {
    if (!this.#exited) return false;
    if (!this.#everReady && this.crashes + 1 >= maxEarlyCrashes) {
      throw new Error(
        `${this.name} exited by itself ${this.crashes + 1} times without getting ready (last ` +
          `exit code ${this.#exited.code}); see ${this.logPath}`,
      );
    }
    await Promise.allSettled(this.#pumps);
    this.#child = undefined;
    this.#exited = undefined;
    this.crashes++;
    await this.start();
    return true;
  }

  /** Kills whatever runs and closes the log. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await this.kill();
    try {
      this.#log?.close();
    } catch { /* closed */ }
    this.#log = undefined;
  }
}

/** A coordinator the run can restart on the same port and KV file. */
export interface RestartableCoordinator {
  /** ws:// URL agents connect to. */
  url: string;
  /** The KV file it stores into. */
  kvPath: string;
  /** Stops and starts it again (same port, same KV). */
  restart(): Promise<void>;
  /** Stops it for good. */
  stop(): Promise<void>;
  /** Restarts done. */
  restarts: number;
}

/** A free TCP port on 127.0.0.1 (bound and released at once). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** The reference coordinator in this process. */
export async function inProcessCoordinator(
  o: { kvPath: string; tokens: Map<string, string> },
): Promise<RestartableCoordinator> {
  let current: Coordinator | undefined = await startCoordinator({
    kvPath: o.kvPath,
    tokens: o.tokens,
  });
  const port = current.port;
  let stopped = false;
  const self: RestartableCoordinator = {
    url: current.url,
    kvPath: o.kvPath,
    restarts: 0,
    async restart() {
      if (stopped) return;
      await current?.stop();
      current = undefined;
      // The port was just released; a retry covers a slow socket teardown.
      for (let attempt = 0;; attempt++) {
        try {
          current = await startCoordinator({ kvPath: o.kvPath, tokens: o.tokens, port });
          if (stopped) await current.stop(); // stopped for good while this restart ran
          break;
        } catch (e) {
          if (attempt >= 50) throw e;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      self.restarts++;
    },
    async stop() {
      stopped = true;
      await current?.stop();
      current = undefined;
    },
  };
  return self;
}

/**
 * The coordinator as a command (`{port}` and `{kv}` placeholders; tokens in the environment
 * variable `TERN_COORDINATOR_TOKENS` as `agentId=token`). Ready when `GET /stats` answers.
 */
export async function commandCoordinator(o: {
  template: string;
  kvPath: string;
  tokens: Map<string, string>;
  logPath: string;
}): Promise<RestartableCoordinator> {
  const port = freePort();
  const tokens = [...o.tokens].map(([token, agent]) => `${agent}=${token}`).join(",");
  const child = new ChildProcess(
    "coordinator",
    commandLine(o.template, { port: String(port), kv: o.kvPath }),
    { TERN_COORDINATOR_TOKENS: tokens },
    o.logPath,
  );
  const ready = async () => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/stats`);
        await res.body?.cancel();
        if (res.ok) return;
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the coordinator command did not answer on port ${port} within 30 s`);
  };
  await child.start();
  await ready();
  const self: RestartableCoordinator = {
    url: `ws://127.0.0.1:${port}/link`,
    kvPath: o.kvPath,
    restarts: 0,
    async restart() {
      await child.terminate();
      await child.start();
      await ready();
      self.restarts++;
    },
    stop: () => child.dispose(),
  };
  return self;
}
