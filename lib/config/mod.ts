/**
 * tern's configuration: a TOML file validated with zod, environment overrides, and the
 * template `tern init` writes. See docs/CONFIG.md for every key.
 *
 * @example
 * ```ts
 * import { ConfigError, loadConfig } from "./lib/config/mod.ts";
 * try {
 *   const config = loadConfig("tern.toml", Deno.env.toObject());
 *   console.log(config.chains.map((c) => c.name));
 * } catch (error) {
 *   if (!(error instanceof ConfigError)) throw error;
 *   console.error(error.format());
 *   Deno.exit(2);
 * }
 * ```
 *
 * @module
 */
export { loadConfig, type LoadOptions, parseConfig } from "./load.ts";
export { ConfigError, type ConfigIssue, describeIssue } from "./error.ts";
export { configTemplate, TEMPLATE_PLACEHOLDERS, type TemplatePlaceholder } from "./template.ts";
export { type EnvOverride, envOverrides } from "./env.ts";
export { isLoopback } from "./checks.ts";
export { LOG_LEVEL_MAP } from "./resolve.ts";
export { type ConfigFile, fileSchema, MAX_VALIDITY_PERIOD } from "./schema.ts";
export { chainById, configSecrets, findTokenClass, sameTokenClass } from "./lookup.ts";
export type * from "./types.ts";
