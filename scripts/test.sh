#!/usr/bin/env bash
# Run the whole test suite (creates .venv and installs test needs on first use).
# Also installs Debian's chromium, nginx and a Chinese font for the real-browser and replica tests, and
# postgresql for the class room store's tests (they start a throwaway server of their own), when missing
# (needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
MISSING=()
command -v chromium >/dev/null 2>&1 || MISSING+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || MISSING+=(nginx)
# A Chinese font, so that the browser tests lay out and measure real 中文 glyphs, not empty boxes.
[ -n "$(fc-list :lang=zh 2>/dev/null)" ] || MISSING+=(fonts-wqy-microhei)
# initdb and pg_ctl: Debian keeps them off PATH, under /usr/lib/postgresql/<version>/bin.
command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || MISSING+=(postgresql)
if [ "${#MISSING[@]}" -gt 0 ]; then
  echo "setup: installing Debian's ${MISSING[*]} for the browser, replica and database tests" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q "${MISSING[@]}" >/dev/null
fi
.venv/bin/python -m ruff check .
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
