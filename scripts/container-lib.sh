# Sourced by scripts/container-*.sh: podman as these machines need it (../shared field notes):
# runc (crun refuses hybrid cgroups) and no default ulimits (crun/runc fail on setrlimit).
# Our own containers.conf in .cache, so nothing in /etc is changed.

PARLEY_BASE_IMAGE=${PARLEY_BASE_IMAGE:-localhost/parley-base:bookworm-node24}
PARLEY_IMAGE=${PARLEY_IMAGE:-localhost/parley-app:test}

container_sudo=""
(( $(id -u) == 0 )) || container_sudo="sudo"

container_require_podman() {
  local tool missing=()
  for tool in podman runc debootstrap; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if (( ${#missing[@]} > 0 )); then
    echo "container: ${missing[*]} not installed; run scripts/setup.sh --test (it installs podman buildah runc debootstrap)" >&2
    return 1
  fi
  mkdir -p .cache/containers
  cat > .cache/containers/containers.conf <<'EOF'
[containers]
default_ulimits = []

[engine]
runtime = "runc"
EOF
  export CONTAINERS_CONF=$PWD/.cache/containers/containers.conf
  if ! pod info >/dev/null 2>.cache/containers/podman-info.err; then
    echo "container: podman cannot run on this machine:" >&2
    cat .cache/containers/podman-info.err >&2
    return 1
  fi
}

pod() {
  $container_sudo env CONTAINERS_CONF="$CONTAINERS_CONF" podman --runtime runc "$@"
}
