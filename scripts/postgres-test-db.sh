#!/usr/bin/env bash
# Starts the local Debian PostgreSQL cluster if needed and makes a fresh, empty database for
# the test suite. Prints the URL to use as PARLEY_TEST_DATABASE_URL.
set -euo pipefail
as_postgres() {
  if (( $(id -u) == 0 )); then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
  as_postgres pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  # pg_ctlcluster talks on stdout ("Removed stale pid file."): keep stdout for the URL alone.
  if (( $(id -u) == 0 )); then pg_ctlcluster "$version" main start >&2; else sudo pg_ctlcluster "$version" main start >&2; fi
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $3 }')
as_postgres psql -q -p "$port" -v ON_ERROR_STOP=1 >/dev/null <<SQL
SET client_min_messages = warning;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'parley_test') THEN
    CREATE ROLE parley_test LOGIN PASSWORD 'parley_test';
  END IF;
END \$\$;
DROP DATABASE IF EXISTS parley_test WITH (FORCE);
CREATE DATABASE parley_test OWNER parley_test;
SQL
echo "postgres://parley_test:parley_test@127.0.0.1:${port}/parley_test"
