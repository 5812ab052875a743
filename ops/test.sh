#!/usr/bin/env bash
# `make test`: start the services that are not running yet, run the suite, then stop exactly
# the services this script started (a running `make run` is used and left alone).
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
started=()
for svc in neo4j redis; do
  if ! ops/services.sh status "$svc" | grep -q running; then
    if [[ "$svc" == neo4j && -n "${NEO4J_URI:-}" ]] || [[ "$svc" == redis && -n "${REDIS_URL:-}" ]]; then
      continue
    fi
    started+=("$svc")
  fi
done
cleanup() {
  local rc=$?
  if ((${#started[@]})); then ops/services.sh stop "${started[@]}"; fi
  exit "$rc"
}
trap cleanup EXIT
if ((${#started[@]})); then ops/services.sh start "${started[@]}" || exit 1; fi
.venv/bin/flask --app wsgi graph init || exit 1
.venv/bin/ruff check . || exit 1
.venv/bin/ruff format --check . || exit 1
.venv/bin/mypy silver graph screening api web || exit 1
.venv/bin/pytest "$@"
