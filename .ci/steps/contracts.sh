#!/usr/bin/env bash
# Fails when scripts/devnet/artifacts/ is not what the Solidity sources compile to.
set -euo pipefail
cd "$(dirname "$0")/../.."
deno run -A scripts/build_contracts.ts --check
