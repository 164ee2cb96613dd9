#!/usr/bin/env bash
# Builds the container image with podman on the local Debian base (scripts/container-base.sh,
# made once and kept), runs it with a data volume, and checks through its published port that
# it becomes ready, that a person can sign up and hold a spoken turn over /ws, that its
# HEALTHCHECK turns healthy and that it runs as a user other than root. Prints the image size.
# Fails loudly where podman cannot run: it never skips.
#   scripts/container-test.sh [REPORT.json]    REPORT: a vitest-style summary for scripts/summarize-tests.mjs
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/container-lib.sh

report=${1:-}
name=parley-ci-$$
volume=parley-ci-data-$$
started=$SECONDS
results=()
failures=0

check() {
  local title=$1; shift
  if "$@"; then
    results+=("{\"title\":$(node -p 'JSON.stringify(process.argv[1])' "$title"),\"status\":\"passed\"}")
    echo "  ✓ $title"
  else
    results+=("{\"title\":$(node -p 'JSON.stringify(process.argv[1])' "$title"),\"status\":\"failed\"}")
    echo "  ✗ $title" >&2
    failures=$((failures + 1))
  fi
}

write_report() {
  [[ -n $report ]] || return 0
  local passed=$(( ${#results[@]} - failures ))
  local list; list=$(IFS=,; echo "${results[*]}")
  printf '{"success":%s,"numPassedTests":%d,"numFailedTests":%d,"numPendingTests":0,"testResults":[{"name":"scripts/container-test.sh","status":"%s","assertionResults":[%s]}]}\n' \
    "$([[ $failures == 0 ]] && echo true || echo false)" "$passed" "$failures" \
    "$([[ $failures == 0 ]] && echo passed || echo failed)" "$list" > "$report"
}

cleanup() {
  pod rm -f "$name" >/dev/null 2>&1 || true
  pod volume rm -f "$volume" >/dev/null 2>&1 || true
}
trap 'cleanup; write_report' EXIT

fail_setup() {
  check "$1" false
  echo "container-test: $1" >&2
  exit 1
}

container_require_podman || fail_setup "podman runs on this machine"

step_started=$SECONDS
base=$(bash scripts/container-base.sh) || fail_setup "the local base image is made"
echo "container-test: base $base ready in $((SECONDS - step_started)) s"

step_started=$SECONDS
# docker format: the OCI image format has no HEALTHCHECK. The layers stay cached between runs.
if ! pod build --format docker --network host --build-arg "BASE_IMAGE=$base" -t "$PARLEY_IMAGE" . > .cache/containers/build.log 2>&1; then
  tail -n 40 .cache/containers/build.log >&2
  fail_setup "the image builds (log above, all of it in .cache/containers/build.log)"
fi
build_seconds=$((SECONDS - step_started))
size=$(pod image inspect --format '{{.Size}}' "$PARLEY_IMAGE")
echo "container-test: built $PARLEY_IMAGE in $build_seconds s; size $size bytes ($((size / 1000000)) MB)"
check "the image is at most 600 MB (it is $((size / 1000000)) MB)" test "$size" -le 600000000

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
url=http://localhost:$port
step_started=$SECONDS
pod volume create "$volume" >/dev/null
if ! pod run -d --name "$name" -p "127.0.0.1:$port:3000" -v "$volume:/data" \
    -e "PUBLIC_URL=$url" --health-interval disable "$PARLEY_IMAGE" >/dev/null; then
  fail_setup "the container starts"
fi

ready() {
  local deadline=$((SECONDS + 120))
  while (( SECONDS < deadline )); do
    [[ $(pod inspect --format '{{.State.Running}}' "$name" 2>/dev/null) == true ]] || return 1
    node -e 'fetch(process.argv[1]).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))' "$url/readyz" && return 0
    sleep 1
  done
  return 1
}
if ! ready; then
  pod logs --tail 40 "$name" >&2
  fail_setup "the container answers /readyz with 200 through its port (its log above)"
fi
check "the container answers /readyz with 200 through its port (in $((SECONDS - step_started)) s)" true

smoke() {
  local out
  out=$(npx tsx scripts/container/smoke.ts "$url") || { echo "$out" >&2; pod logs --tail 40 "$name" >&2; return 1; }
  echo "  $out"
}
check "a person signs up and holds a spoken turn over /ws through the port" smoke

healthy() {
  local deadline=$((SECONDS + 60)) status
  while (( SECONDS < deadline )); do
    # The image's HEALTHCHECK, run when asked: podman's timers need systemd, absent here.
    pod healthcheck run "$name" >/dev/null 2>&1
    status=$(pod inspect --format '{{.State.Health.Status}}' "$name" 2>/dev/null)
    [[ $status == healthy ]] && return 0
    sleep 1
  done
  echo "    health status: ${status:-none}" >&2
  return 1
}
check "the HEALTHCHECK turns healthy" healthy

not_root() {
  local uid
  uid=$(pod exec "$name" sh -c 'stat -c %u /proc/1') || return 1
  echo "    the server runs as uid $uid"
  [[ $uid != 0 ]]
}
check "the server process runs as a user other than root" not_root

data_on_volume() {
  pod exec "$name" sh -c 'test -d /data/pglite && touch /data/.probe && rm /data/.probe'
}
check "the database is on the data volume, writable by the server" data_on_volume

echo "container-test: ${#results[@]} checks, $failures failed, $((SECONDS - started)) s in all (build $build_seconds s)"
(( failures == 0 ))
