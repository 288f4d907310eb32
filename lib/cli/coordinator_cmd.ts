/**
 * `tern coordinator`: run the reference coordinator until SIGINT or SIGTERM; and
 * `tern coordinator-send`: send a command to a connected agent through a coordinator's HTTP API.
 *
 * @module
 */
import type { Command } from "@commander-js/extra-typings";
import { parseTokens, runCoordinator } from "../coordinator/mod.ts";

/** The environment variable holding `agentId=token` entries when `--tokens` is not given. */
export const TOKENS_ENV = "TERN_COORDINATOR_TOKENS";

/** Options of `tern coordinator`. */
export interface CoordinatorCmdOptions {
  port: string;
  bind: string;
  tokens?: string;
  tokensFile?: string;
  kv: string;
}

/** Where the tokens come from: `--tokens`, `--tokens-file`, or the environment. */
async function loadTokens(opts: CoordinatorCmdOptions): Promise<Map<string, string>> {
  if (opts.tokens !== undefined) return parseTokens(opts.tokens, "--tokens");
  if (opts.tokensFile !== undefined) {
    return parseTokens(await Deno.readTextFile(opts.tokensFile), opts.tokensFile);
  }
  const env = Deno.env.get(TOKENS_ENV);
  if (env !== undefined) return parseTokens(env, TOKENS_ENV);
  throw new Error(
    `no agent tokens: pass --tokens "agentId=token,...", --tokens-file <file>, or set ${TOKENS_ENV}`,
  );
}

/** Run the coordinator with CLI options until `signal` aborts; prints its URLs. */
export async function runCoordinatorCmd(
  opts: CoordinatorCmdOptions,
  signal: AbortSignal,
  print: (line: string) => void = console.log,
): Promise<void> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer 0..65535, got ${JSON.stringify(opts.port)}`);
  }
  const tokens = await loadTokens(opts);
  await runCoordinator({
    kvPath: opts.kv,
    tokens,
    port,
    hostname: opts.bind,
    signal,
    onListen: (c) => {
      print(`coordinator listening: ${c.url} (agents), ${c.httpUrl}/ (page), ${c.httpUrl}/stats`);
      print(`${tokens.size} agent token(s) loaded; store ${opts.kv}`);
    },
  });
  print("coordinator stopped");
}

/** Parse `tern coordinator-send` arguments into the command body. */
export function commandBody(kind: string, chainId?: string): Record<string, unknown> {
  switch (kind) {
    case "drain":
    case "resync":
      return { kind };
    case "pause_chain":
    case "resume_chain": {
      const id = Number(chainId);
      if (!Number.isSafeInteger(id) || id <= 0) {
        throw new Error(`${kind} needs a chain id (a positive integer), got ${chainId}`);
      }
      return { kind, chainId: id };
    }
    default:
      throw new Error(`unknown command ${kind}: use pause_chain, resume_chain, drain or resync`);
  }
}

/** Register `coordinator` and `coordinator-send` on the `tern` program. */
export function registerCoordinatorCommands(program: Command): void {
  program
    .command("coordinator")
    .description("run the reference coordinator (WebSocket /link, HTTP page and API)")
    .option("--port <port>", "port to listen on (0 picks a free one)", "8787")
    .option("--bind <address>", "address to bind", "127.0.0.1")
    .option(
      "--tokens <entries>",
      `agentId=token entries, comma separated (default: $${TOKENS_ENV})`,
    )
    .option("--tokens-file <file>", "file with agentId=token entries, one a line")
    .option("--kv <file>", "the coordinator's KV file", "coordinator.kv")
    .action(async (opts) => {
      const ac = new AbortController();
      const stop = () => ac.abort();
      Deno.addSignalListener("SIGINT", stop);
      Deno.addSignalListener("SIGTERM", stop);
      try {
        await runCoordinatorCmd(opts, ac.signal);
      } finally {
        Deno.removeSignalListener("SIGINT", stop);
        Deno.removeSignalListener("SIGTERM", stop);
      }
    });
  program
    .command("coordinator-send")
    .description("send a command (pause_chain <chainId>, resume_chain <chainId>, drain, resync)")
    .argument("<agentId>", "the agent")
    .argument("<command>", "pause_chain | resume_chain | drain | resync")
    .argument("[chainId]", "chain id for pause_chain and resume_chain")
    .option("--coordinator <url>", "the coordinator's HTTP base URL", "http://127.0.0.1:8787")
    .action(async (agentId, kind, chainId, opts) => {
      const body = commandBody(kind, chainId);
      const url = `${opts.coordinator.replace(/\/$/, "")}/agents/${
        encodeURIComponent(agentId)
      }/commands`;
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`coordinator answered ${res.status}: ${text}`);
      console.log(text);
    });
}
