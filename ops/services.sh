#!/usr/bin/env bash
# Starts and stops the local services that `make run` and `make test` rely on.
# usage: ops/services.sh start|stop|status neo4j|redis|worker|web
# Every process started here writes its pid to var/run/NAME.pid; `stop` only signals those pids,
# so `make stop` never touches a Neo4j or Redis that this project did not start.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VAR="${SILVER_VAR_DIR:-$ROOT/var}"
RUN="$VAR/run"
LOG="$VAR/log"
SHOWN="${VAR#"$ROOT"/}"  # var, or var/test for `make test`, in messages
VENV="$ROOT/.venv"
NEO4J_LOCAL_PORT="${SILVER_LOCAL_NEO4J_PORT:-7687}"
REDIS_LOCAL_PORT="${SILVER_LOCAL_REDIS_PORT:-6479}"
PORT="${PORT:-8000}"
START_TIMEOUT="${SILVER_START_TIMEOUT:-120}"
mkdir -p "$RUN" "$LOG" "$VAR/keys"
chmod 700 "$VAR/keys"

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

running() {
  local pidfile="$RUN/$1.pid"
  [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_for_port() {
  local name="$1" port="$2" logfile="$3" waited=0
  until port_open "$port"; do
    if ! running "$name"; then
      say "$name exited during start-up. Last lines of $logfile:" >&2
      tail -n 40 "$logfile" >&2 || true
      exit 1
    fi
    if (( waited >= START_TIMEOUT )); then
      say "$name did not answer on 127.0.0.1:$port within ${START_TIMEOUT}s. Last lines of $logfile:" >&2
      tail -n 40 "$logfile" >&2 || true
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

# A random password generated once into var/keys/NAME (mode 0600): letters and digits only,
# so it goes into a URL or a config line unquoted.
password_file() {
  local f="$VAR/keys/$1"
  if [[ ! -s "$f" ]]; then
    (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > "$f")
  fi
  printf '%s' "$f"
}

neo4j_password_file() { password_file neo4j_password; }

start_neo4j() {
  if [[ -n "${NEO4J_URI:-}" ]]; then say "neo4j: NEO4J_URI is set, using $NEO4J_URI"; return; fi
  if running neo4j; then say "neo4j: already running (pid $(cat "$RUN/neo4j.pid"))"; return; fi
  port_open "$NEO4J_LOCAL_PORT" && die "port $NEO4J_LOCAL_PORT is taken by another process; set SILVER_LOCAL_NEO4J_PORT or NEO4J_URI"
  local lib="$ROOT/ops/neo4j/target/lib" classes="$ROOT/ops/neo4j/target/classes"
  [[ -d "$lib" && -d "$classes" ]] || die "the Neo4j launcher is not built: run 'make neo4j-build'"
  local pw; pw="$(cat "$(neo4j_password_file)")"
  mkdir -p "$VAR/neo4j" "$LOG/neo4j"
  say "neo4j: starting on 127.0.0.1:$NEO4J_LOCAL_PORT (data in $SHOWN/neo4j, log in $SHOWN/log/neo4j.out)"
  local before=0
  [[ -f "$LOG/neo4j.out" ]] && before="$(wc -l < "$LOG/neo4j.out")"
  # Heap for queries and transactions, page cache (off-heap) for the store files: sized for
  # ICIJ-scale reference data by default; `make test` runs with smaller ones (ops/test.sh).
  NEO4J_PASSWORD="$pw" SILVER_NEO4J_PAGECACHE="${SILVER_NEO4J_PAGECACHE:-2g}" \
    nohup java -Xms256m -Xmx"${SILVER_NEO4J_HEAP:-2g}" -XX:+UseG1GC \
      -cp "$classes:$lib/*" silver.neo4j.Launcher "$VAR/neo4j" "$LOG/neo4j" 127.0.0.1 "$NEO4J_LOCAL_PORT" \
      >>"$LOG/neo4j.out" 2>&1 < /dev/null &
  echo $! > "$RUN/neo4j.pid"
  # The launcher prints its ready line once Bolt listens and the password is set.
  local waited=0
  until tail -n +"$((before + 1))" "$LOG/neo4j.out" 2>/dev/null | grep -q "neo4j ready"; do
    if ! running neo4j; then
      say "neo4j exited during start-up. Last lines of $SHOWN/log/neo4j.out:" >&2
      tail -n 40 "$LOG/neo4j.out" >&2; exit 1
    fi
    if (( waited >= START_TIMEOUT )); then
      say "neo4j did not answer within ${START_TIMEOUT}s. Last lines of $SHOWN/log/neo4j.out:" >&2
      tail -n 40 "$LOG/neo4j.out" >&2
      stop_one neo4j
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "neo4j: ready"
}

start_redis() {
  if [[ -n "${REDIS_URL:-}" ]]; then say "redis: REDIS_URL is set, using it"; return; fi
  if running redis; then say "redis: already running (pid $(cat "$RUN/redis.pid"))"; return; fi
  command -v redis-server >/dev/null || die "redis-server is not installed: run 'make redis-install'"
  port_open "$REDIS_LOCAL_PORT" && die "port $REDIS_LOCAL_PORT is taken by another process; set SILVER_LOCAL_REDIS_PORT or REDIS_URL"
  mkdir -p "$VAR/redis"
  # The password (var/keys/redis_password, which the application reads too) reaches
  # redis-server as `requirepass` on its standard input, never on its command line, where every
  # local user could read it in the process list.
  local pw; pw="$(cat "$(password_file redis_password)")"
  say "redis: starting on 127.0.0.1:$REDIS_LOCAL_PORT with a password (append-only data in $SHOWN/redis)"
  redis-server - --bind 127.0.0.1 --port "$REDIS_LOCAL_PORT" --protected-mode yes \
    --dir "$VAR/redis" --appendonly yes --appendfsync everysec \
    --daemonize no --logfile "$LOG/redis.log" --save "" \
    <<<"requirepass $pw" >/dev/null 2>&1 &
  echo $! > "$RUN/redis.pid"
  wait_for_port redis "$REDIS_LOCAL_PORT" "$LOG/redis.log"
  say "redis: ready"
}

start_worker() {
  if running worker; then say "worker: already running (pid $(cat "$RUN/worker.pid"))"; return; fi
  say "worker: starting an rq worker --with-scheduler (log in $SHOWN/log/worker.log)"
  nohup "$VENV/bin/python" -m worker >>"$LOG/worker.log" 2>&1 < /dev/null &
  echo $! > "$RUN/worker.pid"
}

start_web() {
  if running web; then say "web: already running (pid $(cat "$RUN/web.pid"))"; return; fi
  port_open "$PORT" && die "port $PORT is taken by another process; set PORT"
  say "web: starting gunicorn on 127.0.0.1:$PORT (log in $SHOWN/log/web.log)"
  # Each gunicorn worker counts its requests in files here; /metrics adds them up. Counts of a
  # previous run would be added too, so the directory starts empty.
  local metrics="$VAR/metrics"
  rm -rf "$metrics" && mkdir -p "$metrics" && chmod 700 "$metrics"
  PROMETHEUS_MULTIPROC_DIR="$metrics" nohup "$VENV/bin/gunicorn" -c "$ROOT/ops/gunicorn.conf.py" \
    --bind "127.0.0.1:$PORT" --workers "${WEB_CONCURRENCY:-2}" \
    --access-logfile "$LOG/access.log" --error-logfile "$LOG/web.log" "wsgi:create_app()" \
    < /dev/null >>"$LOG/web.log" 2>&1 &
  echo $! > "$RUN/web.pid"
  wait_for_port web "$PORT" "$LOG/web.log"
}

stop_one() {
  local name="$1" pidfile="$RUN/$1.pid"
  if ! running "$name"; then rm -f "$pidfile"; return; fi
  local pid; pid="$(cat "$pidfile")"
  say "$name: stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

status_one() {
  if running "$1"; then say "$1: running (pid $(cat "$RUN/$1.pid"))"; else say "$1: stopped"; fi
}

cmd="${1:-}"; shift || true
[[ $# -gt 0 ]] || set -- neo4j redis worker web
for svc in "$@"; do
  case "$cmd:$svc" in
    start:neo4j|start:redis|start:worker|start:web) "start_$svc" ;;
    stop:neo4j|stop:redis|stop:worker|stop:web) stop_one "$svc" ;;
    status:*) status_one "$svc" ;;
    *) die "usage: ops/services.sh start|stop|status [neo4j|redis|worker|web ...]" ;;
  esac
done
