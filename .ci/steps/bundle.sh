#!/usr/bin/env bash
# Builds the single-file bundle (dist/tern.js) and runs it: --help, `init` (small scrypt cost)
# to create a keystore, and `config check` on the sample configuration next to that keystore.
set -euo pipefail
cd "$(dirname "$0")/../.."
deno task bundle >/dev/null
tern() { deno run -A --unstable-kv dist/tern.js "$@"; }
tern --help | grep -q "^Usage: tern"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
TERN_KEYSTORE_PASSWORD="bundle-check" tern init --config "$work/template.toml" \
  --keystore "$work/keystore.json" --scrypt-n 1024 >/dev/null
cp docs/examples/sample.toml "$work/sample.toml"
tern config check "$work/sample.toml"
# A malformed file must be refused with exit code 2.
printf '[agent\n' >"$work/bad.toml"
set +e
tern config check "$work/bad.toml" >/dev/null 2>&1
code=$?
set -e
[ "$code" = 2 ] || { echo "bundle: config check of a malformed file exited $code, not 2"; exit 1; }
echo "bundle: dist/tern.js OK ($(wc -c <dist/tern.js) bytes)"
