#!/usr/bin/env bash
# Builds the production app (Next + the bundled server) unless it is newer than every source.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -f dist/server.mjs && -f .next/BUILD_ID ]] &&
  [[ -z $(find app server lib drizzle public next.config.ts postcss.config.mjs package-lock.json tsconfig.json \
      -newer dist/server.mjs -not -name '*.test.ts' -print -quit 2>/dev/null) ]]; then
  exit 0
fi
echo "Building Parley (next build + server bundle)"
npm run build --silent
