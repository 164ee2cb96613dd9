#!/bin/sh
# Builds build/pocketsphinx-decoder (at the repo root) from decoder.c.
# Idempotent: does nothing when the binary is newer than this script and the source.
# Needs gcc, pkg-config and the Debian packages libpocketsphinx-dev, libsphinxbase-dev,
# pocketsphinx-en-us (scripts/setup.sh installs them and calls this script).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
src="$here/decoder.c"
out="$root/build/pocketsphinx-decoder"

if [ -x "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ]; then
  exit 0
fi

if ! pkg-config --exists pocketsphinx; then
  echo "build.sh: pkg-config cannot find pocketsphinx; install libpocketsphinx-dev libsphinxbase-dev" >&2
  exit 1
fi

mkdir -p "$root/build"
# Build to a temp name and rename, so a half-written binary is never picked up.
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
# shellcheck disable=SC2046 # pkg-config output must word-split into flags
gcc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror \
  -o "$tmp" "$src" $(pkg-config --cflags --libs pocketsphinx) -lm
mv -f "$tmp" "$out"
echo "built $out"
