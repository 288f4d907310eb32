// A link agent as a process, for kill tests: appends statuses 1..N through /link/queue, resuming
// after a restart right after the last one its outbox stored, and prints its progress.
// Usage: deno run -A agent_proc.ts <kvPath> <url> <total>
import { paths } from "../../lib/agent/messages.ts";
import { report, startTestAgent } from "./agent_support.ts";

const [kvPath, url, totalText] = Deno.args;
const total = Number(totalText);
const agent = await startTestAgent({ kvPath, url });
const outbox = agent.services.outbox;
let next = outbox.stats().lastSeq + 1;
console.log(`start ${next}`);
while (next <= total) {
  // Small bursts, each stored before the next, so a kill loses at most the burst in flight and
  // the restart resumes right after what the outbox holds.
  const end = Math.min(total, next + 9);
  for (let n = next; n <= end; n++) {
    agent.system.send(paths.queue, { type: "AppendStatus", report: report(n) });
  }
  while (outbox.stats().lastSeq < end) await new Promise((r) => setTimeout(r, 2));
  next = end + 1;
  await new Promise((r) => setTimeout(r, 5));
}
console.log("produced");
while (agent.services.outboxDepth() > 0) await new Promise((r) => setTimeout(r, 10));
console.log("acked");
// Stay connected until killed or stopped.
await new Promise(() => {});
