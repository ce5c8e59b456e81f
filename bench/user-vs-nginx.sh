#!/usr/bin/env bash
# Targets (issue #16), measured as a user deploys it: the server in its own session (`setsid`, so
# the kernel's autogroup scheduling gives it its own CPU share, as a systemd service or a container
# has), nginx serving the same JSON body as a static answer in its own session, and wrk in a third.
#   - p99 of GET /api/v0/user at c64 <= 2 x nginx's p99 in the same run, /healthz no worse;
#   - GET /api/v0/user >= 0.5 x nginx's throughput;
#   - RSS <= 256 MB.
# One warm-up per path (BENCH_WARMUP, default 10s), then ROUNDS alternated rounds of nginx, user,
# healthz (BENCH_DURATION, default 8s). Prints p50/p99/p99.9/max per run and the medians.
#
# Knobs besides lib.sh's: BENCH_SERVER_ARGS (extra `serve` flags), HARMONT_JAVA_OPTS (JVM flags,
# e.g. -Xlog:safepoint*:file=/tmp/sp.log or -XX:StartFlightRecording=...), BENCH_SAME_SESSION=1
# (start the server from this shell instead, to show the difference autogroups make),
# BENCH_BASELINE=DIR (another built checkout, e.g. a `git worktree` of the commit before a change:
# its server runs beside this one and is measured in the same rounds, so a before/after is one run;
# BENCH_BASELINE_JAVA_OPTS replaces HARMONT_JAVA_OPTS for it).
BENCH_DURATION=${BENCH_DURATION:-8s}
. "$(dirname "$0")/lib.sh"
need_wrk
command -v nginx >/dev/null 2>&1 || {
  log "installing nginx-light"
  apt-get install -y nginx-light >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y nginx-light >/dev/null; }
}
build
header

# wrk's --latency stops at p99: this script prints p50/p99/p99.9/max in milliseconds from a Lua
# done() callback. There is no request() function (wrk calls it for every request, which made wrk
# itself the bottleneck): the bearer token goes in a static header.
percentiles_lua() {
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

# measure LABEL URL [wrk args...] : one wrk run in its own session; appends
# "LABEL rps p50 p99 p99.9 max errors" to $WORK/results.
measure() {
  local label=$1 url=$2 out
  shift 2
  mkdir -p "$WORK/raw"
  out="$WORK/raw/$label.$(date +%s%N)"
  setsid -w wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$LUA" "$@" "$url" >"$out" 2>&1
  local line
  line=$(awk '$1 == "RESULT" {print $2, $3, $4, $5, $6, $7}' "$out")
  [ -n "$line" ] || { cat "$out" >&2; return 1; }
  echo "$label $line" | tee -a "$WORK/results"
}

med() { # LABEL COLUMN(2=rps 3=p50 4=p99 5=p99.9 6=max)
  awk -v l="$1" -v c="$2" '$1 == l {print $c}' "$WORK/results" | sort -g |
    awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'
}

# bench_server CHECKOUT NAME : that checkout's server, seeded with one user, in its own session;
# sets SERVER_PID, SERVER_URL and KEY.
bench_server() {
  local root=$1 name=$2 data="$WORK/$2-data" launcher
  prime_aot "$root"
  mkdir -p "$data"
  seed_from "$root" --data-dir "$data" --users 1 --tokens-out "$WORK/$name.key" 2>"$WORK/$name.seed.log"
  KEY=$(head -n 1 "$WORK/$name.key")
  SERVER_PORT=$(free_port)
  SERVER_URL="http://127.0.0.1:$SERVER_PORT"
  launcher=(setsid "$root/harmont")
  [ -n "${BENCH_SAME_SESSION:-}" ] && launcher=("$root/harmont")
  # shellcheck disable=SC2086
  "${launcher[@]}" serve --port "$SERVER_PORT" --data-dir "$data" ${BENCH_SERVER_ARGS:-} \
    >"$WORK/$name.out" 2>>"$WORK/$name.err" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "$SERVER_URL/healthz" && return 0
    sleep 0.1
  done
  log "$name did not start:"
  tail -n 20 "$WORK/$name.err" >&2
  return 1
}

# BENCH_BASELINE: another checkout (built: mvn -DskipTests -pl harmont-cli -am package), e.g. a
# `git worktree` of the commit before a change, measured in the same run, round for round.
if [ -n "${BENCH_BASELINE:-}" ]; then
  HARMONT_JAVA_OPTS=${BENCH_BASELINE_JAVA_OPTS:-${HARMONT_JAVA_OPTS:-}} bench_server "$(cd "$BENCH_BASELINE" && pwd)" base
  BASE_PID=$SERVER_PID BASE_URL=$SERVER_URL BASE_KEY=$KEY
fi
bench_server "$ROOT" server
key=$KEY
body=$(curl -fs -H "Authorization: Bearer $key" "$SERVER_URL/api/v0/user")

# nginx answering the same body, static, in its own session.
NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx"
printf '%s' "$body" >"$WORK/nginx/user.json"
# nginx's workers run as nobody: let them read the body (mktemp -d is 0700).
chmod a+rx "$WORK" "$WORK/nginx"
chmod a+r "$WORK/nginx/user.json"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /user.json { default_type application/json; root $WORK/nginx; }
  }
}
EOF
setsid nginx -c "$WORK/nginx/nginx.conf" -g 'daemon off;' 2>>"$WORK/nginx/error.log" &
PIDS+=($!)
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "http://127.0.0.1:$NGINX_PORT/user.json" && break
  sleep 0.05
done
log "server pid $SERVER_PID on $SERVER_URL, nginx on $NGINX_PORT; body ${#body} bytes"

LUA=$(percentiles_lua)
auth=(-H "Authorization: Bearer $key")
DURATION=${BENCH_WARMUP:-10s} measure warmup "http://127.0.0.1:$NGINX_PORT/user.json" >/dev/null
DURATION=${BENCH_WARMUP:-10s} measure warmup "$SERVER_URL/api/v0/user" "${auth[@]}" >/dev/null
DURATION=${BENCH_WARMUP:-10s} measure warmup "$SERVER_URL/healthz" >/dev/null
labels=(nginx user healthz)
if [ -n "${BENCH_BASELINE:-}" ]; then
  labels+=(base_user base_healthz)
  base_auth=(-H "Authorization: Bearer $BASE_KEY")
  DURATION=${BENCH_WARMUP:-10s} measure warmup "$BASE_URL/api/v0/user" "${base_auth[@]}" >/dev/null
  DURATION=${BENCH_WARMUP:-10s} measure warmup "$BASE_URL/healthz" >/dev/null
fi
echo "label rps p50_ms p99_ms p99.9_ms max_ms errors"
for _ in $(seq 1 "$ROUNDS"); do
  trim_logs
  measure nginx "http://127.0.0.1:$NGINX_PORT/user.json"
  if [ -n "${BENCH_BASELINE:-}" ]; then
    measure base_user "$BASE_URL/api/v0/user" "${base_auth[@]}"
  fi
  measure user "$SERVER_URL/api/v0/user" "${auth[@]}"
  if [ -n "${BENCH_BASELINE:-}" ]; then
    measure base_healthz "$BASE_URL/healthz"
  fi
  measure healthz "$SERVER_URL/healthz"
done
rss=$(rss_mb "$SERVER_PID")
echo
printf '%-12s %10s %8s %8s %9s %8s\n' median rps p50_ms p99_ms p99.9_ms max_ms
for l in "${labels[@]}"; do
  printf '%-12s %10s %8s %8s %9s %8s\n' "$l" "$(med "$l" 2)" "$(med "$l" 3)" "$(med "$l" 4)" "$(med "$l" 5)" "$(med "$l" 6)"
done
echo
echo "throughput user/nginx: $(ratio "$(med user 2)" "$(med nginx 2)")   (target >= 0.5)"
echo "p99 user/nginx:        $(ratio "$(med user 4)" "$(med nginx 4)")   (target <= 2)"
echo "p99 healthz/nginx:     $(ratio "$(med healthz 4)" "$(med nginx 4)")"
echo "server RSS after the runs: $rss MB (target <= 256)"
if [ -n "${BENCH_BASELINE:-}" ]; then
  echo "baseline: throughput user/nginx $(ratio "$(med base_user 2)" "$(med nginx 2)"), p99 user/nginx $(ratio "$(med base_user 4)" "$(med nginx 4)"), p99 healthz/nginx $(ratio "$(med base_healthz 4)" "$(med nginx 4)"), RSS $(rss_mb "$BASE_PID") MB"
fi
