#!/usr/bin/env bash
# Start DenseNet Explorer at http://localhost:8501 (creates .venv on first use).
#
# PORT: another port. DENSENET_VIZ_TLS_CERT and DENSENET_VIZ_TLS_KEY: a certificate and its key (PEM files,
# e.g. from scripts/make_cert.sh) to serve HTTPS instead, which phones need for the camera when they reach the
# app over the classroom network (docs/deploy.md). Extra arguments go to `streamlit run`.
set -euo pipefail
cd "$(dirname "$0")/.."
cert=${DENSENET_VIZ_TLS_CERT:-}
key=${DENSENET_VIZ_TLS_KEY:-}
tls=()
if [ -n "$cert$key" ]; then
  if [ ! -r "$cert" ] || [ ! -r "$key" ]; then
    echo "app.sh: DENSENET_VIZ_TLS_CERT and DENSENET_VIZ_TLS_KEY must both name readable PEM files" >&2
    exit 2
  fi
  tls=(--server.sslCertFile "$cert" --server.sslKeyFile "$key")
fi
bash scripts/setup.sh
# A served app needs no file watcher: it would also watch .venv (thousands of files) and burn CPU on it.
exec .venv/bin/python -m streamlit run app.py --server.port "${PORT:-8501}" --server.headless true \
    --server.fileWatcherType none "${tls[@]}" "$@"
