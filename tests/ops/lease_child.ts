/**
 * A child process for the lease tests: takes the lease on a KV file, prints one JSON line per
 * event (`held`, `busy`, `lost`, `stop`) and exits on stdin close or a stop request.
 *
 * Usage: deno run -A lease_child.ts KV_FILE TTL_MS [--hang]
 *
 * @module
 */

import { holdInstance, InstanceBusyError } from "../../lib/kv/lease.ts";

const [path, ttlText, mode] = Deno.args;
const kv = await Deno.openKv(path);
const say = (o: unknown) => console.log(JSON.stringify(o));
let stopRequested: () => void = () => {};
const stopped = new Promise<void>((r) => stopRequested = r);
try {
  const hold = await holdInstance(kv, {
    chainIds: [901, 902],
    account: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    ttlMs: Number(ttlText),
    stopPollMs: 50,
    onLost: (reason) => say({ event: "lost", reason }),
    onStopRequested: () => {
      say({ event: "stop" });
      stopRequested();
    },
  });
  say({ event: "held", instanceId: hold.instanceId, tokens: Object.fromEntries(hold.tokens) });
  if (mode === "--hang") {
    // Simulates a crash: the process is killed by the test while holding the lease.
    await new Promise(() => {});
  }
  await stopped;
  await hold.release();
  say({ event: "released" });
} catch (e) {
  if (e instanceof InstanceBusyError) say({ event: "busy", message: e.message });
  else say({ event: "error", message: String(e) });
} finally {
  kv.close();
}
