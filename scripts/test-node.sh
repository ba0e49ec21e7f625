#!/usr/bin/env bash
# The CLI's end-to-end tests on another Node.js version than the machine's: rehearse, soak and
# verify, check and diff, compare, the report in Chromium. vitest itself runs under that Node, so
# every CLI it spawns does too (test/support/run-cli.ts spawns process.execPath). The Node
# binaries come from scripts/node.sh (cached outside the repository). Extra arguments go to vitest.
#
#   bash scripts/test-node.sh 24 [--reporter=json --outputFile.json=FILE ...]
#
# Needs what the README's test command needs (scripts/test-deps.sh, npm install).
set -euo pipefail
cd "$(dirname "$0")/.."
E2E=(
  test/integration/rehearse.test.ts
  test/integration/soak-cli.test.ts
  test/integration/cli.test.ts
  test/integration/compare.test.ts
  test/integration/report-browser.test.ts
)
node_bin="$(bash scripts/node.sh "${1:?usage: scripts/test-node.sh 22|24 [vitest options]}")"
shift
echo "test-node: the CLI's end-to-end tests on Node $("$node_bin" --version) ($node_bin)"
exec "$node_bin" node_modules/vitest/vitest.mjs run "${E2E[@]}" "$@"
