#!/usr/bin/env bash
# Install PgBouncer, which the tests put in front of PostgreSQL (tests/support/pgbouncer.py), from
# Debian's package. Idempotent: when pgbouncer is already there it returns at once. Where services start
# on install (systemd), the package also starts its own pgbouncer on 127.0.0.1:6432 with no database
# configured; the tests never use it: they start theirs on free ports.
#
#   PGBOUNCER=/path/to/pgbouncer  use another binary (the tests read the same variable)
set -euo pipefail
exec bash "$(dirname "$0")/install-debian-package.sh" pgbouncer "${PGBOUNCER:-/usr/sbin/pgbouncer}" \
    "the PgBouncer tests"
