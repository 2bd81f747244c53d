#!/usr/bin/env bash
# Install PgBouncer, which the tests put in front of PostgreSQL (tests/support/pgbouncer.py), from
# Debian's package. Idempotent: when pgbouncer is already there it returns at once.
#
#   PGBOUNCER=/path/to/pgbouncer  use another binary (the tests read the same variable)
set -euo pipefail

PGBOUNCER="${PGBOUNCER:-/usr/sbin/pgbouncer}"
if [ -x "$PGBOUNCER" ]; then
    exit 0
fi

warn() { echo "install-pgbouncer: $*; the PgBouncer tests will be skipped (and fail under CI=true)." >&2; }

if ! command -v apt-get >/dev/null 2>&1; then
    warn "no apt-get here: install PgBouncer yourself and set PGBOUNCER=/path/to/it"
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    warn "installing PgBouncer needs root: run 'sudo apt-get install pgbouncer'"
    exit 0
fi

echo "install-pgbouncer: installing pgbouncer from the Debian packages..."
"${SUDO[@]}" apt-get update -q >/dev/null
# Where services start on install (systemd), the package also starts its own pgbouncer on
# 127.0.0.1:6432 with no database configured; the tests never use it: they start theirs on free ports.
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q pgbouncer >/dev/null
if [ ! -x "$PGBOUNCER" ]; then
    echo "install-pgbouncer: pgbouncer is installed, but not at $PGBOUNCER (PGBOUNCER=...)" >&2
    exit 1
fi
"$PGBOUNCER" --version
