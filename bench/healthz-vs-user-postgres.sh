#!/usr/bin/env bash
# Target: authenticated GET /api/v0/user >= 0.6 x the same server's /healthz on PostgreSQL, p99 <= 5 ms.
# Needs PostgreSQL on 127.0.0.1:5432 (BENCH_PG_URL); uses a temp schema, dropped at exit.
. "$(dirname "$0")/lib.sh"
need_wrk
build
header
schema=$(new_schema)
healthz_vs_user postgres --database-url "$(pg_url "$schema")"
