#!/usr/bin/env bash
# Issue 26: GET /api/v0/auth/verify, the hot path of every request a proxy protects, against the
# anchor of bench/: nginx answering the same bytes FROM MEMORY (`return 200` with the same five
# X-Harmont-* headers and the same standard ones, empty body, access log off, worker_processes
# auto). Server, nginx and wrk each in its own session (setsid); one warm-up each, then ROUNDS
# alternated rounds (wrk -t2 -c64, BENCH_DURATION, default 8s); p50/p99/p99.9/max per run and
# medians. Targets: verify >= 0.6 x nginx's throughput, verify p99 <= 1.5 x nginx's p99.
# Knobs besides lib.sh's: BENCH_SERVER_ARGS (extra `serve` flags, e.g. --api verify).
BENCH_DURATION=${BENCH_DURATION:-8s}
. "$(dirname "$0")/lib.sh"
need_wrk
need_nginx
build
header
prime_aot

data="$WORK/data"
mkdir -p "$data"
seed --data-dir "$data" --users 1 --tokens-out "$WORK/verify.key" 2>"$WORK/seed.log"
key=$(head -n 1 "$WORK/verify.key")
# shellcheck disable=SC2086
start_session_server harmont --data-dir "$data" ${BENCH_SERVER_ARGS:-}
auth=(-H "Authorization: Bearer $key")

# nginx answering exactly what verify answers, from memory.
headers=$(curl -fs -o /dev/null -D - "${auth[@]}" "$SERVER_URL/api/v0/auth/verify" | tr -d '\r')
add_headers=$(echo "$headers" | awk -F': ' '/^[Xx]-[Hh]armont-|^[Xx]-[Rr]equest-[Ii]d|^[Xx]-[Cc]ontent-[Tt]ype|^[Cc]ache-[Cc]ontrol/ {printf "      add_header %s \"%s\" always;\n", $1, $2}')
NGINX_PORT=$(free_port)
NGINX_WAIT_URL="http://127.0.0.1:$NGINX_PORT/api/v0/auth/verify" start_nginx memory "
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
$add_headers      return 200;
    }
  }"
log "harmont pid $SERVER_PID on $SERVER_URL, nginx pid $NGINX_PID on $NGINX_PORT"
echo "# harmont answers:"
echo "$headers" | sed 's/^/#   /'
echo "# nginx answers:"
curl -fs -o /dev/null -D - "http://127.0.0.1:$NGINX_PORT/api/v0/auth/verify" | tr -d '\r' | sed 's/^/#   /'

LUA=$(session_lua)
DURATION=${BENCH_WARMUP:-10s} session_measure "$LUA" warmup "http://127.0.0.1:$NGINX_PORT/api/v0/auth/verify" >/dev/null
DURATION=${BENCH_WARMUP:-10s} session_measure "$LUA" warmup "$SERVER_URL/api/v0/auth/verify" "${auth[@]}" >/dev/null
echo "label rps p50_ms p99_ms p99.9_ms max_ms errors"
for r in $(seq 1 "$ROUNDS"); do
  trim_logs
  session_measure "$LUA" nginx "http://127.0.0.1:$NGINX_PORT/api/v0/auth/verify" "${auth[@]}"
  session_measure "$LUA" verify "$SERVER_URL/api/v0/auth/verify" "${auth[@]}"
  echo "# load average after round $r: $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo
session_summary nginx verify
echo
echo "throughput verify/nginx: $(ratio "$(session_median verify 2)" "$(session_median nginx 2)")   (target >= 0.6)"
echo "p99 verify/nginx:        $(ratio "$(session_median verify 4)" "$(session_median nginx 4)")   (target <= 1.5)"
echo "server RSS after the runs: $(rss_mb "$SERVER_PID") MB"
