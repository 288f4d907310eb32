/**
 * Look-ups over a loaded {@link Config}.
 *
 * @module
 */
import type { Address } from "viem";
import type { ChainConfig, Config, TokenChainConfig, TokenClassConfig } from "./types.ts";

/**
 * The token class holding `token` on `chainId`, with that chain's entry, or undefined when the
 * token is not configured there.
 *
 * @example
 * ```ts
 * const found = findTokenClass(config, 10, request.sourceTokenAddress);
 * if (found === undefined) ignore("token not configured");
 * ```
 */
export function findTokenClass(
  config: Pick<Config, "tokens">,
  chainId: number,
  token: Address,
): { tokenClass: TokenClassConfig; entry: TokenChainConfig } | undefined {
  const wanted = token.toLowerCase();
  for (const tokenClass of config.tokens) {
    const entry = tokenClass.chains.find((c) =>
      c.chainId === chainId && c.address.toLowerCase() === wanted
    );
    if (entry !== undefined) return { tokenClass, entry };
  }
  return undefined;
}

/**
 * The secrets a loaded configuration holds (the coordinator and inspector tokens), to register
 * with the log redaction.
 *
 * @example
 * ```ts
 * for (const secret of configSecrets(config)) registerSecret(secret);
 * ```
 */
export function configSecrets(config: Pick<Config, "coordinator" | "inspector">): string[] {
  return [config.coordinator?.token, config.inspector.token].filter(
    (token): token is string => token !== undefined && token !== "",
  );
}

/** The `[[chains]]` entry of `chainId`, or undefined. */
export function chainById(
  config: Pick<Config, "chains">,
  chainId: number,
): ChainConfig | undefined {
  return config.chains.find((chain) => chain.chainId === chainId);
}

/**
 * The class both tokens belong to, when a request from `source` to `target` swaps one asset
 * for the same asset; undefined when either token is not configured or they differ.
 *
 * @example
 * ```ts
 * const tokenClass = sameTokenClass(config,
 *   { chainId: request.sourceChainId, token: request.sourceTokenAddress },
 *   { chainId: request.targetChainId, token: request.targetTokenAddress });
 * if (tokenClass === undefined) ignore("tokens not in one configured class");
 * ```
 */
export function sameTokenClass(
  config: Pick<Config, "tokens">,
  source: { chainId: number; token: Address },
  target: { chainId: number; token: Address },
): TokenClassConfig | undefined {
  const a = findTokenClass(config, source.chainId, source.token);
  const b = findTokenClass(config, target.chainId, target.token);
  return a !== undefined && b !== undefined && a.tokenClass === b.tokenClass
    ? a.tokenClass
    : undefined;
}
