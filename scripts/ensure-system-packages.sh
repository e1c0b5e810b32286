#!/usr/bin/env bash
# What the local run and the tests need from Debian's packages: nginx (the gateway) and Chromium (the browser
# tests drive Debian's chromium with Playwright, which cannot download its own browser here). Installed when
# missing and we may.
set -euo pipefail
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
if [ "${1:-}" = "--browser" ]; then
  command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
fi
[ ${#need[@]} = 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[setup] installing ${need[*]} from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "${need[*]} needed: install it (sudo apt-get install ${need[*]}) and run again." >&2
  exit 1
fi
