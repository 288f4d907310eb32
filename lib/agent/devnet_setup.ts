/**
 * Everything an agent needs on disk to run against a devnet: a keystore holding the devnet LP
 * key, a config file written by {@link devnetConfigToml}, and the environment with the keystore
 * password. The demo, the end-to-end tests, the chaos run and the benchmark start the agent this
 * way, through the same config → keystore path an operator uses.
 *
 * @module
 */

import type { DevnetInfo } from "../../scripts/devnet/types.ts";
import { createKeystoreFile, PASSWORD_ENV } from "../keystore/mod.ts";
import { type DevnetConfigOptions, devnetConfigToml } from "./devnet_config.ts";

/** Files and environment of a devnet agent. */
export interface DevnetAgentFiles {
  /** The directory holding everything below. */
  dir: string;
  configPath: string;
  keystorePath: string;
  dataDir: string;
  /** Environment for the agent process: the keystore password. */
  env: Record<string, string>;
}

/** Options of {@link prepareDevnetAgent}. */
export type DevnetAgentOptions = Omit<DevnetConfigOptions, "dataDir" | "keystore"> & {
  /** Directory to write into (created if missing). */
  dir: string;
  /** Keystore password (default: a random one). */
  password?: string;
  /** scrypt cost of the devnet keystore (default 1024: devnet keys are public anyway). */
  scryptN?: number;
};

/**
 * Writes the keystore and config for the devnet's LP account into `opts.dir`.
 *
 * @example
 * ```ts
 * const files = await prepareDevnetAgent(devnet.info, { dir: "/tmp/agent" });
 * // deno run -A main.ts start --config files.configPath, with files.env
 * ```
 */
export async function prepareDevnetAgent(
  info: DevnetInfo,
  opts: DevnetAgentOptions,
): Promise<DevnetAgentFiles> {
  const dir = opts.dir;
  const dataDir = `${dir}/data`;
  await Deno.mkdir(dataDir, { recursive: true });
  const keystorePath = `${dir}/lp-keystore.json`;
  const password = opts.password ?? crypto.randomUUID();
  try {
    await createKeystoreFile(keystorePath, info.accounts.lp.privateKey, password, {
      n: opts.scryptN ?? 1024,
    });
  } catch (e) {
    // A re-used directory keeps its keystore only if the caller gave the same password.
    if (!(e instanceof Error && /already exists/.test(e.message)) || !opts.password) throw e;
  }
  const { dir: _dir, password: _pw, scryptN: _n, ...configOpts } = opts;
  const configPath = `${dir}/tern.toml`;
  await Deno.writeTextFile(
    configPath,
    devnetConfigToml(info, { ...configOpts, dataDir, keystore: keystorePath }),
  );
  return { dir, configPath, keystorePath, dataDir, env: { [PASSWORD_ENV]: password } };
}
