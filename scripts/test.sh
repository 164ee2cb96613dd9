#!/usr/bin/env bash
# Sets up and runs every test: type check, unit tests, integration tests against the real
# server on PGlite and again on PostgreSQL (that pass under Node 24), browser e2e in Debian's
# Chromium, the unit tests again under Node 24, and the container image built, run and spoken
# to (podman).
# Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

bash scripts/setup.sh --test || { echo "0 passed, 1 failed"; exit 1; }
bash scripts/build-if-stale.sh || { echo "0 passed, 1 failed"; exit 1; }

reports=.test-reports
rm -rf "$reports" && mkdir -p "$reports"
failed_steps=0
step() {
  local name=$1; shift
  echo; echo "━━ $name"
  "$@" || failed_steps=$((failed_steps + 1))
}

step "type check" npx tsc --noEmit
[[ $failed_steps -gt 0 ]] && echo "type check failed" > "$reports/typecheck.failed"
step "unit tests" npx vitest run --project unit --reporter=default --reporter=json --outputFile="$reports/unit.json"
step "integration tests on PGlite" npx vitest run --project integration --reporter=default --reporter=json --outputFile="$reports/integration-pglite.json"
# The PostgreSQL pass runs on Node 24, the current LTS (from the npm registry, scripts/node24.sh):
# both suites then run on both Node versions without a third integration pass.
if database_url=$(bash scripts/postgres-test-db.sh) && node24=$(bash scripts/node24.sh); then
  PARLEY_TEST_DATABASE_URL=$database_url PATH=$node24:$PATH step "integration tests on PostgreSQL, under Node 24" \
    node node_modules/vitest/vitest.mjs run --project integration --reporter=default --reporter=json --outputFile="$reports/integration-postgres.json"
else
  echo "could not start PostgreSQL or install Node 24" > "$reports/integration-postgres.failed"
fi
PLAYWRIGHT_JSON_OUTPUT_FILE="$reports/e2e.json" step "browser e2e (Chromium)" npx playwright test --reporter=list,json
step "unit tests under Node 24" bash scripts/node24-test.sh "$reports"
step "container: build with podman, run, sign up and a spoken turn through its port" bash scripts/container-test.sh "$reports/container.json"

node scripts/summarize-tests.mjs "$reports" unit.json integration-pglite.json integration-postgres.json e2e.json \
  unit-node24.json container.json
summary=$?
(( failed_steps == 0 && summary == 0 ))
