#!/usr/bin/env bash
# Issue 26: the whole forward-auth path as an operator deploys it. A front nginx configured with
# docs/forward-auth/nginx.conf exactly (auth_request → harmont's /api/v0/auth/verify → proxy_pass
# to a static upstream), against the same front nginx proxying to the same upstream WITHOUT auth.
# The upstream is nginx answering from memory (`return 200 '<json>'`). Every nginx, the server and
# wrk each in its own session; ROUNDS alternated rounds, wrk -t2 -c64.
# Target: end-to-end throughput with auth >= 0.5 x without.
BENCH_DURATION=${BENCH_DURATION:-8s}
. "$(dirname "$0")/lib.sh"
need_wrk
need_nginx
build
header
prime_aot

data="$WORK/data"
mkdir -p "$data"
seed --data-dir "$data" --users 1 --tokens-out "$WORK/e2e.key" 2>"$WORK/seed.log"
key=$(head -n 1 "$WORK/e2e.key")
start_session_server harmont --data-dir "$data" ${BENCH_SERVER_ARGS:-}
auth=(-H "Authorization: Bearer $key")

UPSTREAM_PORT=$(free_port)
NGINX_WAIT_URL="http://127.0.0.1:$UPSTREAM_PORT/" start_nginx upstream "
  server {
    listen 127.0.0.1:$UPSTREAM_PORT;
    location / { default_type application/json; return 200 '{\"service\":\"ci\",\"ok\":true}'; }
  }"

# With auth: the documented file, its three addresses replaced.
WITH_PORT=$(free_port)
site=$(sed -e "s/127.0.0.1:8000/127.0.0.1:$WITH_PORT/" -e "s/127.0.0.1:8080/127.0.0.1:$SERVER_PORT/" \
  -e "s/127.0.0.1:3000/127.0.0.1:$UPSTREAM_PORT/" "$ROOT/docs/forward-auth/nginx.conf")
NGINX_WAIT_URL="http://127.0.0.1:$WITH_PORT/" start_nginx with-auth "$site"
# Without auth: the same front, proxying straight to the upstream.
WITHOUT_PORT=$(free_port)
NGINX_WAIT_URL="http://127.0.0.1:$WITHOUT_PORT/" start_nginx without-auth "
  server {
    listen 127.0.0.1:$WITHOUT_PORT;
    location / { proxy_set_header Authorization \"\"; proxy_pass http://127.0.0.1:$UPSTREAM_PORT; }
  }"
check=$(curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "http://127.0.0.1:$WITH_PORT/x")
refused=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$WITH_PORT/x")
echo "# with auth: a valid key gets $check, no key gets $refused"
[ "$check" = 200 ] && [ "$refused" = 401 ] || { log "the front nginx does not authenticate"; exit 1; }

LUA=$(session_lua)
DURATION=${BENCH_WARMUP:-10s} session_measure "$LUA" warmup "http://127.0.0.1:$WITHOUT_PORT/x" "${auth[@]}" >/dev/null
DURATION=${BENCH_WARMUP:-10s} session_measure "$LUA" warmup "http://127.0.0.1:$WITH_PORT/x" "${auth[@]}" >/dev/null
echo "label rps p50_ms p99_ms p99.9_ms max_ms errors"
for r in $(seq 1 "$ROUNDS"); do
  trim_logs
  session_measure "$LUA" without_auth "http://127.0.0.1:$WITHOUT_PORT/x" "${auth[@]}"
  session_measure "$LUA" with_auth "http://127.0.0.1:$WITH_PORT/x" "${auth[@]}"
  echo "# load average after round $r: $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo
session_summary without_auth with_auth
echo
echo "throughput with/without auth: $(ratio "$(session_median with_auth 2)" "$(session_median without_auth 2)")   (target >= 0.5)"
echo "p99 with/without auth:        $(ratio "$(session_median with_auth 4)" "$(session_median without_auth 4)")"
