#!/usr/bin/env bash
# Shared set-up for scripts/app.sh and scripts/test.sh: a virtual environment at .venv with the
# project's requirements. Idempotent: it reinstalls only when a requirements file changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating the virtual environment .venv" >&2
  "$PY" -m venv .venv
fi
want_dev=${1:-}
files="requirements.txt"
[ "$want_dev" = "dev" ] && files="requirements.txt requirements-dev.txt"
stamp=".venv/.installed-$(cat $files | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing $files into .venv (first time: a few minutes)" >&2
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  for f in $files; do .venv/bin/python -m pip install -q -r "$f"; done
  touch "$stamp"
fi
