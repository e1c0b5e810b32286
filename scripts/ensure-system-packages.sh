#!/usr/bin/env bash
# nginx (the gateway) comes from Debian's packages; install it when missing and we may.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[setup] installing nginx from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
else
  echo "nginx is needed for the gateway: install it (sudo apt-get install nginx) and run again." >&2
  exit 1
fi
