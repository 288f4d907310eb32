/**
 * The committed build outputs of scripts/devnet/contracts/ (see scripts/build_contracts.ts),
 * imported statically so a devnet starts without a compiler and bundles cleanly.
 *
 * @module
 */
import type { Abi, Hex } from "viem";
import requestManager from "./artifacts/RequestManager.json" with { type: "json" };
import fillManager from "./artifacts/FillManager.json" with { type: "json" };
import resolver from "./artifacts/Resolver.json" with { type: "json" };
import devnetMessenger from "./artifacts/DevnetMessenger.json" with { type: "json" };
import mintableToken from "./artifacts/MintableToken.json" with { type: "json" };
import namedMintableToken from "./artifacts/NamedMintableToken.json" with { type: "json" };

/** ABI and creation bytecode of one contract. */
export interface Artifact {
  /** Solidity contract name. */
  contractName: string;
  /** Compiled ABI. */
  abi: Abi;
  /** Creation bytecode. */
  bytecode: Hex;
}

function artifact(json: { contractName: string; abi: unknown; bytecode: string }): Artifact {
  return { contractName: json.contractName, abi: json.abi as Abi, bytecode: json.bytecode as Hex };
}

/** Every devnet contract artifact by contract name. */
export const ARTIFACTS = {
  RequestManager: artifact(requestManager),
  FillManager: artifact(fillManager),
  Resolver: artifact(resolver),
  DevnetMessenger: artifact(devnetMessenger),
  MintableToken: artifact(mintableToken),
  NamedMintableToken: artifact(namedMintableToken),
} as const;
