#!/usr/bin/env bash
# Makes the local base image the container test builds on, where no image registry is
# reachable: Debian bookworm from Debian's own packages (debootstrap minbase, from the mirror
# this machine's apt sources name), slimmed as Debian's -slim images are, with Node 24 from the
# npm registry in /usr/local as the official node image has it (less its C headers), and this machine's CA bundle
# trusted by npm and Node (an intercepting proxy here would otherwise fail npm ci).
# Does nothing when the image exists (set PARLEY_BASE_REBUILD=1 to make it again).
#   scripts/container-base.sh        prints the image name
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/container-lib.sh
container_require_podman

if [[ -z ${PARLEY_BASE_REBUILD:-} ]] && pod image exists "$PARLEY_BASE_IMAGE"; then
  echo "$PARLEY_BASE_IMAGE"
  exit 0
fi

# The first bookworm mirror in the apt sources (one-line or deb822 format).
mirror=$(
  { grep -hsE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | grep -v security | awk '{for (i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}'
    grep -hsiE '^\s*URIs:' /etc/apt/sources.list.d/*.sources | grep -v security | awk '{print $2}'
  } | head -n1
)
mirror=${mirror:-http://deb.debian.org/debian}

node_bin=$(bash scripts/node24.sh)
node_dir=$(dirname "$node_bin")
started=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/parley-base.XXXXXX")
trap '$container_sudo rm -rf "$work"' EXIT
root=$work/rootfs

echo "container-base: debootstrap minbase bookworm from $mirror" >&2
$container_sudo debootstrap --variant=minbase bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  echo "container-base: debootstrap failed (log above)" >&2
  exit 1
}

$container_sudo bash -euo pipefail -s "$root" "$mirror" "$node_dir" <<'EOF'
root=$1 mirror=$2 node_dir=$3
# Apt sources as on Debian's images: the release, its updates and security.
security=$({ grep -hsoE 'https?://[^ ]*debian-security[^ ]*' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources || true; } | head -n1)
{
  echo "deb $mirror bookworm main"
  echo "deb $mirror bookworm-updates main"
  echo "deb ${security:-http://deb.debian.org/debian-security} bookworm-security main"
} > "$root/etc/apt/sources.list"
# Slim as debian:bookworm-slim: no docs, man pages or locales, now or from later installs.
cat > "$root/etc/dpkg/dpkg.cfg.d/docker" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
CFG
cat > "$root/etc/apt/apt.conf.d/docker-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
CFG
echo 'APT::Install-Recommends "false";' > "$root/etc/apt/apt.conf.d/docker-no-recommends"
find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
  "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* "$root"/var/log/*.log

# This machine's CA bundle, under its own name so a later ca-certificates install keeps it.
install -D -m 644 /etc/ssl/certs/ca-certificates.crt "$root/usr/local/share/parley/host-ca.crt"
[[ -e $root/etc/ssl/certs/ca-certificates.crt ]] || install -D -m 644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"

# Node 24, without its headers (67 MB): the Dockerfile's build stage fetches them when absent.
install -D -m 755 "$node_dir/bin/node" "$root/usr/local/bin/node"
EOF

# npm, as the official image has it: the registry's npm package in /usr/local/lib/node_modules.
npm_tarball=$(cd "$work" && npm pack --silent npm@11 2>/dev/null | tail -n1)
$container_sudo bash -euo pipefail -s "$root" "$work/$npm_tarball" <<'EOF'
root=$1 tarball=$2
mkdir -p "$root/usr/local/lib/node_modules/npm"
tar -xzf "$tarball" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
mkdir -p "$root/usr/local/etc"
printf 'cafile=/usr/local/share/parley/host-ca.crt\nupdate-notifier=false\nfund=false\naudit=false\n' > "$root/usr/local/etc/npmrc"
EOF

$container_sudo tar -C "$root" -c . | pod import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/parley/host-ca.crt' \
  --change 'CMD ["node"]' \
  - "$PARLEY_BASE_IMAGE" >/dev/null
pod run --rm "$PARLEY_BASE_IMAGE" sh -c 'node --version && npm --version' >&2
echo "container-base: made $PARLEY_BASE_IMAGE in $((SECONDS - started)) s, $(pod image inspect --format '{{.Size}}' "$PARLEY_BASE_IMAGE") bytes" >&2
echo "$PARLEY_BASE_IMAGE"
