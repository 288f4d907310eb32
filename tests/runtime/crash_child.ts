/**
 * Subprocess for the crash test: runs a burst of increments over many actors and prints
 * `D <path> <n>` once the snapshot holding count n of that actor is durable.
 *
 * Usage: deno run -A crash_child.ts <kv path> <actors> <messages>
 *
 * @module
 */

import { ActorSystem } from "../../lib/runtime/mod.ts";
import { tallyBehavior } from "./tally.ts";

const [kvPath, actors, messages] = [Deno.args[0], Number(Deno.args[1]), Number(Deno.args[2])];
const out = new TextEncoder();
const kv = await Deno.openKv(kvPath);
const system = await ActorSystem.start({
  kv,
  behaviors: [tallyBehavior((line) => Deno.stdout.writeSync(out.encode(line + "\n")))],
});
for (let i = 0; i < actors; i++) system.spawn(`/t/${i % 16}/a${i}`, "tally");
Deno.stdout.writeSync(out.encode("READY\n"));
for (let m = 0; m < messages; m++) {
  const i = m % actors;
  system.send(`/t/${i % 16}/a${i}`, { type: "add" });
  if (m % 500 === 0) await new Promise((r) => setTimeout(r, 0));
}
await new Promise(() => {}); // until killed
