/**
 * The agent's spec for the coordinator: its chains, the LP's balances as its watchers last read
 * them (native balance and every configured token), and a summary of its configuration.
 *
 * @example
 * ```ts
 * const update = specUpdateOf(system, config);
 * system.send(paths.link, update);
 * ```
 *
 * @module
 */

import type { Config } from "../config/types.ts";
import type { ActorSystem } from "../runtime/mod.ts";
import type { WatcherState } from "../chain/watch.ts";
import { type Address, paths, type SpecUpdate } from "./messages.ts";

/** The native currency, as a token address in a spec's balance list. */
export const NATIVE_TOKEN: Address = "0x0000000000000000000000000000000000000000";

/** The spec of the running agent, from its watchers' live state. */
export function specUpdateOf(system: ActorSystem, config: Config): SpecUpdate {
  const balances: SpecUpdate["spec"]["balances"] = [];
  for (const chain of [config.baseChain, ...config.chains]) {
    const money = system.stateOf<WatcherState>(paths.watcher(chain.chainId))?.money;
    if (!money) continue;
    balances.push({ chainId: chain.chainId, token: NATIVE_TOKEN, amount: money.nativeBalance });
    for (const cls of config.tokens) {
      for (const t of cls.chains.filter((c) => c.chainId === chain.chainId)) {
        const read = money.tokens[t.address.toLowerCase()];
        if (read) {
          balances.push({
            chainId: chain.chainId,
            token: t.address.toLowerCase() as Address,
            symbol: cls.name,
            amount: read.balance,
          });
        }
      }
    }
  }
  return {
    type: "SpecUpdate",
    spec: {
      balances,
      chains: config.chains.map((c) => ({ chainId: c.chainId, name: c.name })),
      config: {
        baseChainId: config.baseChain.chainId,
        unsafeFillTime: config.agent.unsafeFillTime,
        confirmations: config.agent.confirmations,
        minFeePpm: config.policy.minFeePpm,
        tokens: config.tokens.map((t) => t.name),
        proofRelay: config.baseChain.proofRelay,
      },
    },
  };
}
