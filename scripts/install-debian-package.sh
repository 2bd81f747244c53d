#!/usr/bin/env bash
# Install a Debian package that some tests need, when its program is missing; idempotent (returns at
# once when the program is there). Without apt-get or root it says so and exits 0: those tests are
# then skipped, and fail under CI=true. scripts/install-browser.sh and install-pgbouncer.sh call it.
#
#   install-debian-package.sh PACKAGE PROGRAM TESTS
#     PACKAGE  the Debian package (chromium, pgbouncer)
#     PROGRAM  where its program must end up (the tests read the same path)
#     TESTS    which tests need it, for the messages
set -euo pipefail

PACKAGE=$1 PROGRAM=$2 TESTS=$3
if [ -x "$PROGRAM" ]; then
    exit 0
fi

warn() { echo "install $PACKAGE: $*; $TESTS will be skipped (and fail under CI=true)." >&2; }

if ! command -v apt-get >/dev/null 2>&1; then
    warn "no apt-get here: install $PACKAGE yourself and point the tests at it"
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    warn "installing $PACKAGE needs root: run 'sudo apt-get install $PACKAGE'"
    exit 0
fi

echo "install $PACKAGE: installing it from the Debian packages..."
"${SUDO[@]}" apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q "$PACKAGE" >/dev/null
if [ ! -x "$PROGRAM" ]; then
    echo "install $PACKAGE: it is installed, but its program is not at $PROGRAM" >&2
    exit 1
fi
"$PROGRAM" --version 2>/dev/null
