/**
 * Child process of the crash test: runs a TxSender on `kvPath` against `rpcUrl`, asks it for one
 * transaction and waits to be killed.
 *
 * Usage: deno run -A tests/tx/crash_child.ts <kvPath> <rpcUrl> <chainId> <id> <to>
 *
 * @module
 */

import { createPublicClient, type Hex, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { txSenderBehaviors } from "../../actors/tx_sender.ts";
import { paths, type SendTx } from "../../lib/agent/messages.ts";
import { ActorSystem } from "../../lib/runtime/mod.ts";

const [kvPath, rpcUrl, chainIdText, id, to] = Deno.args;
const chainId = Number(chainIdText);
const kv = await Deno.openKv(kvPath);
const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) }) as PublicClient;
const key: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const system = await ActorSystem.start({
  kv,
  behaviors: txSenderBehaviors({
    publicClientFor: () => client,
    account: privateKeyToAccount(key),
    options: { receiptPollMs: 50 },
  }),
});
system.spawn(paths.txSender(chainId), "tx_sender", { chainId });
const msg: SendTx = {
  type: "SendTx",
  id,
  purpose: "fill",
  to: to as Hex,
  data: "0x",
  value: "1",
  replyTo: "/nobody",
};
system.send(paths.txSender(chainId), msg);
console.log("SENT");
await new Promise(() => {}); // killed by the test
