# shellcheck shell=bash
# Sourced by ./run-tests: the PostgreSQL the suites run on.
# - HARMONT_TEST_POSTGRES_URL set: that database, as it is.
# - else a PostgreSQL answering on 127.0.0.1:5432 to psql as HARMONT_DATABASE_USER, else PGUSER,
#   else `postgres` (password: HARMONT_DATABASE_PASSWORD, else PGPASSWORD, else none): a throwaway
#   database harmont_run_<random> for this run, dropped when the run ends, also on a failure or
#   an interrupt (harmont_test_postgres_drop, from ./run-tests' EXIT trap);
# - else the PostgreSQL suites do not run, and HARMONT_POSTGRES_NOTE says why (the summary shows
#   it); with HARMONT_REQUIRE_POSTGRES=1 (CI) that is an error instead.
# Sets HARMONT_POSTGRES_NOTE, the line for the summary.

HARMONT_RUN_DATABASE=''
HARMONT_POSTGRES_NOTE=''

harmont_test_postgres_setup() {
  if [ -n "${HARMONT_TEST_POSTGRES_URL:-}" ]; then
    HARMONT_POSTGRES_NOTE="PostgreSQL suites on: HARMONT_TEST_POSTGRES_URL."
    return 0
  fi
  local why=''
  if ! command -v psql >/dev/null 2>&1; then
    why="no psql here to reach 127.0.0.1:5432 (Debian: apt-get install postgresql-client)"
  else
    local user=${HARMONT_DATABASE_USER:-${PGUSER:-postgres}}
    local password=${HARMONT_DATABASE_PASSWORD:-${PGPASSWORD:-}}
    local out
    if out=$(harmont_psql "$user" "$password" 'SELECT 1' 2>&1); then
      local name
      name="harmont_run_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
      if out=$(harmont_psql "$user" "$password" "CREATE DATABASE $name" 2>&1); then
        HARMONT_RUN_DATABASE=$name
        HARMONT_RUN_DATABASE_USER=$user
        HARMONT_RUN_DATABASE_PASSWORD=$password
        local url="jdbc:postgresql://127.0.0.1:5432/$name"
        # Credentials: the user in the URL unless HARMONT_DATABASE_USER names it (both would
        # conflict); a password from PGPASSWORD reaches the tests as HARMONT_DATABASE_PASSWORD.
        [ -n "${HARMONT_DATABASE_USER:-}" ] || url="$url?user=$user"
        if [ -n "$password" ] && [ -z "${HARMONT_DATABASE_PASSWORD:-}" ]; then
          export HARMONT_DATABASE_PASSWORD=$password
        fi
        export HARMONT_TEST_POSTGRES_URL=$url
        HARMONT_POSTGRES_NOTE="PostgreSQL suites on: 127.0.0.1:5432 as $user, in the throwaway database $name (dropped at the end)."
        return 0
      fi
      why="PostgreSQL at 127.0.0.1:5432 refused CREATE DATABASE as $user: $(echo "$out" | head -n 1)"
    elif [[ $out == *"Connection refused"* || $out == *"could not connect"* || $out == *"timeout expired"* ]]; then
      why="no PostgreSQL answers on 127.0.0.1:5432"
    else
      why="PostgreSQL at 127.0.0.1:5432 answers, but not to $user: $(echo "$out" | head -n 1) (set PGUSER/PGPASSWORD)"
    fi
  fi
  HARMONT_POSTGRES_NOTE="PostgreSQL suites NOT run: $why (or set HARMONT_TEST_POSTGRES_URL=jdbc:postgresql://HOST:PORT/DB?user=USER)."
  if [ "${HARMONT_REQUIRE_POSTGRES:-}" = 1 ]; then
    echo "run-tests: HARMONT_REQUIRE_POSTGRES=1, but $why" >&2
    return 1
  fi
  return 0
}

# psql USER PASSWORD SQL: one statement on the database `postgres` of 127.0.0.1:5432.
harmont_psql() {
  PGPASSWORD=$2 PGCONNECT_TIMEOUT=5 psql -X -q -A -t -v ON_ERROR_STOP=1 -w \
    -h 127.0.0.1 -p 5432 -U "$1" -d postgres -c "$3"
}

# Drops this run's throwaway database, if it made one (its connections too).
harmont_test_postgres_drop() {
  [ -n "$HARMONT_RUN_DATABASE" ] || return 0
  local name=$HARMONT_RUN_DATABASE
  HARMONT_RUN_DATABASE=''
  harmont_psql "$HARMONT_RUN_DATABASE_USER" "$HARMONT_RUN_DATABASE_PASSWORD" \
    "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 ||
    harmont_psql "$HARMONT_RUN_DATABASE_USER" "$HARMONT_RUN_DATABASE_PASSWORD" \
      "DROP DATABASE IF EXISTS $name" >/dev/null 2>&1 || # before PostgreSQL 13
    echo "run-tests: could not drop the database $name at 127.0.0.1:5432: drop it by hand" >&2
}
