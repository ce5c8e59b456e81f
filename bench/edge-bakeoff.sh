#!/usr/bin/env bash
# The HTTP-edge bake-off (issue 25; results in bench/RESULTS.md): GET /api/v0/user (bearer looked
# up in an in-memory auth cache, same answer bytes) on
#   harmont  today's real server (edge/HttpEdge on Helidon 4.5 with edge/MethodCase), seeded with one user;
#   hspike   bench/edge spike, Helidon 4.5 alone with the same minimal handler as the others
#            (what Helidon itself costs, apart from our filters, access log and metrics);
#   jetty    bench/edge spike, Jetty 12.1.14 core handler on virtual threads;
#   vertx    bench/edge spike, Vert.x 5.0.7 core HTTP server, virtual-thread verticles;
#   nginx    nginx answering the same bytes FROM MEMORY (`return 200`), access_log off,
#            worker_processes auto: the ceiling (DESIGN.md "Measuring").
# Each process in its own session (setsid), wrk -t2 -c64 in a third; one warm-up each, then
# BENCH_ROUNDS alternated rounds of BENCH_DURATION. Also GET /api/v0/auth/verify and POST a key on
# the spikes, RSS after the runs, cold start (exec to first 200), and the conformance probes
# (curl; the full list is EdgeConformanceTest) against each.
# Knobs: lib.sh's (BENCH_ROUNDS, BENCH_DURATION, BENCH_WARMUP, BENCH_NO_BUILD).
BENCH_DURATION=${BENCH_DURATION:-8s}
. "$(dirname "$0")/lib.sh"
need_wrk
need_nginx
build
SPIKES="$BENCH_DIR/edge/target"
if [ -z "${BENCH_NO_BUILD:-}" ] || [ ! -f "$SPIKES/edge-spikes.jar" ]; then
  log "building the spikes (mvn -f bench/edge/pom.xml package)"
  (cd "$BENCH_DIR/edge" && mvn -B -q package) >&2
fi

# wrk's percentiles, and the same with a POST body for the key-creation path (lib.sh).
LUA=$(session_lua)
POST_LUA="$WORK/post.lua"
cat "$LUA" >"$POST_LUA"
cat >>"$POST_LUA" <<'EOF2'
wrk.method = "POST"
wrk.body = '{"description":"bench"}'
wrk.headers["Content-Type"] = "application/json"
EOF2

measure() { # LABEL URL [wrk args...]
  session_measure "${SCRIPT:-$LUA}" "$@"
}
med() { session_median "$@"; }
now_ms() { date +%s%3N; }
# wait_up URL [curl args]: waits for a 200; prints the milliseconds since $T0.
wait_up() {
  local url=$1
  shift
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "$@" "$url" && { echo $(($(now_ms) - T0)); return 0; }
    sleep 0.02
  done
  return 1
}

# harmont: today's server, AOT cache primed as deployed.
prime_aot "$ROOT"
mkdir -p "$WORK/data"
seed --data-dir "$WORK/data" --users 1 --tokens-out "$WORK/key" 2>"$WORK/seed.log"
KEY=$(head -n 1 "$WORK/key")
auth=(-H "Authorization: Bearer $KEY")
HARMONT_PORT=$(free_port)
T0=$(now_ms)
setsid "$ROOT/harmont" serve --port "$HARMONT_PORT" --data-dir "$WORK/data" >"$WORK/harmont.out" 2>"$WORK/harmont.err" &
HARMONT_PID=$!
PIDS+=("$HARMONT_PID")
COLD_harmont=$(wait_up "http://127.0.0.1:$HARMONT_PORT/api/v0/user" "${auth[@]}")
curl -fs "${auth[@]}" "http://127.0.0.1:$HARMONT_PORT/api/v0/user" >"$WORK/user.json"

spike() { # NAME CLASS
  local port
  port=$(free_port)
  T0=$(now_ms)
  # The launcher's heap and GC (./harmont), no AOT cache: RSS compares like with like.
  setsid "$JAVA" -XX:+UseSerialGC -Xms64m -Xmx160m -cp "$SPIKES/edge-spikes.jar:$SPIKES/lib/*" "dev.harmont.bench.edge.$2" \
    "$port" "$KEY" "$WORK/user.json" >"$WORK/$1.out" 2>&1 &
  PIDS+=($!)
  eval "PID_$1=$!"
  eval "PORT_$1=$port"
  eval "COLD_$1=$(wait_up "http://127.0.0.1:$port/api/v0/user" "${auth[@]}")"
}
spike hspike HelidonSpike
spike jetty JettySpike
spike vertx VertxSpike

NGINX_PORT=$(free_port)
body=$(sed "s/'/\\\\'/g" "$WORK/user.json")
T0=$(now_ms)
NGINX_WAIT_URL="http://127.0.0.1:$NGINX_PORT/api/v0/user" start_nginx memory "  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /api/v0/user { default_type \"application/json; charset=utf-8\"; return 200 '$body'; }
  }"
COLD_nginx=$(($(now_ms) - T0))
cmp -s <(curl -fs "http://127.0.0.1:$NGINX_PORT/api/v0/user") "$WORK/user.json" || log "nginx's bytes differ"

url_harmont="http://127.0.0.1:$HARMONT_PORT"
url_hspike="http://127.0.0.1:$PORT_hspike"
url_jetty="http://127.0.0.1:$PORT_jetty"
url_vertx="http://127.0.0.1:$PORT_vertx"
url_nginx="http://127.0.0.1:$NGINX_PORT"

# Conformance probes: what a client sees (PASS/FAIL per probe).
probe() { # NAME URL
  local u=$2 r=()
  code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }
  [ "$(code --http1.0 "${auth[@]}" "$u/api/v0/user")" = 200 ] && r+=(http10:PASS) || r+=(http10:FAIL)
  [ "$(code -X get "${auth[@]}" "$u/api/v0/user")" = 405 ] && r+=(lowercase-get-405:PASS) || r+=(lowercase-get-405:FAIL)
  case "$(code --path-as-is "${auth[@]}" "$u/api/v0/user%2Fx")" in 400 | 404) r+=(encoded-slash-not-a-separator:PASS) ;; *) r+=(encoded-slash-not-a-separator:FAIL) ;; esac
  [ "$(curl -s -I --max-time 5 "${auth[@]}" "$u/api/v0/user" -o /dev/null -w '%{http_code}:%{size_download}' || true)" = 200:0 ] && r+=(head:PASS) || r+=(head:FAIL)
  local t
  t=$( { time -p curl -s -o /dev/null --max-time 5 -H 'Expect: 100-continue' -H 'Content-Type: text/plain' \
    -H 'Content-Length: 70000' -X POST "$u/api/v0/user/api-tokens" || true; } 2>&1 | awk '/^real/ {print $2}')
  awk -v t="$t" 'BEGIN {exit !(t < 0.9)}' && r+=(expect-refused-at-once:PASS) || r+=(expect-refused-at-once:FAIL)
  echo "probe $1 ${r[*]}"
}
for s in harmont hspike jetty vertx; do
  u=url_$s
  probe "$s" "${!u}"
done

log "warming up (${BENCH_WARMUP:-10s} each)"
for s in nginx harmont hspike jetty vertx; do
  u=url_$s
  DURATION=${BENCH_WARMUP:-10s} measure warmup "${!u}/api/v0/user" "${auth[@]}" >/dev/null
done
echo "label rps p50_ms p99_ms p99.9_ms max_ms errors"
for _ in $(seq 1 "$ROUNDS"); do
  for s in nginx harmont hspike jetty vertx; do
    u=url_$s
    measure "user_$s" "${!u}/api/v0/user" "${auth[@]}"
  done
  for s in hspike jetty vertx; do
    u=url_$s
    measure "verify_$s" "${!u}/api/v0/auth/verify" "${auth[@]}"
    SCRIPT=$POST_LUA measure "post_$s" "${!u}/api/v0/user/api-tokens" "${auth[@]}"
  done
done
echo
session_summary user_nginx user_harmont user_hspike user_jetty user_vertx verify_hspike verify_jetty \
  verify_vertx post_hspike post_jetty post_vertx
echo
for s in harmont hspike jetty vertx; do
  pid=PID_$s
  [ "$s" = harmont ] && pid=HARMONT_PID
  cold=COLD_$s
  echo "$s: throughput/nginx $(ratio "$(med "user_$s" 2)" "$(med user_nginx 2)"), p99/nginx $(ratio "$(med "user_$s" 4)" "$(med user_nginx 4)"), RSS $(rss_mb "${!pid}") MB, cold start ${!cold} ms"
done
echo "nginx: cold start $COLD_nginx ms"
