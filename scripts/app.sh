#!/usr/bin/env bash
# Start DenseNet Explorer at http://localhost:8501 (creates .venv on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m streamlit run app.py --server.port "${PORT:-8501}" --server.headless true "$@"
