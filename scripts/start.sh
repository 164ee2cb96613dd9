#!/usr/bin/env bash
# Sets up, builds and starts Parley on the embedded default (PGlite in ./data, offline
# speech engines): no configuration, no API key, no network. Then open http://localhost:3000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-if-stale.sh
exec npm start --silent
