/**
 * 200 requests created at once, both directions: every one is filled, claimed and withdrawn by
 * the agent, read from the chains.
 */
import assert from "node:assert/strict";
import { parseEventLogs } from "viem";
import { requestManagerAbi } from "../../lib/chain/abi.ts";
import { devnetPublicClient } from "../../scripts/devnet/clients.ts";
import { createRequests, prepareUsers } from "../../scripts/bench/requests.ts";
import { startE2e } from "./harness.ts";

Deno.test({
  name: "200 concurrent requests all reach withdrawn",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const e = await startE2e({ devnet: { relayDelayMs: 200 } });
    const lp = e.devnet.info.accounts.lp.address.toLowerCase();
    try {
      await prepareUsers(e.devnet.info, 1_000n);
      const requests = await createRequests(e.devnet.info, 200);
      assert.equal(requests.length, 200);
      const wanted = new Set(requests.map((r) => r.requestId));
      const withdrawn = async () => {
        const done = new Set<string>();
        for (const r of e.devnet.info.rollups) {
          const logs = await devnetPublicClient(r).getLogs({
            address: r.requestManager,
            fromBlock: BigInt(r.deploymentBlock),
            toBlock: "latest",
          });
          for (
            const l of parseEventLogs({
              abi: requestManagerAbi,
              eventName: "DepositWithdrawn",
              logs,
            })
          ) {
            if (wanted.has(l.args.requestId) && l.args.receiver.toLowerCase() === lp) {
              done.add(l.args.requestId);
            }
          }
        }
        return done.size;
      };
      // Generous: the suite runs tests in parallel on two cores.
      const deadline = Date.now() + 240_000;
      let n = 0;
      while ((n = await withdrawn()) < 200) {
        if (Date.now() > deadline) {
          throw new Error(`${n} of 200 withdrawn after 240 s\n${e.agent.tail(30)}`);
        }
        await e.devnet.advanceTime(15);
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      await e.stop();
    }
  },
});
