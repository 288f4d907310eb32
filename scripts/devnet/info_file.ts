/**
 * Reading devnet.json back: parse, check its shape, and say exactly what is wrong when it is not
 * a devnet description.
 *
 * @module
 */
import { z } from "zod";
import type { DevnetInfo } from "./types.ts";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address");
const key = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected a 0x-prefixed 32-byte key");
const decimal = z.string().regex(/^\d+$/, "expected a decimal integer string");
const account = z.object({ address, privateKey: key });
const chainBase = {
  name: z.string().min(1),
  chainId: z.number().int().positive(),
  rpcHttp: z.string().regex(/^https?:\/\//, "expected an http(s):// URL"),
  rpcWs: z.string().regex(/^wss?:\/\//, "expected a ws(s):// URL"),
  deploymentBlock: z.number().int().nonnegative(),
};

/** Schema of devnet.json (extra keys such as `processes` are allowed). */
export const devnetInfoSchema = z.object({
  l1: z.object({ ...chainBase, resolver: address }),
  rollups: z.array(
    z.object({
      ...chainBase,
      requestManager: address,
      fillManager: address,
      messenger: address,
      l1Messenger: address,
      tokens: z.object({ TST: address, UNL: address }),
    }),
  ).min(2, "expected at least two rollups"),
  params: z.object({
    claimStake: decimal,
    claimPeriod: z.number().int().nonnegative(),
    claimRequestExtension: z.number().int().nonnegative(),
    challengePeriodExtension: z.number().int().nonnegative(),
    finalityPeriod: z.number().int().nonnegative(),
    relayDelayMs: z.number().int().nonnegative(),
    minFeePPM: z.number().int().nonnegative(),
    lpFeePPM: z.number().int().nonnegative(),
    protocolFeePPM: z.number().int().nonnegative(),
    transferLimit: decimal,
    ethInToken: decimal,
  }),
  accounts: z.object({
    deployer: account,
    relayer: account,
    lp: account,
    otherLp: account,
    users: z.array(account),
  }),
});

/** devnet.json is missing, unreadable or not a devnet description. */
export class DevnetFileError extends Error {
  /** Creates the error for the file at `path`. */
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = "DevnetFileError";
  }
}

/**
 * Parses and checks a devnet.json document.
 *
 * @example
 * const info = parseDevnetInfo(JSON.parse(text), "devnet.json");
 */
export function parseDevnetInfo(document: unknown, path = "devnet.json"): DevnetInfo {
  const result = devnetInfoSchema.safeParse(document);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5).map((issue) =>
      `  ${issue.path.join(".") || "(root)"}: ${issue.message}`
    );
    throw new DevnetFileError(path, `not a devnet description:\n${issues.join("\n")}`);
  }
  return result.data as DevnetInfo;
}

/**
 * Reads and checks devnet.json.
 *
 * @example
 * const info = await readDevnetInfo("devnet.json");
 */
export async function readDevnetInfo(path: string): Promise<DevnetInfo> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const hint = error instanceof Deno.errors.NotFound
      ? "file not found (start a devnet with `deno task devnet` first)"
      : String(error);
    throw new DevnetFileError(path, hint);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new DevnetFileError(path, `not valid JSON: ${String(error)}`);
  }
  return parseDevnetInfo(document, path);
}
