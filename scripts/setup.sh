#!/usr/bin/env bash
# Installs everything Parley needs on Debian/Ubuntu with Node 20: Debian packages, npm
# packages and the native speech helper. Idempotent and quick when everything is in place.
#   scripts/setup.sh          what running the app needs
#   scripts/setup.sh --test   plus what the tests and benchmarks need (Chromium, PostgreSQL, espeak-ng, ...)
set -euo pipefail
cd "$(dirname "$0")/.."

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if (( node_major < 20 )); then
  echo "Parley needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

# python3: node-gyp builds @discordjs/opus (libopus, for recordings) when no prebuilt binary can be fetched.
packages=(build-essential pkg-config python3 pocketsphinx pocketsphinx-en-us libpocketsphinx-dev libsphinxbase-dev)
if [[ ${1:-} == --test ]]; then
  # pocketsphinx-testdata: recorded human speech for the recognition benchmark (npm run eval:stt)
  packages+=(chromium postgresql espeak-ng fonts-dejavu-core pocketsphinx-testdata)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if (( ${#missing[@]} > 0 )); then
  sudo=""
  (( $(id -u) == 0 )) || sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}${sudo:+ (with sudo)}"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when the lock file changed since the last install.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f node_modules/.parley-lock-hash || $(cat node_modules/.parley-lock-hash) != "$lock_hash" ]]; then
  echo "Installing npm packages (npm ci)"
  # onnxruntime-node's CPU build ships in the package; without this its install script fetches
  # CUDA libraries from outside the npm registry (also in .npmrc, which npm 12 may stop passing on).
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.parley-lock-hash
fi

if [[ -f server/providers/stt/pocketsphinx/build.sh ]]; then
  bash server/providers/stt/pocketsphinx/build.sh
fi
