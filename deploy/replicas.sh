#!/usr/bin/env bash
# Serve DenseNet Explorer as N replicas behind nginx on this machine:
#   bash deploy/replicas.sh [N=2] [PORT=8080]
# Replicas listen on 127.0.0.1:$((PORT+1)) ... $((PORT+N)), nginx on 0.0.0.0:PORT (LISTEN overrides, e.g.
# LISTEN=127.0.0.1:8080). Each replica gets THREADS torch threads (default: cores / N, at least 1).
# Installs nothing but Debian's nginx when it is missing (needs root or sudo). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-2}"
PORT="${2:-8080}"
LISTEN="${LISTEN:-$PORT}"
THREADS="${THREADS:-$(( $(nproc) / N > 0 ? $(nproc) / N : 1 ))}"
bash scripts/setup.sh
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "replicas: installing Debian's nginx" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q nginx >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
PREFIX="$(mktemp -d "${TMPDIR:-/tmp}/densenet-nginx.XXXXXX")"
PIDS=()
stop() {
  [ -f "$PREFIX/nginx.pid" ] && kill "$(cat "$PREFIX/nginx.pid")" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 0' INT TERM  # then the EXIT trap stops everything
SERVERS=""
for i in $(seq 1 "$N"); do
  p=$((PORT + i))
  OMP_NUM_THREADS="$THREADS" .venv/bin/python -m streamlit run app.py --server.headless true \
      --server.address 127.0.0.1 --server.port "$p" --server.fileWatcherType none \
      --browser.gatherUsageStats false >"$PREFIX/replica-$p.log" 2>&1 &
  PIDS+=("$!")
  echo "$!" >"$PREFIX/replica-$p.pid"
  SERVERS+="        server 127.0.0.1:$p max_fails=1 fail_timeout=10s;"$'\n'
done
# Started by root, nginx's workers run as www-data: give them the folder. Otherwise they run as the caller.
USER_LINE=""
if [ "$(id -u)" = 0 ]; then
  USER_LINE="user www-data;"
  mkdir -p "$PREFIX/cache" "$PREFIX/body" "$PREFIX/proxy"
  chmod 755 "$PREFIX" && chown -R www-data "$PREFIX/cache" "$PREFIX/body" "$PREFIX/proxy"
fi
sed -e "s#@USER@#$USER_LINE#" -e "s#@PREFIX@#$PREFIX#g" -e "s#@LISTEN@#$LISTEN#g" deploy/nginx.conf.template \
  | awk -v servers="$SERVERS" '{ if ($0 == "@SERVERS@") printf "%s", servers; else print }' >"$PREFIX/nginx.conf"
for i in $(seq 1 "$N"); do
  p=$((PORT + i))
  until curl -fs "http://127.0.0.1:$p/_stcore/health" >/dev/null 2>&1; do
    kill -0 "${PIDS[$((i - 1))]}" 2>/dev/null || { echo "replica on port $p exited; log:" >&2; tail -20 "$PREFIX/replica-$p.log" >&2; exit 1; }
    sleep 0.5
  done
done
"$NGINX" -p "$PREFIX" -c "$PREFIX/nginx.conf" -e "$PREFIX/error.log"
echo "replicas: $N replicas on ports $((PORT + 1))-$((PORT + N)), nginx on $LISTEN; logs in $PREFIX" >&2
echo "READY $PREFIX"
for pid in "${PIDS[@]}"; do wait "$pid" || true; done  # a replica that dies leaves the others serving
