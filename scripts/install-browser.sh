#!/usr/bin/env bash
# Install the headless Chromium that tests/browser drives (Debian's package; Playwright's own browser
# download is not used). Idempotent: when Chromium is already there it returns at once.
#
#   CHROMIUM=/path/to/chromium  use another binary (the browser tests read the same variable)
set -euo pipefail
exec bash "$(dirname "$0")/install-debian-package.sh" chromium "${CHROMIUM:-/usr/bin/chromium}" "the browser tests"
