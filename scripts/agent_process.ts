/**
 * The agent as a child process, for end-to-end tests, the chaos run and the benchmark: start it
 * with a config file, read its output as it comes, kill it with any signal, restart it, and time
 * how long it takes to exit.
 *
 * @example
 * ```ts
 * const agent = new AgentProcess({ configPath, env });
 * await agent.start();                 // resolves once the agent printed its "running" line
 * await agent.kill("SIGKILL");
 * await agent.start();                 // the same config, the same KV file
 * await agent.stop();
 * ```
 *
 * @module
 */

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** The line `tern start` prints once every actor is up. */
export const RUNNING_LINE = /^tern: agent running/;

/** Options of {@link AgentProcess}. */
export interface AgentProcessOptions {
  configPath: string;
  /** Extra environment (the keystore password, the coordinator token). */
  env?: Record<string, string>;
  /** Extra arguments after `start --config <file>`. */
  args?: string[];
  /** Keep at most this many output lines (default 20,000). */
  maxLines?: number;
  /** Echo the agent's output to this process's stderr. */
  echo?: boolean;
}

/** A tern agent child process that can be killed and started again. */
export class AgentProcess {
  /** Output lines of every run, stdout and stderr interleaved as they arrived. */
  readonly lines: string[] = [];
  #child?: Deno.ChildProcess;
  #exited?: Promise<Deno.CommandStatus>;
  #pumps: Promise<void>[] = [];
  readonly #opts: AgentProcessOptions;

  constructor(opts: AgentProcessOptions) {
    this.#opts = opts;
  }

  /** Pid of the running child, if any. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Whether a child is running. */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Starts the agent and waits until it prints its running line (or exits, which throws). */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.#child) throw new Error("the agent is already running");
    const from = this.lines.length;
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "start",
        "--config",
        this.#opts.configPath,
        ...(this.#opts.args ?? []),
      ],
      env: { NO_COLOR: "1", ...this.#opts.env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    this.#exited = child.status;
    this.#pumps = [this.#pump(child.stdout), this.#pump(child.stderr)];
    void this.#exited.then(() => {
      if (this.#child === child) this.#child = undefined;
    });
    const ok = await this.waitForLine(RUNNING_LINE, timeoutMs, from).then(() => true, (e) => e);
    if (ok !== true) {
      await this.kill("SIGKILL");
      throw new Error(`${(ok as Error).message}\n--- agent output ---\n${this.tail(40)}`);
    }
  }

  async #pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    let rest = "";
    const max = this.#opts.maxLines ?? 20_000;
    try {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        const parts = (rest + chunk).split("\n");
        rest = parts.pop()!;
        for (const line of parts) {
          if (this.#opts.echo) console.error(`[agent] ${line}`);
          this.lines.push(line);
        }
        if (this.lines.length > max) this.lines.splice(0, this.lines.length - max);
      }
    } catch { /* the child died mid-write */ }
    if (rest) this.lines.push(rest);
  }

  /** Waits until a line at index ≥ `from` matches `re`; throws if the child exits first. */
  async waitForLine(re: RegExp, timeoutMs = 30_000, from = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const hit = this.lines.slice(from).find((l) => re.test(l));
      if (hit !== undefined) return hit;
      if (!this.#child) throw new Error(`the agent exited before printing ${re}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for the agent to print ${re}`);
  }

  /** Sends `signal` and waits for the exit; returns the ms it took and the exit code. */
  async kill(signal: Deno.Signal = "SIGTERM", timeoutMs = 10_000): Promise<
    { ms: number; code: number | null }
  > {
    const child = this.#child;
    if (!child || !this.#exited) return { ms: 0, code: null };
    const t0 = performance.now();
    try {
      child.kill(signal);
    } catch { /* already gone */ }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((r) => timer = setTimeout(() => r("late"), timeoutMs));
    const status = await Promise.race([this.#exited, late]);
    clearTimeout(timer);
    if (status === "late") {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await this.#exited;
    }
    const ms = performance.now() - t0;
    await Promise.all(this.#pumps);
    this.#child = undefined;
    return { ms, code: status === "late" ? null : status.code };
  }

  /** Stops the agent gracefully (SIGTERM), then for good. */
  async stop(): Promise<void> {
    await this.kill("SIGTERM");
  }

  /** The last `n` output lines, for failure messages. */
  tail(n = 30): string {
    return this.lines.slice(-n).join("\n");
  }
}
