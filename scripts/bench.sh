#!/usr/bin/env bash
# npm run bench [-- turns]: builds if stale, then the voice benchmark (turns spoken over /ws,
# default 20), then the history one (scripts/bench-history.ts), then the models one (scripts/bench-models.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-if-stale.sh
npx tsx scripts/bench-voice.ts "$@"
npx tsx scripts/bench-history.ts
npx tsx scripts/bench-models.ts
