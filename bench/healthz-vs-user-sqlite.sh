#!/usr/bin/env bash
# Target: authenticated GET /api/v0/user >= 0.85 x the same server's /healthz on SQLite, p99 <= 5 ms.
# One server per variant on a temp data dir; "before" = auth cache off, "after" = the default.
. "$(dirname "$0")/lib.sh"
need_wrk
build
header
healthz_vs_user sqlite --data-dir "$WORK/sqlite-data"
