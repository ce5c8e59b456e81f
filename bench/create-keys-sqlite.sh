#!/usr/bin/env bash
# Target: POST /api/v0/user/api-tokens >= 4k/s on SQLite with p99 <= 30 ms at 16 connections.
# Runs with --sqlite-synchronous FULL (the default: fsync per commit) and NORMAL, alternated.
# Creations are spread over many users with the default limit of 100 live keys per user: each
# run gets its own 1500 seeded users, and wrk's Lua script picks one of their tokens per request.
. "$(dirname "$0")/lib.sh"
need_wrk
build
CONNS=${BENCH_CONNS:-16}
header

declare -A url
for sync in FULL NORMAL; do
  dir="$WORK/create-$sync"
  mkdir -p "$dir"
  log "seeding $((ROUNDS + 1)) x 1500 users for $sync"
  seed --data-dir "$dir" --users $(((ROUNDS + 1) * 1500)) --prefix c \
    --tokens-out "$dir/tokens.all" 2>"$WORK/seed-$sync.log"
  split -l 1500 -d "$dir/tokens.all" "$dir/tokens."
  start_server "create-$sync" --data-dir "$dir" --sqlite-synchronous "$sync"
  url[$sync]=$SERVER_URL
done
body='{"description":"bench"}'
# The write path has more code to compile than a GET: on 2 cores C2 is still busy for ~30 s,
# and a 5 s warm-up left the first round at half the steady rate.
for sync in FULL NORMAL; do
  DURATION=${BENCH_WARMUP:-30s} run_wrk warmup "${url[$sync]}/api/v0/user/api-tokens" \
    -s "$(token_lua "$WORK/create-$sync/tokens.00" POST "$body")" >/dev/null
done
for r in $(seq 1 "$ROUNDS"); do
  for sync in FULL NORMAL; do
    trim_logs
    run_wrk "create-$sync" "${url[$sync]}/api/v0/user/api-tokens" \
      -s "$(token_lua "$WORK/create-$sync/tokens.0$r" POST "$body")"
  done
done
echo
summary create-FULL create-NORMAL
