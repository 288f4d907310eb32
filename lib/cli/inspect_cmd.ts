/**
 * The inspection commands: `inspect tree`, `inspect actor PATH`, `requests`, `request ID`,
 * `claims`, `outbox`. Each reads a running agent's inspector (`--url`) or its KV file offline
 * (`--kv FILE`, or `--config FILE` → `<data_dir>/tern.kv`); offline reading never writes.
 *
 * @module
 */

import { Command, Option } from "@commander-js/extra-typings";
import { loadConfig } from "../config/mod.ts";
import { httpReader, type InspectReader, sourceReader } from "../inspector/client.ts";
import { kvSource } from "../inspector/sources.ts";
import { agentKvPath } from "../kv/paths.ts";
import { TernError } from "../errors.ts";
import { applyLogFlags, logFlags, type LogFlagValues, out, UsageError } from "./common.ts";
import {
  renderActor,
  renderClaims,
  renderOutbox,
  renderRequest,
  renderRequests,
  renderTree,
} from "./inspect_render.ts";

/** Where inspection reads from. */
export interface SourceFlags extends LogFlagValues {
  url?: string;
  kv?: string;
  config?: string;
  tokenEnv: string;
  json?: boolean;
}

/** Adds the source flags (`--url`, `--kv`, `--config`, `--token-env`), `--json` and log flags. */
// deno-lint-ignore no-explicit-any
export function sourceFlags<C extends Command<any, any, any>>(cmd: C): C {
  return logFlags(
    cmd
      .option("--url <url>", "inspector of a running agent, e.g. http://127.0.0.1:9464")
      .option("--kv <file>", "read the agent's KV file directly (offline, read-only)")
      .option("-c, --config <file>", "read <data_dir>/tern.kv of this configuration")
      .addOption(
        new Option("--token-env <name>", "variable holding the inspector token")
          .default("TERN_INSPECTOR_TOKEN"),
      )
      .option("--json", "print JSON") as C,
  );
}

/** Opens the reader the flags select; `close` releases the KV. */
export async function openReader(
  f: SourceFlags,
): Promise<{ reader: InspectReader; close: () => void }> {
  await applyLogFlags(f);
  const given = [f.url, f.kv, f.config].filter((x) => x !== undefined).length;
  if (given !== 1) {
    throw new UsageError(
      given === 0 ? "no agent to inspect" : "give only one of --url, --kv and --config",
      "use --url http://127.0.0.1:9464 for a running agent, or --kv FILE / --config FILE to " +
        "read its KV file",
    );
  }
  if (f.url !== undefined) {
    let u: URL;
    try {
      u = new URL(f.url);
    } catch {
      throw new UsageError(`--url ${JSON.stringify(f.url)} is not a URL`);
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      throw new UsageError(`--url must be http:// or https://, got ${u.protocol}`);
    }
    return { reader: httpReader(f.url, Deno.env.get(f.tokenEnv) || undefined), close: () => {} };
  }
  const path = f.kv ?? agentKvPath(
    loadConfig(f.config!, Deno.env.toObject(), { requireSecrets: false, checkFiles: false }),
  );
  try {
    const st = await Deno.stat(path);
    if (!st.isFile) throw new UsageError(`${path} is not a file`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new TernError("kv_missing", `no KV file at ${path}`, {
      hint: "check --kv, or the data_dir of the configuration; the agent creates it on start",
    });
  }
  const kv = await Deno.openKv(path);
  return { reader: sourceReader(kvSource(kv)), close: () => kv.close() };
}

async function withReader(
  f: SourceFlags,
  run: (r: InspectReader) => Promise<string | unknown>,
  render: (v: never) => string,
): Promise<void> {
  const { reader, close } = await openReader(f);
  try {
    const v = await run(reader);
    out(f.json ? JSON.stringify(v, null, 2) : render(v as never));
  } finally {
    close();
  }
}

/** The `inspect` command group (`inspect tree`, `inspect actor PATH`). */
export function inspectCommand() {
  const cmd = new Command("inspect").description("look at the actors of an agent");
  cmd.addCommand(
    sourceFlags(new Command("tree").description("the supervision tree with state and restarts"))
      .action((o) => withReader(o as SourceFlags, (r) => r.tree(), renderTree)),
  );
  cmd.addCommand(
    sourceFlags(
      new Command("actor").description("one actor's summary and full state")
        .argument("<path>", "actor path, e.g. /requests/s01/0xab…"),
    ).action(async (path, opts) => {
      const o = opts as SourceFlags;
      const { reader, close } = await openReader(o);
      try {
        const a = await reader.actor(path.startsWith("/") ? path : `/${path}`);
        if (a === null) throw new TernError("not_found", `no actor at ${path}`);
        out(o.json ? JSON.stringify(a, null, 2) : renderActor(a));
      } finally {
        close();
      }
    }),
  );
  return cmd;
}

/** `requests [--state S] [--chain C]`. */
export function requestsCommand() {
  return sourceFlags(
    new Command("requests").description("the requests the agent knows, as a table")
      .option("--state <state>", "only requests in this state")
      .option("--chain <chainId>", "only requests from or to this chain"),
  ).action((opts) => {
    const o = opts as SourceFlags & { state?: string; chain?: string };
    return withReader(o, (r) => r.requests({ state: o.state, chain: o.chain }), renderRequests);
  });
}

/** `request ID`. */
export function requestCommand() {
  return sourceFlags(
    new Command("request").description("one request: state, every transition, its claims")
      .argument("<id>", "request id (0x…)"),
  ).action(async (id, opts) => {
    const o = opts as SourceFlags;
    const { reader, close } = await openReader(o);
    try {
      const r = await reader.request(id);
      if (r === null) throw new TernError("not_found", `no request ${id}`);
      out(o.json ? JSON.stringify(r, null, 2) : renderRequest(r));
    } finally {
      close();
    }
  });
}

/** `claims`. */
export function claimsCommand() {
  return sourceFlags(new Command("claims").description("the claims the agent follows"))
    .action((o) => withReader(o as SourceFlags, (r) => r.claims(), renderClaims));
}

/** `outbox`. */
export function outboxCommand() {
  return sourceFlags(
    new Command("outbox").description("the coordinator outbox: pending messages, last acked seq"),
  ).action((o) => withReader(o as SourceFlags, (r) => r.outbox(), renderOutbox));
}
