#!/usr/bin/env bash
# Target: GET /api/v0/user with 1 million keys in the database within 10 % of the throughput with
# 1 thousand. SQLite. Requests pick one of 1000 seeded keys at random (wrk Lua), so the lookup is
# not one hot row. Both sizes run with the cache off (before) and on (after), alternated per round.
# Seeding 1M keys (10,000 users x 100 keys through AccountService) takes a few minutes;
# BENCH_1M_DIR=DIR keeps/reuses that data (DIR/harmont.db + DIR/tokens.txt).
. "$(dirname "$0")/lib.sh"
need_wrk
build
header

small="$WORK/keys-1k"
mkdir -p "$small"
log "seeding 1k keys (10 users x 100)"
seed --data-dir "$small" --users 10 --keys-per-user 100 --tokens-per-user 100 --prefix k \
  --tokens-out "$small/tokens.txt" 2>"$WORK/seed-1k.log"

big=${BENCH_1M_DIR:-$WORK/keys-1m}
if [ ! -f "$big/tokens.txt" ]; then
  mkdir -p "$big"
  log "seeding 1M keys (10,000 users x 100) into $big"
  seed --data-dir "$big" --users 10000 --keys-per-user 100 --tokens-per-user 1 --prefix m \
    --tokens-out "$big/tokens.all" 2>"$WORK/seed-1m.log"
  shuf -n 1000 "$big/tokens.all" >"$big/tokens.txt"
fi
[ -f "$big/tokens.txt" ] || { log "no tokens in $big"; exit 1; }
echo "# 1k database: $(du -h "$small/harmont.db" | cut -f1); 1M database: $(du -h "$big/harmont.db" | cut -f1)"

declare -A url
for size in 1k 1m; do
  dir=$small
  [ "$size" = 1m ] && dir=$big
  for variant in before after; do
    extra=()
    [ "$variant" = before ] && extra=(--auth-cache-ttl-ms 0)
    start_server "$size-$variant" --data-dir "$dir" "${extra[@]}"
    url[$size-$variant]=$SERVER_URL
  done
done
lua1k=$(token_lua "$small/tokens.txt")
lua1m=$(token_lua "$big/tokens.txt")
for key in 1k-before 1m-before 1k-after 1m-after; do
  lua=$lua1k
  [[ $key == 1m-* ]] && lua=$lua1m
  # The first pass also pulls the database file into the page cache.
  DURATION=10s run_wrk warmup "${url[$key]}/api/v0/user" -s "$lua" >/dev/null
done
for r in $(seq 1 "$ROUNDS"); do
  for key in 1k-before 1m-before 1k-after 1m-after; do
    lua=$lua1k
    [[ $key == 1m-* ]] && lua=$lua1m
    trim_logs
    run_wrk "$key" "${url[$key]}/api/v0/user" -s "$lua"
  done
done
echo
summary 1k-before 1m-before 1k-after 1m-after
echo
echo "ratio 1M/1k before (cache off): $(ratio "$(median 1m-before)" "$(median 1k-before)")"
echo "ratio 1M/1k after  (cache on):  $(ratio "$(median 1m-after)" "$(median 1k-after)")"
