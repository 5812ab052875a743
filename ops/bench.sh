#!/usr/bin/env bash
# `make bench`: every benchmark in bench/ at a small scale, one after the other, each printing
# its figures and its ratio to the baseline it measures in the same run; then the time each took.
#
# Like `make test` (ops/test.sh), the benchmarks get a Neo4j and a Redis of their own (data,
# keys and pid files under var/bench, ports 7698 and 6490), started when they are not running
# and stopped again at the end, so the benchmarks' cases never mix with those of `make run`.
# NEO4J_URI / REDIS_URL, or SILVER_VAR_DIR and the SILVER_LOCAL_*_PORT variables, override that.
#
# The small-scale arguments of each benchmark are in SMALL below. A benchmark added to bench/
# without an entry there runs with its own defaults (and a note says so): give it one.
# `ops/bench.sh NAME...` runs only those (e.g. `ops/bench.sh stats screening`).
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export SILVER_VAR_DIR="${SILVER_VAR_DIR:-$ROOT/var/bench}"
export SILVER_LOCAL_NEO4J_PORT="${SILVER_LOCAL_NEO4J_PORT:-7698}"
export SILVER_LOCAL_REDIS_PORT="${SILVER_LOCAL_REDIS_PORT:-6490}"
export SILVER_NEO4J_HEAP="${SILVER_NEO4J_HEAP:-768m}"
export SILVER_NEO4J_PAGECACHE="${SILVER_NEO4J_PAGECACHE:-256m}"
PY=.venv/bin/python

# The order they run in: reference.py keeps its dataset (--keep) for trace.py, which needs it;
# the dataset is deleted after trace.py.
ORDER=(screening stats intake dissemination reference trace write_profile profile_read load fuzz)
declare -A SMALL=(
  [screening]="--reps 100 --warmup 10 --seed 1"
  [stats]="--cases 500 --outcomes 5000 --repeat 3 --seed 1"
  [intake]="--cases 40 --concurrency 4 --warmup 3 --seed 1"
  [dissemination]="--cases 10 --countries 3 --seed 1"
  [reference]="--scale 0.002 --keep --seed 1"
  [trace]="--traces 10 --depth 6 --seed 1"
  [write_profile]="--cases 20 --seed 1"
  [profile_read]="--reps 30 --top 15"
  [load]="--duration 5 --users 8 --cases 6 --seed 1"
  [fuzz]="--requests 100 --examples 1 --scenarios 2 --steps 4 --seed 1"
)
# Modules of bench/ that are not benchmarks: the shared helpers and the locust user classes
# that load.py runs.
NOT_BENCHMARKS=(support locustfile)

names=("$@")
if ((${#names[@]} == 0)); then
  names=("${ORDER[@]}")
  for file in bench/*.py; do
    name="$(basename "$file" .py)"
    [[ " ${NOT_BENCHMARKS[*]} " == *" $name "* ]] && continue
    [[ " ${ORDER[*]} " == *" $name "* ]] || names+=("$name")
  done
fi
for name in "${names[@]}"; do
  [[ -f "bench/$name.py" ]] || { echo "error: no bench/$name.py" >&2; exit 2; }
done

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
  if [[ " ${names[*]} " == *" reference "* ]]; then
    .venv/bin/flask --app wsgi reference delete --dataset bench-icij >/dev/null 2>&1 || true
  fi
  if ((${#started[@]})); then ops/services.sh stop "${started[@]}"; fi
  exit "$rc"
}
trap cleanup EXIT
if ((${#started[@]})); then ops/services.sh start "${started[@]}" || exit 1; fi
.venv/bin/flask --app wsgi graph init || exit 1

failed=()
summary=()
total_start=$SECONDS
for name in "${names[@]}"; do
  args="${SMALL[$name]-}"
  echo
  echo "=== bench/$name.py $args"
  if [[ -z "${SMALL[$name]+set}" ]]; then
    echo "(no small-scale arguments in ops/bench.sh for $name: running with its defaults)"
  fi
  start=$SECONDS
  # shellcheck disable=SC2086 # the arguments are words
  if ! $PY "bench/$name.py" $args; then
    failed+=("$name")
  fi
  summary+=("$(printf '%-16s %4d s' "$name" $((SECONDS - start)))")
done
echo
echo "=== make bench: $((SECONDS - total_start)) s in total"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
