#!/usr/bin/env bash
# Targets: cold start to the first 200 <= 1.5 s; resident memory <= 256 MB after the runs.
# Cold start = from launching `./harmont serve` (the launcher, with its JVM defaults) to the first
# 200: of /healthz on an empty data dir (migrations included), and of an authenticated
# GET /api/v0/user on a seeded one. Then 2 x 10 s of wrk (healthz, user) and the RSS.
. "$(dirname "$0")/lib.sh"
need_wrk
build
header

ms() { date +%s%3N; }
first_200() { # URL [curl args] : polls every 10 ms, prints the milliseconds since $t0
  local u=$1
  shift
  until curl -fs -o /dev/null "$@" "$u" 2>/dev/null; do sleep 0.01; done
  echo $(($(ms) - t0))
}
launch() { # NAME ARGS...
  shift
  SERVER_PORT=$(free_port)
  SERVER_URL="http://127.0.0.1:$SERVER_PORT"
  "$ROOT/harmont" serve --port "$SERVER_PORT" "$@" >/dev/null 2>>"$WORK/cold.err" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
}

seeded="$WORK/cold-seeded"
mkdir -p "$seeded"
seed --data-dir "$seeded" --users 1 --tokens-out "$WORK/cold.key" 2>/dev/null
key=$(head -n 1 "$WORK/cold.key")
"$ROOT/harmont" --help >/dev/null 2>&1 || true # let the launcher build/check once, uncounted
# One uncounted start, so that the launcher's class cache exists as it does for every start but
# the first after a build (JDK 25+ records an AOT cache and writes it after the JVM exits; wait
# for that, or it would compete with the measured starts).
# Trained as a user's first start is: an empty data dir (migrations), then a few requests.
t0=$(ms)
launch training --data-dir "$WORK/cold-training"
log "training start (uncounted): $(first_200 "$SERVER_URL/healthz") ms"
curl -s -o /dev/null -H "Authorization: Bearer hm_not-a-key" "$SERVER_URL/api/v0/user" || true
stop_server "$SERVER_PID"
while [ -e "$ROOT/harmont-cli/target/harmont-serve.aot.config" ]; do sleep 0.2; done

for r in $(seq 1 "$ROUNDS"); do
  t0=$(ms)
  launch "empty-$r" --data-dir "$WORK/cold-empty-$r"
  echo "cold-empty-healthz $(first_200 "$SERVER_URL/healthz")" | tee -a "$WORK/results"
  stop_server "$SERVER_PID"
  t0=$(ms)
  launch "seeded-$r" --data-dir "$seeded"
  echo "cold-seeded-user $(first_200 "$SERVER_URL/api/v0/user" -H "Authorization: Bearer $key")" |
    tee -a "$WORK/results"
  if [ "$r" -lt "$ROUNDS" ]; then stop_server "$SERVER_PID"; fi
done
log "load on the last server, then RSS"
echo "RSS right after start: $(rss_mb "$SERVER_PID") MB"
run_wrk rss-healthz "$SERVER_URL/healthz"
run_wrk rss-user "$SERVER_URL/api/v0/user" -H "Authorization: Bearer $key"
: >"$WORK/cold.err"
echo "RSS after the runs: $(rss_mb "$SERVER_PID") MB (peak VmHWM $(awk '/^VmHWM:/ {printf "%.0f", $2/1024}' /proc/$SERVER_PID/status) MB)"
echo "JVM options: $(tr '\0' ' ' </proc/$SERVER_PID/cmdline)"
echo
echo "median cold start, empty data dir, to /healthz 200:       $(median cold-empty-healthz) ms"
echo "median cold start, seeded data dir, to GET /api/v0/user 200: $(median cold-seeded-user) ms"
