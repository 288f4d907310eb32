/**
 * `tern instances` lists the lease holders of a KV file; `tern stop [INSTANCE]` asks a running
 * instance to stop gracefully (it polls for the request while renewing its lease).
 *
 * @module
 */

import { Command } from "@commander-js/extra-typings";
import { loadConfig } from "../config/mod.ts";
import { TernError } from "../errors.ts";
import { listLeases, requestStop } from "../kv/lease.ts";
import { agentKvPath } from "../kv/paths.ts";
import { applyLogFlags, logFlags, type LogFlagValues, out, table, UsageError } from "./common.ts";

interface KvFlags extends LogFlagValues {
  kv?: string;
  config?: string;
  json?: boolean;
}

/** Opens the KV named by `--kv` or `--config` (it must exist). */
async function openKvFile(f: KvFlags): Promise<Deno.Kv> {
  await applyLogFlags(f);
  if ((f.kv === undefined) === (f.config === undefined)) {
    throw new UsageError("give exactly one of --kv FILE and --config FILE");
  }
  const path = f.kv ?? agentKvPath(
    loadConfig(f.config!, Deno.env.toObject(), { requireSecrets: false, checkFiles: false }),
  );
  try {
    await Deno.stat(path);
  } catch {
    throw new TernError("kv_missing", `no KV file at ${path}`, {
      hint: "check --kv, or the data_dir of the configuration; the agent creates it on start",
    });
  }
  return await Deno.openKv(path);
}

/** One instance: its leases grouped. */
export interface InstanceView {
  instanceId: string;
  pid: number;
  host: string;
  since: number;
  renewedAt: number;
  expiresAt: number;
  live: boolean;
  account: string;
  chains: { chainId: number; token: number }[];
}

/** Lease holders of a KV, one entry per instance. */
export async function instancesOf(kv: Deno.Kv, now = Date.now()): Promise<InstanceView[]> {
  const by = new Map<string, InstanceView>();
  for (const l of await listLeases(kv, now)) {
    let v = by.get(l.instanceId);
    if (!v) {
      by.set(
        l.instanceId,
        v = {
          instanceId: l.instanceId,
          pid: l.pid,
          host: l.host,
          since: l.since,
          renewedAt: l.renewedAt,
          expiresAt: l.expiresAt,
          live: l.live,
          account: l.account,
          chains: [],
        },
      );
    }
    v.chains.push({ chainId: l.chainId, token: l.token });
    v.renewedAt = Math.max(v.renewedAt, l.renewedAt);
    v.live = v.live || l.live;
  }
  return [...by.values()];
}

// deno-lint-ignore no-explicit-any
function kvOptions<C extends Command<any, any, any>>(cmd: C): C {
  return logFlags(
    cmd.option("--kv <file>", "the agent's KV file")
      .option("-c, --config <file>", "use <data_dir>/tern.kv of this configuration")
      .option("--json", "print JSON") as C,
  );
}

/** The `instances` command. */
export function instancesCommand() {
  return kvOptions(new Command("instances").description("list the running instances (leases)"))
    .action(async (opts) => {
      const o = opts as KvFlags;
      const kv = await openKvFile(o);
      try {
        const list = await instancesOf(kv);
        if (o.json) return out(JSON.stringify(list, null, 2));
        if (list.length === 0) return out("(no instances)");
        const iso = (t: number) => new Date(t).toISOString();
        out(table(
          ["INSTANCE", "PID", "HOST", "SINCE", "LAST RENEWAL", "STATE", "CHAINS"],
          list.map((i) => [
            i.instanceId,
            String(i.pid),
            i.host,
            iso(i.since),
            iso(i.renewedAt),
            i.live ? "live" : "expired",
            i.chains.map((c) => c.chainId).join(","),
          ]),
        ));
      } finally {
        kv.close();
      }
    });
}

/** The `stop` command. */
export function stopCommand() {
  return kvOptions(
    new Command("stop").description("ask a running instance to stop gracefully")
      .argument("[instance]", "instance id (from `tern instances`); default: the only live one"),
  ).action(async (instance, opts) => {
    const o = opts as KvFlags;
    const kv = await openKvFile(o);
    try {
      const live = (await instancesOf(kv)).filter((i) => i.live);
      let target = instance;
      if (target === undefined) {
        if (live.length === 0) throw new TernError("no_instance", "no running instance");
        if (live.length > 1) {
          throw new UsageError(
            `${live.length} instances are running`,
            `name one: ${live.map((i) => i.instanceId).join(", ")}`,
          );
        }
        target = live[0].instanceId;
      } else if (!live.some((i) => i.instanceId === target)) {
        throw new TernError("no_instance", `no running instance ${target}`, {
          hint: "list them with tern instances",
        });
      }
      await requestStop(kv, target);
      out(o.json ? JSON.stringify({ requested: target }) : `asked instance ${target} to stop`);
    } finally {
      kv.close();
    }
  });
}
