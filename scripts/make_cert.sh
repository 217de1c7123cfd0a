#!/usr/bin/env bash
# Make a self-signed TLS certificate, so that phones on a classroom network can reach the app over HTTPS
# (a browser lets a page use the camera only in a secure context: HTTPS, or localhost).
#
#   bash scripts/make_cert.sh [DIR] [ADDRESS ...]
#
# Writes DIR/cert.pem and DIR/key.pem (DIR defaults to .tls, which git ignores), valid for 825 days for
# each ADDRESS (IP addresses or host names; default: this machine's addresses from `hostname -I`), plus
# localhost and 127.0.0.1. Then start the app with them:
#
#   DENSENET_VIZ_TLS_CERT=.tls/cert.pem DENSENET_VIZ_TLS_KEY=.tls/key.pem bash scripts/app.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-.tls}
[ $# -gt 0 ] && shift
addresses=("$@")
if [ ${#addresses[@]} -eq 0 ]; then
  read -r -a addresses <<< "$(hostname -I 2>/dev/null || true)"
fi
san="DNS:localhost,IP:127.0.0.1"
for a in "${addresses[@]}"; do
  if [[ $a =~ ^[0-9.]+$ || $a == *:* ]]; then san+=",IP:$a"; else san+=",DNS:$a"; fi
done
mkdir -p "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 825 -subj "/CN=DenseNet Explorer (classroom)" \
  -addext "subjectAltName=$san" -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
chmod 600 "$dir/key.pem"
echo "wrote $dir/cert.pem and $dir/key.pem for $san"
