#!/usr/bin/env bash
# Runs the unit suite again under Node 24, the current LTS, installed from the npm registry into
# .cache/node24 (scripts/node24.sh; kept between runs). The integration suite's PostgreSQL pass
# runs under Node 24 too (scripts/test.sh; its server is spawned with process.execPath).
#   scripts/node24-test.sh [REPORT_DIR]   writes unit-node24.json there
set -uo pipefail
cd "$(dirname "$0")/.."
reports=${1:-.test-reports}
mkdir -p "$reports"
bin=$(bash scripts/node24.sh) || { echo "node24-test: could not install Node 24 from the npm registry" >&2; exit 1; }
export PATH=$bin:$PATH
echo "node24-test: $(node --version) from $bin"
[[ $(node -p 'process.versions.node.split(".")[0]') == 24 ]] || { echo "node24-test: node on PATH is not 24" >&2; exit 1; }
failed=0
node node_modules/vitest/vitest.mjs run --project unit --reporter=default --reporter=json --outputFile="$reports/unit-node24.json" || failed=1
exit $failed
