#!/usr/bin/env bash
# npm run bench [-- turns]: builds if stale, then the voice benchmark (turns spoken over /ws,
# default 20), the history one (scripts/bench-history.ts), the models one (scripts/bench-models.ts),
# the recordings one (scripts/bench-recordings.ts), the load one (scripts/bench-load.ts: 1, 4, 6,
# 8 and 16 people speaking at once; `npm run bench:load` for other levels, up to 32) and the
# socket fuzz run (scripts/fuzz-socket.ts: fails the bench on a crash, an unhandled error or an
# answer outside the contract). The 10-minute soak is separate: npm run soak.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-if-stale.sh
npx tsx scripts/bench-voice.ts "$@"
npx tsx scripts/bench-history.ts
npx tsx scripts/bench-models.ts
npx tsx scripts/bench-recordings.ts
npx tsx scripts/bench-load.ts 1,4,6,8,16 3
npx tsx scripts/fuzz-socket.ts
