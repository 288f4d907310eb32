/**
 * One running instance per (chain, LP account): a lease in KV per pair, taken and renewed with
 * atomic checks on versionstamps, and a fencing token that grows on every takeover. A holder
 * that stops renewing (crash, hang) loses the lease after its time-to-live and another instance
 * may take over; the old holder's `valid()` turns false before that can happen, so its
 * transaction sender stops first. The same KV carries stop requests (`tern stop`) that the
 * holder polls while it renews.
 *
 * @example
 * ```ts
 * const hold = await holdInstance(kv, { chainIds: [10, 42161], account: "0xabc…" });
 * if (hold.valid()) await sendTx();
 * await hold.release();
 * ```
 *
 * @module
 */

import { type Clock, systemClock, type TimerHandle } from "../clock.ts";
import { TernError } from "../errors.ts";

/** KV prefix of leases: `[...LEASE_PREFIX, chainId, account]`. */
export const LEASE_PREFIX: Deno.KvKey = ["tern", "lease"];
/** KV prefix of stop requests: `[...STOP_PREFIX, instanceId]`. */
export const STOP_PREFIX: Deno.KvKey = ["tern", "stop"];
/** Default lease time-to-live. */
export const DEFAULT_LEASE_TTL_MS = 15_000;

/** What a lease key holds. */
export interface LeaseRecord {
  /** Id of the holding instance (random, per process start). */
  instanceId: string;
  pid: number;
  host: string;
  /** When the instance took the lease (ms since epoch). */
  since: number;
  /** Last renewal (ms since epoch). */
  renewedAt: number;
  /** The lease is free after this time unless renewed. */
  expiresAt: number;
  /** Fencing token: strictly greater for every new holder of this pair. */
  token: number;
  chainId: number;
  account: string;
}

/** A stop request written by `tern stop`. */
export interface StopRequest {
  at: number;
  by: string;
}

/** Another live instance holds one of the requested (chain, account) pairs. */
export class InstanceBusyError extends TernError {
  constructor(readonly holder: LeaseRecord) {
    super(
      "instance_busy",
      `another tern instance holds chain ${holder.chainId} for account ${holder.account}: ` +
        `pid ${holder.pid} on ${holder.host}, since ${new Date(holder.since).toISOString()} ` +
        `(instance ${holder.instanceId})`,
      {
        hint: `stop it first (tern stop ${holder.instanceId}), or wait until its lease ` +
          `expires at ${new Date(holder.expiresAt).toISOString()} if it has crashed`,
        data: { ...holder },
      },
    );
    this.name = "InstanceBusyError";
  }
}

/** Options of {@link holdInstance}. */
export interface HoldOptions {
  /** The chains this instance serves. */
  chainIds: readonly number[];
  /** The LP account address (compared case-insensitively). */
  account: string;
  /** Called once when the lease is lost (renewal failed, another instance took over). */
  onLost?: (reason: string) => void;
  /** Called once when `tern stop` asks this instance to stop. */
  onStopRequested?: (req: StopRequest) => void;
  /** Lease time-to-live (default {@link DEFAULT_LEASE_TTL_MS}); renewed every third of it. */
  ttlMs?: number;
  /** How often stop requests are polled (default: 1 s, at most the renewal period). */
  stopPollMs?: number;
  clock?: Clock;
  /** Instance id (default: random). */
  instanceId?: string;
}

/** A held set of leases. */
export interface InstanceHold {
  readonly instanceId: string;
  /** Fencing token per chain id. */
  readonly tokens: ReadonlyMap<number, number>;
  /** True while every lease is held and was renewed within its time-to-live. */
  valid(): boolean;
  /** Gives the leases up (deletes them); safe to call twice. */
  release(): Promise<void>;
}

function leaseKey(chainId: number, account: string): Deno.KvKey {
  return [...LEASE_PREFIX, chainId, account.toLowerCase()];
}

/**
 * A holder that ran on this host under a pid that no longer exists has crashed: its lease need
 * not run out before a restart takes over (the fencing token still rises). Only checked where
 * `/proc` tells; elsewhere the lease's time-to-live decides.
 */
function deadOnThisHost(holder: LeaseRecord, host: string): boolean {
  if (holder.host !== host || holder.pid === Deno.pid) return false;
  try {
    Deno.statSync("/proc/self");
  } catch {
    return false;
  }
  try {
    Deno.statSync(`/proc/${holder.pid}`);
    return false;
  } catch {
    return true;
  }
}

function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/**
 * Takes the leases of every (chain, account) pair or none. Throws {@link InstanceBusyError}
 * when another instance holds a pair whose lease has not expired.
 */
export async function holdInstance(kv: Deno.Kv, opts: HoldOptions): Promise<InstanceHold> {
  const clock = opts.clock ?? systemClock;
  const ttl = opts.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const instanceId = opts.instanceId ?? crypto.randomUUID().slice(0, 8);
  const account = opts.account.toLowerCase();
  const chainIds = [...new Set(opts.chainIds)].sort((a, b) => a - b);
  const host = hostName();
  const since = clock.now();
  const stamps = new Map<number, string>();
  const tokens = new Map<number, number>();

  for (let attempt = 0;; attempt++) {
    const now = clock.now();
    const found = await kv.getMany<LeaseRecord[]>(chainIds.map((c) => leaseKey(c, account)));
    const op = kv.atomic();
    for (const [i, entry] of found.entries()) {
      const cur = entry.value;
      if (
        cur && cur.instanceId !== instanceId && cur.expiresAt > now && !deadOnThisHost(cur, host)
      ) {
        throw new InstanceBusyError(cur);
      }
      const token = (cur?.token ?? 0) + 1;
      tokens.set(chainIds[i], token);
      op.check(entry).set(
        entry.key,
        {
          instanceId,
          pid: Deno.pid,
          host,
          since,
          renewedAt: now,
          expiresAt: now + ttl,
          token,
          chainId: chainIds[i],
          account,
        } satisfies LeaseRecord,
      );
    }
    const res = await op.commit();
    if (res.ok) {
      for (const c of chainIds) stamps.set(c, res.versionstamp);
      break;
    }
    // Another process wrote in between: read again (it may now hold the lease).
    if (attempt >= 5) throw new Error("could not take the instance lease: KV keeps changing");
  }

  let renewedAt = clock.now();
  let lost = false;
  let released = false;
  let stopSeen = false;
  let renewTimer: TimerHandle | undefined;
  let stopTimer: TimerHandle | undefined;
  const renewEvery = Math.max(1, Math.floor(ttl / 3));
  const stopEvery = Math.min(opts.stopPollMs ?? 1000, renewEvery);

  const loseLease = (reason: string) => {
    if (lost || released) return;
    lost = true;
    if (renewTimer !== undefined) clock.clearTimeout(renewTimer);
    if (stopTimer !== undefined) clock.clearTimeout(stopTimer);
    opts.onLost?.(reason);
  };

  const renew = async () => {
    renewTimer = undefined;
    if (lost || released) return;
    const now = clock.now();
    try {
      const found = await kv.getMany<LeaseRecord[]>(chainIds.map((c) => leaseKey(c, account)));
      const op = kv.atomic();
      for (const [i, entry] of found.entries()) {
        const c = chainIds[i];
        if (entry.versionstamp !== stamps.get(c) || entry.value?.instanceId !== instanceId) {
          const who = entry.value ? `instance ${entry.value.instanceId}` : "nobody";
          return loseLease(`lease of chain ${c} is now held by ${who}`);
        }
        op.check(entry).set(entry.key, { ...entry.value, renewedAt: now, expiresAt: now + ttl });
      }
      const res = await op.commit();
      if (!res.ok) return loseLease("lease changed while renewing");
      for (const c of chainIds) stamps.set(c, res.versionstamp);
      renewedAt = now;
    } catch (e) {
      // A transient KV error: keep trying until the lease runs out; valid() turns false on time.
      if (clock.now() - renewedAt >= ttl) return loseLease(`renewal failed: ${e}`);
    }
    if (!lost && !released) renewTimer = clock.setTimeout(() => void renew(), renewEvery);
  };

  const pollStop = async () => {
    stopTimer = undefined;
    if (lost || released || stopSeen) return;
    try {
      const own = await kv.get<StopRequest>([...STOP_PREFIX, instanceId]);
      if (own.value) {
        stopSeen = true;
        await kv.delete(own.key);
        opts.onStopRequested?.(own.value);
        return;
      }
    } catch { /* the next poll tries again */ }
    if (!lost && !released) stopTimer = clock.setTimeout(() => void pollStop(), stopEvery);
  };

  renewTimer = clock.setTimeout(() => void renew(), renewEvery);
  if (opts.onStopRequested) stopTimer = clock.setTimeout(() => void pollStop(), stopEvery);

  return {
    instanceId,
    tokens,
    valid: () => !lost && !released && clock.now() - renewedAt < ttl,
    async release() {
      if (released) return;
      released = true;
      if (renewTimer !== undefined) clock.clearTimeout(renewTimer);
      if (stopTimer !== undefined) clock.clearTimeout(stopTimer);
      if (lost) return;
      const found = await kv.getMany<LeaseRecord[]>(chainIds.map((c) => leaseKey(c, account)));
      const op = kv.atomic();
      for (const entry of found) {
        if (entry.value?.instanceId === instanceId) op.check(entry).delete(entry.key);
      }
      await op.commit();
    },
  };
}

/** Every lease in the KV (live and expired), with whether it is live at `now`. */
export async function listLeases(
  kv: Deno.Kv,
  now = Date.now(),
): Promise<(LeaseRecord & { live: boolean })[]> {
  const out: (LeaseRecord & { live: boolean })[] = [];
  for await (const e of kv.list<LeaseRecord>({ prefix: LEASE_PREFIX })) {
    out.push({ ...e.value, live: e.value.expiresAt > now });
  }
  return out;
}

/** Writes a stop request for `instanceId`; it expires unseen after ten minutes. */
export async function requestStop(
  kv: Deno.Kv,
  instanceId: string,
  by = "tern stop",
): Promise<void> {
  await kv.set([...STOP_PREFIX, instanceId], { at: Date.now(), by } satisfies StopRequest, {
    expireIn: 10 * 60_000,
  });
}
