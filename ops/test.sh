#!/usr/bin/env bash
# `make test`: start the services that are not running yet, run the suite, then stop exactly
# the services this script started.
#
# The tests get a Neo4j and a Redis of their own (data, keys and pid files under var/test, ports
# 7697 and 6489), so running the suite never touches the data of `make run`, and a running
# `make run` never sees the tests' cases or jobs. NEO4J_URI / REDIS_URL, or SILVER_VAR_DIR and
# the SILVER_LOCAL_*_PORT variables, override that.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export SILVER_VAR_DIR="${SILVER_VAR_DIR:-$ROOT/var/test}"
export SILVER_LOCAL_NEO4J_PORT="${SILVER_LOCAL_NEO4J_PORT:-7697}"
export SILVER_LOCAL_REDIS_PORT="${SILVER_LOCAL_REDIS_PORT:-6489}"
# The tests' data is small: a small Neo4j leaves the machine to the rest.
export SILVER_NEO4J_HEAP="${SILVER_NEO4J_HEAP:-768m}"
export SILVER_NEO4J_PAGECACHE="${SILVER_NEO4J_PAGECACHE:-256m}"
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
.venv/bin/pytest "$@"
