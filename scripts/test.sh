#!/usr/bin/env bash
# Runs every test suite: unit and integration tests of each component, then end-to-end through nginx.
# Uses DATABASE_URL / AMQP_URL when set; otherwise the local servers when they answer; otherwise the
# fixtures start testcontainers.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export PATH="/usr/sbin:$PWD/.venv/bin:$PATH"

if [ -z "${DATABASE_URL:-}" ] && $PY - <<'PY' 2>/dev/null; then
import psycopg; psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2).close()
PY
  export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres
fi
if [ -z "${AMQP_URL:-}" ] && $PY - <<'PY' 2>/dev/null; then
import pika; pika.BlockingConnection(pika.URLParameters("amqp://guest:guest@127.0.0.1:5672/%2F")).close()
PY
  export AMQP_URL=amqp://guest:guest@127.0.0.1:5672/%2F
fi

suites=(shared/tests deploy/tests deploy/stand-ins/*/tests deploy/nginx/tests services/accounts/tests services/registrations/tests
        services/inductions/tests services/trs-sync/tests services/lp-api/tests services/portal/tests tests-e2e tests-browser)
if [ "${1:-}" = "--suites" ]; then
  IFS=' ' read -r -a suites <<< "$2"
  shift 2
fi
failed=()
passed=0
failed_count=0
if [ "${SKIP_RUFF:-}" != 1 ]; then  # the lint rules in ruff.toml, in under a second
  echo "=== ruff (ruff.toml)"
  if ! $PY -m ruff check --output-format concise .; then
    failed+=(ruff); failed_count=$((failed_count + 1))
  fi
fi
for suite in "${suites[@]}"; do
  [ -d "$suite" ] || continue
  echo "=== $suite"
  out=$(mktemp)
  $PY -m pytest "$suite" -q -p no:cacheprovider "$@" 2>&1 | tee "$out"
  status=${PIPESTATUS[0]}
  line=$(grep -E "^[0-9]+ (passed|failed)|^=+ .*(passed|failed)" "$out" | tail -1)
  p=$(echo "$line" | grep -oE "[0-9]+ passed" | grep -oE "[0-9]+" || echo 0)
  f=$(echo "$line" | grep -oE "[0-9]+ failed" | grep -oE "[0-9]+" || echo 0)
  e=$(echo "$line" | grep -oE "[0-9]+ error" | grep -oE "[0-9]+" || echo 0)
  passed=$((passed + ${p:-0}))
  failed_count=$((failed_count + ${f:-0} + ${e:-0}))
  rm -f "$out"
  if [ "$status" != 0 ]; then
    failed+=("$suite")
    [ "${failed_count}" = 0 ] && failed_count=1
  fi
done
echo
echo "suites failed: ${failed[*]:-none}"
echo "${passed} passed, ${failed_count} failed"
[ ${#failed[@]} = 0 ]
