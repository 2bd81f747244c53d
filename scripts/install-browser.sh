#!/usr/bin/env bash
# Install the headless Chromium that tests/browser drives (Debian's package; Playwright's own browser
# download is not used). Idempotent: when Chromium is already there it returns at once.
#
#   CHROMIUM=/path/to/chromium  use another binary (the browser tests read the same variable)
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
    exit 0
fi

warn() { echo "install-browser: $*; the browser tests will be skipped (and fail under CI=true)." >&2; }

if ! command -v apt-get >/dev/null 2>&1; then
    warn "no apt-get here: install Chromium yourself and set CHROMIUM=/path/to/it"
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    warn "installing Chromium needs root: run 'sudo apt-get install chromium'"
    exit 0
fi

echo "install-browser: installing chromium from the Debian packages..."
"${SUDO[@]}" apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q chromium >/dev/null
if [ ! -x "$CHROMIUM" ]; then
    echo "install-browser: chromium is installed, but not at $CHROMIUM (CHROMIUM=...)" >&2
    exit 1
fi
"$CHROMIUM" --version 2>/dev/null
