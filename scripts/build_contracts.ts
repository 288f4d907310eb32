/**
 * Compile the devnet contracts with the pinned solc-js and write ABI + bytecode artifacts.
 *
 * ```
 * deno run -A scripts/build_contracts.ts          # write scripts/devnet/artifacts/*.json
 * deno run -A scripts/build_contracts.ts --check  # exit 1 if the committed artifacts are stale
 * ```
 *
 * @module
 */
import solc from "solc";

/** Contracts that get an artifact (deployable ones; bases, interfaces and libraries do not). */
export const ARTIFACT_CONTRACTS = [
  "RequestManager",
  "FillManager",
  "Resolver",
  "DevnetMessenger",
  "MintableToken",
  "NamedMintableToken",
] as const;

/** The solc version the artifacts are built with (must match the npm package). */
export const SOLC_VERSION = "0.8.19";

const CONTRACTS_DIR = new URL("./devnet/contracts/", import.meta.url);
const ARTIFACTS_DIR = new URL("./devnet/artifacts/", import.meta.url);
const NODE_MODULES = new URL("../node_modules/", import.meta.url);

/** One artifact file: `scripts/devnet/artifacts/<contractName>.json`. */
export interface ContractArtifact {
  /** Solidity contract name. */
  contractName: string;
  /** The ABI as solc emits it. */
  abi: unknown[];
  /** 0x-prefixed creation bytecode. */
  bytecode: string;
}

/** Compilation failed or the artifacts are stale. */
export class BuildContractsError extends Error {
  /** Creates a BuildContractsError. */
  constructor(message: string) {
    super(message);
    this.name = "BuildContractsError";
  }
}

interface SolcMessage {
  severity: "error" | "warning" | "info";
  formattedMessage: string;
}

interface SolcOutput {
  errors?: SolcMessage[];
  contracts?: Record<
    string,
    Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>
  >;
}

/** Read every `.sol` file of the contracts folder, keyed by file name, in sorted order. */
function readSources(): Record<string, { content: string }> {
  const names = [...Deno.readDirSync(CONTRACTS_DIR)]
    .filter((e) => e.isFile && e.name.endsWith(".sol"))
    .map((e) => e.name)
    .sort();
  const sources: Record<string, { content: string }> = {};
  for (const name of names) {
    sources[name] = { content: Deno.readTextFileSync(new URL(name, CONTRACTS_DIR)) };
  }
  return sources;
}

function findImport(path: string): { contents: string } | { error: string } {
  if (!path.startsWith("@openzeppelin/contracts/") || path.includes("..")) {
    return { error: `import ${path} is outside @openzeppelin/contracts` };
  }
  try {
    return { contents: Deno.readTextFileSync(new URL(path, NODE_MODULES)) };
  } catch (err) {
    return { error: `cannot read node_modules/${path}: ${String(err)}` };
  }
}

/**
 * Compile the contracts folder and return the artifacts of {@link ARTIFACT_CONTRACTS}.
 *
 * @example
 * ```ts
 * const artifacts = compileContracts();
 * console.log(artifacts.map((a) => a.contractName));
 * ```
 */
export function compileContracts(): ContractArtifact[] {
  const compilerVersion = solc.version();
  if (!compilerVersion.startsWith(`${SOLC_VERSION}+`)) {
    throw new BuildContractsError(
      `solc-js reports version ${compilerVersion}, expected ${SOLC_VERSION}; run deno install`,
    );
  }
  const input = {
    language: "Solidity",
    sources: readSources(),
    settings: {
      evmVersion: "london",
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(
    solc.compile(JSON.stringify(input), { import: findImport }),
  ) as SolcOutput;

  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) {
    throw new BuildContractsError(
      `solc ${SOLC_VERSION} failed:\n${errors.map((e) => e.formattedMessage).join("\n")}`,
    );
  }
  for (const warning of (output.errors ?? []).filter((e) => e.severity === "warning")) {
    console.error(warning.formattedMessage);
  }

  const byName = new Map<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>();
  for (const file of Object.keys(output.contracts ?? {})) {
    if (file.startsWith("@openzeppelin/")) continue;
    for (const [name, contract] of Object.entries(output.contracts![file])) {
      byName.set(name, contract);
    }
  }
  return ARTIFACT_CONTRACTS.map((name) => {
    const contract = byName.get(name);
    if (!contract) throw new BuildContractsError(`solc produced no contract named ${name}`);
    return { contractName: name, abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
  });
}

/** Recursively sort object keys so the JSON text does not depend on insertion order. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, sortKeys(obj[k])]));
  }
  return value;
}

/** The exact file text of an artifact: pretty JSON, fixed top-level order, sorted inner keys. */
export function artifactText(artifact: ContractArtifact): string {
  const ordered = {
    contractName: artifact.contractName,
    abi: sortKeys(artifact.abi),
    bytecode: artifact.bytecode,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

function readOrNull(url: URL): string | null {
  try {
    return Deno.readTextFileSync(url);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/** Names of artifact files that differ from a fresh build (missing, changed or unexpected). */
export function staleArtifacts(artifacts: ContractArtifact[]): string[] {
  const stale: string[] = [];
  const expected = new Set(artifacts.map((a) => `${a.contractName}.json`));
  for (const artifact of artifacts) {
    const file = `${artifact.contractName}.json`;
    const committed = readOrNull(new URL(file, ARTIFACTS_DIR));
    if (committed === null) stale.push(`${file} (missing)`);
    else if (committed !== artifactText(artifact)) stale.push(`${file} (differs)`);
  }
  let entries: Deno.DirEntry[] = [];
  try {
    entries = [...Deno.readDirSync(ARTIFACTS_DIR)];
  } catch {
    // no folder yet: every artifact is already reported missing
  }
  for (const e of entries) {
    if (e.isFile && e.name.endsWith(".json") && !expected.has(e.name)) {
      stale.push(`${e.name} (no such contract)`);
    }
  }
  return stale.sort();
}

function writeArtifacts(artifacts: ContractArtifact[]): void {
  Deno.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  for (const artifact of artifacts) {
    Deno.writeTextFileSync(
      new URL(`${artifact.contractName}.json`, ARTIFACTS_DIR),
      artifactText(artifact),
    );
  }
}

if (import.meta.main) {
  const check = Deno.args.includes("--check");
  const unknown = Deno.args.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    console.error(`build_contracts: unknown argument(s) ${unknown.join(" ")}; usage: [--check]`);
    Deno.exit(2);
  }
  try {
    const artifacts = compileContracts();
    if (check) {
      const stale = staleArtifacts(artifacts);
      if (stale.length > 0) {
        console.error(
          "build_contracts: committed artifacts do not match the sources in " +
            "scripts/devnet/contracts/:\n" + stale.map((s) => `  ${s}`).join("\n") +
            "\nfix: deno task build:contracts, then commit scripts/devnet/artifacts/",
        );
        Deno.exit(1);
      }
      console.log(`build_contracts: ${artifacts.length} artifacts up to date`);
    } else {
      writeArtifacts(artifacts);
      console.log(
        `build_contracts: wrote ${artifacts.length} artifacts to scripts/devnet/artifacts/`,
      );
    }
  } catch (err) {
    console.error(err instanceof BuildContractsError ? err.message : err);
    Deno.exit(1);
  }
}
