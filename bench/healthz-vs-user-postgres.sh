#!/usr/bin/env bash
# Target: authenticated GET /api/v0/user >= 0.6 x the same server's /healthz on PostgreSQL, p99 <= 5 ms.
# Needs PostgreSQL on 127.0.0.1:5432 (BENCH_PG_URL); uses a temp schema, dropped at exit.
#
# By default "before" is the cache off and "after" the shipped settings, one server after the other
# (healthz_vs_user). Setting BENCH_BEFORE or BENCH_AFTER (the flags of each variant, e.g. the
# authentication cache's TTLs) or BENCH_KEYS (requests pick one of that many keys) runs both
# servers at once, alternated per round (healthz_vs_user_alternated), e.g. the notified TTL:
#   BENCH_KEYS=10000 BENCH_BEFORE='--auth-cache-notified-ttl-ms 0' BENCH_AFTER= bench/healthz-vs-user-postgres.sh
. "$(dirname "$0")/lib.sh"
need_wrk
build
header
schema=$(new_schema)
if [ -n "${BENCH_BEFORE+x}${BENCH_AFTER+x}${BENCH_KEYS+x}" ]; then
  echo "# BENCH_KEYS=${BENCH_KEYS:-1} BENCH_BEFORE='${BENCH_BEFORE---auth-cache-ttl-ms 0}' BENCH_AFTER='${BENCH_AFTER:-}'"
  healthz_vs_user_alternated postgres --database-url "$(pg_url "$schema")"
else
  healthz_vs_user postgres --database-url "$(pg_url "$schema")"
fi
