/**
 * The timed phases of a chaos run: carrying out the fault schedule while the traffic flows, and
 * waiting for settlement afterwards (moving chain time forward only when it is safe).
 *
 * @module
 */
import { parseEventLogs } from "viem";
import { requestManagerAbi } from "../../lib/chain/abi.ts";
import { devnetPublicClient } from "../devnet/clients.ts";
import type { DevnetInfo } from "../devnet/types.ts";
import type { PlannedRequest } from "./invariants.ts";
import type { OtherLp } from "./other_lp.ts";
import type { ChildProcess, RestartableCoordinator } from "./processes.ts";
import type { ChaosEvent } from "./schedule.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Carries out `events` (times relative to `t0`, a `performance.now()` value) in order. */
export async function runSchedule(
  events: ChaosEvent[],
  t0: number,
  x: {
    agent: ChildProcess;
    coordinator: RestartableCoordinator;
    blackhole: (ms: number) => void;
    shutdowns: number[];
    done: { kills: number };
    log: (line: string) => void;
    deadline: number;
  },
): Promise<void> {
  for (const event of events) {
    await sleep(t0 + event.atMs - performance.now());
    if (Date.now() > x.deadline) return;
    if (await x.agent.restartIfExited()) x.log("the agent had exited by itself; started again");
    if (event.kind === "kill-agent") {
      await x.agent.kill();
      x.done.kills++;
      x.log(`SIGKILL agent at +${event.atMs} ms; restart in ${event.restartAfterMs} ms`);
      await sleep(event.restartAfterMs);
      await x.agent.start();
    } else if (event.kind === "restart-coordinator") {
      await x.coordinator.restart();
      x.log(`coordinator restarted at +${event.atMs} ms`);
    } else if (event.kind === "blackhole") {
      x.blackhole(event.forMs);
      x.log(`RPC outage of ${event.forMs} ms from +${event.atMs} ms`);
    } else {
      // A shutdown is only meaningful once the agent is up, not while it compiles or recovers:
      // wait for its running line (at most 30 s of uptime).
      while (!x.agent.ready && x.agent.uptimeMs < 30_000 && x.agent.pid !== undefined) {
        await sleep(100);
      }
      const ms = await x.agent.terminate();
      x.shutdowns.push(ms);
      x.log(`SIGTERM agent: exited in ${ms} ms`);
      await x.agent.start();
    }
  }
}

/**
 * Waits until every fillable request's deposit is withdrawn (or the deadline). The chain clocks
 * are moved forward only while no false claim is waiting for a challenge, so the agent is never
 * robbed of the time it needs to dispute.
 */
export async function waitForSettlement(
  info: DevnetInfo,
  plan: PlannedRequest[],
  other: OtherLp,
  agent: ChildProcess,
  log: (line: string) => void,
  deadline: number,
  advanceTime: (seconds: number) => Promise<void>,
): Promise<void> {
  const fillable = new Set(plan.filter((p) => p.kind === "fillable").map((p) => p.requestId));
  const readers = new Map(info.rollups.map((r) => [r.chainId, devnetPublicClient(r)]));
  let lastReport = 0;
  while (Date.now() < deadline) {
    if (await agent.restartIfExited()) log("the agent had exited by itself; started again");
    await other.settle();
    const withdrawn = new Set<string>();
    for (const r of info.rollups) {
      const logs = await readers.get(r.chainId)!.getLogs({
        address: r.requestManager,
        fromBlock: BigInt(r.deploymentBlock),
        toBlock: "latest",
      });
      for (
        const e of parseEventLogs({ abi: requestManagerAbi, eventName: "DepositWithdrawn", logs })
      ) withdrawn.add(e.args.requestId.toLowerCase());
    }
    const open = [...fillable].filter((id) => !withdrawn.has(id.toLowerCase())).length;
    if (open === 0) {
      log("every fillable request is withdrawn");
      return;
    }
    if (Date.now() - lastReport > 10_000) {
      log(`waiting: ${open} of ${fillable.size} fillable requests not withdrawn yet`);
      lastReport = Date.now();
    }
    if (await noChallengePending(info, other, readers)) await advanceTime(5);
    await sleep(2000);
  }
  log("deadline reached before every fillable request was withdrawn");
}

async function noChallengePending(
  info: DevnetInfo,
  other: OtherLp,
  readers: Map<number, ReturnType<typeof devnetPublicClient>>,
): Promise<boolean> {
  for (const ref of other.record.falseClaims.values()) {
    const reader = readers.get(ref.chainId)!;
    const rm = info.rollups.find((r) => r.chainId === ref.chainId)!.requestManager;
    const [claim, block] = await Promise.all([
      reader.readContract({
        address: rm,
        abi: requestManagerAbi,
        functionName: "claims",
        args: [ref.claimId],
      }),
      reader.getBlock(),
    ]);
    const [, , , , challengerStakeTotal, , termination] = claim;
    if (challengerStakeTotal === 0n && block.timestamp < termination) return false;
  }
  return true;
}
