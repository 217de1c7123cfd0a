#!/usr/bin/env bash
# Start DenseNet Explorer at http://localhost:8501 (creates .venv on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# A served app needs no file watcher: it would also watch .venv (thousands of files) and burn CPU on it.
exec .venv/bin/python -m streamlit run app.py --server.port "${PORT:-8501}" --server.headless true \
    --server.fileWatcherType none "$@"
