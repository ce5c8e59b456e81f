# shellcheck shell=bash
# Shared helpers of the bench/ scripts: build, free ports, servers on temp data, seeding through
# the service's own code, wrk runs, medians and ratios, cleanup. Sourced, never run.
#
# Knobs (environment):
#   BENCH_ROUNDS    rounds per A/B pair (default 3)
#   BENCH_DURATION  wrk duration per run (default 10s)
#   BENCH_THREADS   wrk threads (default 2)
#   BENCH_CONNS     wrk connections (default 64; the POST scenario uses 16)
#   BENCH_PG_URL    PostgreSQL base URL (default jdbc:postgresql://127.0.0.1:5432/test?user=postgres)
#   BENCH_WARMUP    warm-up per server and path (healthz_vs_user: 15s; create-keys-sqlite.sh: 30s)
#   BENCH_NO_BUILD  set to skip the build check
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
ROUNDS=${BENCH_ROUNDS:-3}
DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNS:-64}
PG_URL=${BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}
JAR="$ROOT/harmont-cli/target/harmont.jar"

# shellcheck source=../scripts/jdk.sh
. "$ROOT/scripts/jdk.sh"
harmont_find_jdk
JAVA="$JAVA_HOME/bin/java"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/harmont-bench.XXXXXX")
PIDS=()
SCHEMAS=()

log() { printf '%s %s\n' "$(date +%T)" "$*" >&2; }

cleanup() {
  local pid schema
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  for schema in "${SCHEMAS[@]}"; do
    psql -q -h 127.0.0.1 -U postgres -d test -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  done
  [ -n "${BENCH_KEEP:-}" ] && { log "kept $WORK"; return; }
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need_wrk() {
  command -v wrk >/dev/null 2>&1 && return
  log "installing wrk"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y wrk >/dev/null; }
}

# Builds the jar (and the seeder in the server's test classes) unless they are newer than the sources.
build() {
  [ -n "${BENCH_NO_BUILD:-}" ] && return
  local stamp="$ROOT/harmont-server/target/test-classes/dev/harmont/server/bench/Seed.class"
  if [ -f "$JAR" ] && [ -f "$stamp" ] &&
    [ -z "$(find "$ROOT" -path "$ROOT/bench" -prune -o \( -path '*/src/*' -o -name pom.xml \) -newer "$JAR" -print -quit)" ]; then
    return
  fi
  log "building the jar (mvn -DskipTests -pl harmont-cli -am package)"
  (cd "$ROOT" && mvn -B -q -DskipTests -pl harmont-cli -am package) >&2
  touch "$JAR" # Maven leaves it as it was when only another module changed
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Prints a new PostgreSQL schema name (dropped at exit) after creating it.
new_schema() {
  local schema="bench_$(date +%s)_$RANDOM"
  psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE SCHEMA $schema" >/dev/null
  SCHEMAS+=("$schema")
  echo "$schema"
}

pg_url() { echo "$PG_URL&currentSchema=$1"; }

# seed DB_ARGS... -- SEED_ARGS... : runs dev.harmont.server.bench.Seed (AccountService, the same
# validation and hashing as the API) with the jar's class path plus the server's test classes.
seed() {
  seed_from "$ROOT" "$@"
}

# seed_from CHECKOUT ARGS... : the seeder of another checkout (built), for data its server reads.
seed_from() {
  local root=$1
  shift
  "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx1g \
    -cp "$root/harmont-server/target/test-classes:$root/harmont-cli/target/libs/*" \
    dev.harmont.server.bench.Seed "$@"
}

# start_server NAME ARGS... : starts `./harmont serve ARGS` (the launcher, so its JVM defaults
# apply; LAUNCHER names another checkout's) on a free port; sets SERVER_PID, SERVER_PORT,
# SERVER_URL. The access log goes to a file.
start_server() {
  local name=$1
  shift
  SERVER_PORT=$(free_port)
  SERVER_URL="http://127.0.0.1:$SERVER_PORT"
  "${LAUNCHER:-$ROOT/harmont}" serve --port "$SERVER_PORT" "$@" >"$WORK/$name.out" 2>>"$WORK/$name.err" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  local i
  for i in $(seq 1 300); do
    if curl -fs -o /dev/null "$SERVER_URL/healthz"; then
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  log "server $name did not start:"
  tail -n 20 "$WORK/$name.err" >&2
  return 1
}

# The launcher's AOT cache (JDK 25+) exists from the third `serve` with the same JVM options; before
# that a server runs in recording mode, and the second start builds the cache in the background
# (a JVM competing for the CPU). prime_aot [CHECKOUT] makes those two starts on scratch data and
# waits for the cache, so what is measured is what a deployed server runs. A no-op when the cache
# is there or the JDK has none (older JDKs keep their CDS archive up to date by themselves).
prime_aot() {
  local root=${1:-$ROOT}
  local aot="$root/harmont-cli/target/harmont-serve.aot" i n data
  [ "$(harmont_java_major "$JAVA_HOME")" -ge 25 ] || return 0
  data=$(mktemp -d "$WORK/aot-prime.XXXXXX")
  for n in 1 2 3; do
    LAUNCHER="$root/harmont" start_server "aot-prime-$n" --data-dir "$data" >/dev/null
    stop_server "$SERVER_PID"
    for i in $(seq 1 600); do
      [ -d "$aot.lock" ] || break
      sleep 0.1
    done
    [ -s "$aot" ] && [ ! -d "$aot.lock" ] && return 0
  done
  log "the AOT cache was not made; measuring without it"
}

stop_server() {
  local pid=$1
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

rss_mb() { awk '/^VmRSS:/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

# Lua script for wrk: every request carries a bearer token picked at random from a file.
token_lua() {
  local tokens=$1 method=${2:-GET} body=${3:-}
  local script
  script=$(mktemp "$WORK/tokens.XXXXXX.lua")
  cat >"$script" <<EOF
local tokens = {}
for line in io.lines("$tokens") do tokens[#tokens + 1] = line end
local body = [[$body]]
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
request = function()
  local t = tokens[math.random(#tokens)]
  local headers = { ["Authorization"] = "Bearer " .. t }
  if body ~= "" then headers["Content-Type"] = "application/json" end
  return wrk.format("$method", nil, headers, body ~= "" and body or nil)
end
EOF
  echo "$script"
}

# run_wrk LABEL URL [wrk args...] : one wrk run; appends "LABEL rps p99_ms non2xx" to $WORK/results
# and prints the line. Raw wrk output is kept in $WORK/raw/ and echoed to stderr.
run_wrk() {
  local label=$1 url=$2
  shift 2
  mkdir -p "$WORK/raw"
  local out="$WORK/raw/$label.$(date +%s%N)"
  wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$@" "$url" >"$out" 2>&1
  local rps p99 errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; printf "%.2f", v}' "$out")
  errors=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$out")
  printf '%s %s %s %s\n' "$label" "$rps" "$p99" "${errors:-0}" | tee -a "$WORK/results"
  if [ -n "${BENCH_VERBOSE:-}" ]; then cat "$out" >&2; fi
  if [ -n "$errors" ] && [ "$errors" != 0 ]; then
    log "WARNING: $label had $errors non-2xx responses"
  fi
}

# median LABEL COLUMN : median of column 2 (rps) or 3 (p99) over the runs labelled LABEL.
median() {
  awk -v l="$1" -v c="${2:-2}" '$1 == l {print $c}' "$WORK/results" | sort -g |
    awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a/b}'; }

# summary LABEL... : the median rps and p99 of each label.
summary() {
  local l
  printf '%-28s %12s %10s\n' label "median rps" "p99 ms"
  for l in "$@"; do
    printf '%-28s %12s %10s\n' "$l" "$(median "$l" 2)" "$(median "$l" 3)"
  done
}

header() {
  echo "# $(basename "$0") — $(date -u +%FT%TZ)"
  echo "# $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(free -g | awk '/^Mem:/ {print $2}') GB, $("$JAVA" -version 2>&1 | head -n 1)"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$THREADS -c$CONNS -d$DURATION, $ROUNDS rounds"
}

# The access log (one line per request on stderr) is appended to a file; empty it between runs.
trim_logs() { local f; for f in "$WORK"/*.err; do : >"$f"; done; }

# healthz_vs_user NAME DB_ARGS... : for the cache off ("before", --auth-cache-ttl-ms 0) and on
# ("after", the default), one server each, ROUNDS rounds of /healthz then GET /api/v0/user with one
# seeded key, alternated; prints medians and the ratio user/healthz.
healthz_vs_user() {
  local name=$1
  shift
  local variant key
  seed "$@" --users 1 --prefix "$name" --tokens-out "$WORK/$name.key" 2>"$WORK/seed-$name.log"
  key=$(head -n 1 "$WORK/$name.key")
  for variant in before after; do
    local extra=()
    [ "$variant" = before ] && extra=(--auth-cache-ttl-ms 0)
    start_server "$name-$variant" "$@" "${extra[@]}"
    log "$name $variant: server pid $SERVER_PID on $SERVER_URL, warming up"
    curl -fs -H "Authorization: Bearer $key" "$SERVER_URL/api/v0/user" >/dev/null
    # 15 s each: with 5 s the first measured run (always /healthz) was still compiling, and
    # came out ~40 % low, which flattered the ratio.
    DURATION=${BENCH_WARMUP:-15s} run_wrk warmup "$SERVER_URL/healthz" >/dev/null
    DURATION=${BENCH_WARMUP:-15s} run_wrk warmup "$SERVER_URL/api/v0/user" -H "Authorization: Bearer $key" >/dev/null
    local r
    for r in $(seq 1 "$ROUNDS"); do
      trim_logs
      run_wrk "$variant-healthz" "$SERVER_URL/healthz"
      trim_logs
      run_wrk "$variant-user" "$SERVER_URL/api/v0/user" -H "Authorization: Bearer $key"
    done
    echo "$variant: RSS after the runs $(rss_mb "$SERVER_PID") MB"
    stop_server "$SERVER_PID"
  done
  echo
  summary before-healthz before-user after-healthz after-user
  echo
  echo "ratio user/healthz before (cache off): $(ratio "$(median before-user)" "$(median before-healthz)")"
  echo "ratio user/healthz after  (cache on):  $(ratio "$(median after-user)" "$(median after-healthz)")"
}

# healthz_vs_user_alternated NAME DB_ARGS... : like healthz_vs_user, but both servers run at once
# and every round measures before then after, so that a machine whose load changes during the run
# (other jobs on it) weighs on both alike. The variants' flags come from BENCH_BEFORE (default
# "--auth-cache-ttl-ms 0", the cache off) and BENCH_AFTER (default: none, the shipped defaults).
# Requests pick one of BENCH_KEYS seeded keys at random (default 1; 100 keys per seeded user).
healthz_vs_user_alternated() {
  local name=$1
  shift
  local keys=${BENCH_KEYS:-1} variant r
  local per_user=$((keys < 100 ? keys : 100))
  local users=$(((keys + per_user - 1) / per_user))
  log "seeding $keys keys ($users users x $per_user)"
  seed "$@" --users "$users" --keys-per-user "$per_user" --tokens-per-user "$per_user" \
    --prefix "$name" --tokens-out "$WORK/$name.keys" 2>"$WORK/seed-$name.log"
  head -n "$keys" "$WORK/$name.keys" >"$WORK/$name.key"
  local lua
  lua=$(token_lua "$WORK/$name.key")
  local -A url pid
  for variant in before after; do
    local extra
    if [ "$variant" = before ]; then extra=${BENCH_BEFORE---auth-cache-ttl-ms 0}; else extra=${BENCH_AFTER:-}; fi
    # shellcheck disable=SC2086 # the flags are words
    start_server "$name-$variant" "$@" $extra
    url[$variant]=$SERVER_URL
    pid[$variant]=$SERVER_PID
    echo "# $variant: ./harmont serve ... $extra"
  done
  for variant in before after; do
    log "$name $variant: warming up ${url[$variant]}"
    DURATION=${BENCH_WARMUP:-15s} run_wrk warmup "${url[$variant]}/healthz" >/dev/null
    DURATION=${BENCH_WARMUP:-15s} run_wrk warmup "${url[$variant]}/api/v0/user" -s "$lua" >/dev/null
  done
  for r in $(seq 1 "$ROUNDS"); do
    for variant in before after; do
      trim_logs
      run_wrk "$variant-healthz" "${url[$variant]}/healthz"
      trim_logs
      run_wrk "$variant-user" "${url[$variant]}/api/v0/user" -s "$lua"
    done
    echo "# load average after round $r: $(cut -d' ' -f1-3 /proc/loadavg)"
  done
  for variant in before after; do
    echo "$variant: RSS after the runs $(rss_mb "${pid[$variant]}") MB"
    stop_server "${pid[$variant]}"
  done
  echo
  summary before-healthz before-user after-healthz after-user
  echo
  echo "ratio user/healthz before: $(ratio "$(median before-user)" "$(median before-healthz)")"
  echo "ratio user/healthz after:  $(ratio "$(median after-user)" "$(median after-healthz)")"
}

# --- In-session measurement (issue 26; the definition of bench/user-vs-nginx.sh): every process
# in its own session (setsid), wrk's percentiles p50/p99/p99.9/max from a Lua done() callback.

# session_lua : writes the done() callback that prints "RESULT rps p50 p99 p99.9 max errors".
session_lua() {
  local script="$WORK/percentiles.lua"
  cat >"$script" <<'EOF2'
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.2f %.3f %.3f %.3f %.3f %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, errors))
end
EOF2
  echo "$script"
}

# session_measure LUA LABEL URL [wrk args...] : one wrk run in its own session; appends
# "LABEL rps p50 p99 p99.9 max errors" to $WORK/results and prints it.
session_measure() {
  local lua=$1 label=$2 url=$3 out line
  shift 3
  mkdir -p "$WORK/raw"
  out="$WORK/raw/$label.$(date +%s%N)"
  setsid -w wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$lua" "$@" "$url" >"$out" 2>&1
  line=$(awk '$1 == "RESULT" {print $2, $3, $4, $5, $6, $7}' "$out")
  [ -n "$line" ] || { cat "$out" >&2; return 1; }
  echo "$label $line" | tee -a "$WORK/results"
}

# session_median LABEL COLUMN : median of a column (2=rps 3=p50 4=p99 5=p99.9 6=max).
session_median() {
  awk -v l="$1" -v c="$2" '$1 == l {print $c}' "$WORK/results" | sort -g |
    awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'
}

# session_summary LABEL... : the medians of every column, one line per label.
session_summary() {
  local l
  printf '%-14s %10s %8s %8s %9s %8s\n' median rps p50_ms p99_ms p99.9_ms max_ms
  for l in "$@"; do
    printf '%-14s %10s %8s %8s %9s %8s\n' "$l" "$(session_median "$l" 2)" "$(session_median "$l" 3)" \
      "$(session_median "$l" 4)" "$(session_median "$l" 5)" "$(session_median "$l" 6)"
  done
}

need_nginx() {
  command -v nginx >/dev/null 2>&1 && return
  log "installing nginx-light"
  apt-get install -y nginx-light >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y nginx-light >/dev/null; }
}

# start_nginx NAME SERVER_BLOCKS : nginx in its own session (worker_processes auto, access log
# off), with the given server blocks; waits until $NGINX_WAIT_URL answers. Sets NGINX_PID.
start_nginx() {
  local name=$1 servers=$2 dir="$WORK/nginx-$1"
  mkdir -p "$dir"
  chmod a+rx "$WORK" "$dir"
  cat >"$dir/nginx.conf" <<EOF2
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
$servers
}
EOF2
  setsid nginx -e "$dir/error.log" -c "$dir/nginx.conf" -g 'daemon off;' 2>>"$dir/error.log" &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "${NGINX_WAIT_URL:?}" && return 0
    sleep 0.05
  done
  log "nginx $name did not start:"
  cat "$dir/error.log" >&2
  return 1
}

# start_session_server NAME ARGS... : ./harmont serve in its own session, on a free port; sets
# SERVER_PID, SERVER_PORT, SERVER_URL.
start_session_server() {
  local name=$1
  shift
  SERVER_PORT=$(free_port)
  SERVER_URL="http://127.0.0.1:$SERVER_PORT"
  setsid "$ROOT/harmont" serve --port "$SERVER_PORT" "$@" >"$WORK/$name.out" 2>>"$WORK/$name.err" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "$SERVER_URL/healthz" && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  log "server $name did not start:"
  tail -n 20 "$WORK/$name.err" >&2
  return 1
}
