/**
 * Look-ups over a loaded {@link Config}.
 *
 * @module
 */
import type { Address } from "viem";
import type { Config, TokenChainConfig, TokenClassConfig } from "./types.ts";

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
