/**
 * `tern init`: writes the commented configuration template and an encrypted V3 keystore
 * holding a new key, or a key read from a file or an environment variable (never from the
 * command line, where other users could see it).
 *
 * @module
 */

import { Command, Option } from "@commander-js/extra-typings";
import { generatePrivateKey } from "viem/accounts";
import type { Hex } from "viem";
import { configTemplate } from "../config/mod.ts";
import { createKeystoreFile, readPassword } from "../keystore/mod.ts";
import { registerSecret } from "../log.ts";
import { applyLogFlags, logFlags, type LogFlagValues, out, UsageError } from "./common.ts";

const KEY_RE = /^(0x)?[0-9a-fA-F]{64}$/;

function normalizeKey(text: string, from: string): Hex {
  const k = text.trim();
  if (!KEY_RE.test(k)) {
    // Never echo the value: it may be a key with a typo.
    throw new UsageError(`${from} does not hold a private key`, "expected 64 hex digits");
  }
  return (k.startsWith("0x") ? k : `0x${k}`).toLowerCase() as Hex;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

function relativeTo(dir: string, path: string): string {
  if (path.startsWith("/")) return path;
  if (dir === ".") return path;
  const abs = (p: string) => p.startsWith("/") ? p : `${Deno.cwd()}/${p}`;
  const d = abs(dir).replace(/\/+$/, "");
  const p = abs(path);
  return p.startsWith(`${d}/`) ? p.slice(d.length + 1) : p;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** The `init` command. */
export function initCommand() {
  return logFlags(new Command("init"))
    .description("write a commented configuration template and an encrypted keystore")
    .option("-c, --config <file>", "configuration file to write", "tern.toml")
    .option("-k, --keystore <file>", "keystore file to write", "keystore.json")
    .option("--key-file <file>", "import the private key (hex) from this file")
    .option("--key-env <name>", "import the private key (hex) from this environment variable")
    .addOption(new Option("--scrypt-n <n>", "scrypt cost (tests use a small one)").hideHelp())
    .action(async (opts) => {
      await applyLogFlags(opts as LogFlagValues);
      if (opts.keyFile !== undefined && opts.keyEnv !== undefined) {
        throw new UsageError("give --key-file or --key-env, not both");
      }
      if (await exists(opts.config)) {
        throw new UsageError(
          `${opts.config} already exists`,
          "choose another path with --config; an existing configuration is never overwritten",
        );
      }
      if (await exists(opts.keystore)) {
        throw new UsageError(
          `keystore ${opts.keystore} already exists`,
          "choose another path with --keystore; an existing keystore is never overwritten",
        );
      }
      let key: Hex;
      if (opts.keyFile !== undefined) {
        let text: string;
        try {
          text = await Deno.readTextFile(opts.keyFile);
        } catch (e) {
          throw new UsageError(`cannot read key file ${opts.keyFile}: ${(e as Error).message}`);
        }
        key = normalizeKey(text, `key file ${opts.keyFile}`);
      } else if (opts.keyEnv !== undefined) {
        const text = Deno.env.get(opts.keyEnv);
        if (text === undefined) throw new UsageError(`${opts.keyEnv} is not set`);
        key = normalizeKey(text, `variable ${opts.keyEnv}`);
      } else {
        key = generatePrivateKey();
      }
      registerSecret(key);
      const password = await readPassword(Deno.env.toObject(), undefined, opts.keystore);
      registerSecret(password);
      let n: number | undefined;
      if (opts.scryptN !== undefined) {
        n = Number(opts.scryptN);
        if (!Number.isSafeInteger(n) || n < 2 || (n & (n - 1)) !== 0) {
          throw new UsageError("--scrypt-n must be a power of two");
        }
      }
      const address = await createKeystoreFile(opts.keystore, key, password, { n });
      const keystoreRef = relativeTo(dirOf(opts.config), opts.keystore);
      try {
        await Deno.writeTextFile(opts.config, configTemplate({ KEYSTORE: keystoreRef }), {
          createNew: true,
        });
      } catch (e) {
        throw new UsageError(`cannot write ${opts.config}: ${(e as Error).message}`);
      }
      out(`wrote keystore ${opts.keystore} for account ${address}`);
      out(`wrote configuration ${opts.config}`);
      out(`next: replace the <...> placeholders, then run: tern config check ${opts.config}`);
    });
}
