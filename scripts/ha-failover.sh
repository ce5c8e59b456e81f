#!/usr/bin/env bash
# Proves that losing the PostgreSQL primary is survivable (docs/high-availability.md):
#
#   1. builds a pg_auto_failover formation on loopback ports in a temporary directory: a monitor,
#      a primary and a synchronous standby (pg_autoctl runs as the `postgres` user), with the
#      monitor settings that bound the failover time;
#   2. starts two `harmont serve` nodes on the multi-host URL
#      jdbc:postgresql://127.0.0.1:P1,127.0.0.1:P2/harmont?targetServerType=primary
#      behind nginx (its own configuration, upstream of both nodes, --trusted-proxies 127.0.0.1),
#      or HAProxy with health checks on /readyz (HA_BALANCER=haproxy);
#   3. runs clients creating and revoking keys through the balancer (scripts/HaFailoverClient.java),
#      and kill -9s the primary's postgres and its keeper while they run;
#   4. reports the keys acknowledged before/after, the time until writes succeed again, the answers
#      seen during the failover, and whether every acknowledged key authenticates and every revoked
#      key stays revoked on both nodes, asked directly.
#
# Exits 0 when the target is met (nothing acknowledged lost, nothing revoked resurrected, writes
# back within HA_TARGET_SECONDS, default 15, no node restarted), 1 when it is missed, 2 when the
# set-up failed. Everything it starts is stopped and its directory removed on exit, whatever
# happens. Needs root (for the `postgres` user and apt-get) or passwordless sudo.
#
# Environment: HA_BALANCER (nginx or haproxy), HA_CLIENTS (4), HA_BEFORE_SECONDS (8),
# HA_AFTER_SECONDS (8), HA_TARGET_SECONDS (15); HA_KEEP=1 keeps the temporary directory (logs).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
balancer=${HA_BALANCER:-nginx}
clients=${HA_CLIENTS:-4}
before=${HA_BEFORE_SECONDS:-8}
after=${HA_AFTER_SECONDS:-8}
target=${HA_TARGET_SECONDS:-15}

# The monitor settings that bound the failover (docs/high-availability.md explains each).
HEALTH_CHECK_PERIOD_MS=1000
HEALTH_CHECK_TIMEOUT_MS=1000
HEALTH_CHECK_MAX_RETRIES=1
HEALTH_CHECK_RETRY_DELAY_MS=500
NODE_UNHEALTHY_TIMEOUT_MS=3000
PRIMARY_DEMOTE_TIMEOUT_MS=4000
# Keeper side: an isolated primary stops itself after this many seconds, before the monitor
# (unhealthy + demote timeouts, 7 s) may promote the standby: never two primaries.
NETWORK_PARTITION_TIMEOUT_S=3

say() { printf '%s ha-failover: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fail() {
  say "set-up failed: $*"
  exit 2
}

# --- what it needs ------------------------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
  AS_POSTGRES=(runuser -u postgres --)
else
  command -v sudo >/dev/null || fail "run as root, or with passwordless sudo"
  SUDO=(sudo -n)
  AS_POSTGRES=(sudo -n -u postgres)
fi

missing=()
# pg_auto_failover's Debian package for PostgreSQL 15 (its extension is built for that major).
PG_MAJOR=15
[ -x /usr/bin/pg_autoctl ] && [ -x "/usr/lib/postgresql/$PG_MAJOR/bin/pg_ctl" ] ||
  missing+=("postgresql-$PG_MAJOR-auto-failover")
case "$balancer" in
  nginx) command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light) ;;
  haproxy) command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy) ;;
  *) fail "HA_BALANCER must be nginx or haproxy, not '$balancer'" ;;
esac
command -v ss >/dev/null || missing+=(iproute2)
command -v curl >/dev/null || missing+=(curl)
command -v pgrep >/dev/null || missing+=(procps)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq >&2
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 ||
    fail "could not install ${missing[*]}"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
[ -x "$PGBIN/pg_ctl" ] || fail "no PostgreSQL $PG_MAJOR server binaries in $PGBIN"
id postgres >/dev/null 2>&1 || fail "no postgres user (the postgresql packages create it)"

# shellcheck source=scripts/jdk.sh
. "$root/scripts/jdk.sh"
harmont_find_jdk || exit 2
# ./harmont builds the jar when it is missing or older than the sources, as for any command.
"$root/harmont" --version >/dev/null || fail "could not build harmont (see above)"
jar="$root/harmont-cli/target/harmont.jar"
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms64m -Xmx160m)

# --- clean-up, whatever happens ---------------------------------------------------------------
work=$(mktemp -d /tmp/harmont-ha.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/pg" "$work/pg/xdg/config" "$work/pg/xdg/data" "$work/pg/xdg/run" "$work/nginx" "$work/haproxy"
"${SUDO[@]}" chown -R postgres "$work/pg"
chmod 700 "$work/pg/xdg/run"
# pg_autoctl keeps state files under XDG folders: inside the work dir, not in postgres's home.
pg_env=(env "PATH=$PGBIN:/usr/sbin:/usr/bin:/sbin:/bin" "HOME=$work/pg"
  "XDG_CONFIG_HOME=$work/pg/xdg/config" "XDG_DATA_HOME=$work/pg/xdg/data"
  "XDG_RUNTIME_DIR=$work/pg/xdg/run")
as_postgres() { "${AS_POSTGRES[@]}" "${pg_env[@]}" "$@"; }

started=() # everything started, each the leader of its own session
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}
kill_tree() { # kill -9 a process, its process group and everything below it
  local pids
  pids="$1 $(descendants "$1" | tr '\n' ' ')"
  "${SUDO[@]}" kill -9 -- "-$1" 2>/dev/null || true
  # shellcheck disable=SC2086
  "${SUDO[@]}" kill -9 $pids 2>/dev/null || true
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  say "cleaning up"
  local pid
  for pid in "${started[@]}"; do
    kill_tree "$pid"
  done
  # Anything left that runs from this run's own directory (a postgres whose parent is gone).
  for pid in $(pgrep -f -- "$work/" 2>/dev/null || true); do
    "${SUDO[@]}" kill -9 "$pid" 2>/dev/null || true
  done
  if [ "${HA_KEEP:-0}" = 1 ]; then
    say "kept $work"
  else
    "${SUDO[@]}" rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bg_pid=
start_bg() { # start_bg LOG COMMAND...: in its own session, remembered for clean-up
  local log=$1
  shift
  setsid "$@" >"$log" 2>&1 </dev/null &
  bg_pid=$!
  disown "$bg_pid" # killed on purpose: no "Killed" notice from the shell
  started+=("$bg_pid")
}

used_ports=" "
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    case "$used_ports" in *" $port "*) continue ;; esac
    if ! ss -Hltn "sport = :$port" | grep -q .; then
      used_ports="$used_ports$port "
      echo "$port"
      return
    fi
  done
}
pick_ports() {
  PM=$(free_port)
  used_ports="$used_ports$PM "
  P1=$(free_port)
  used_ports="$used_ports$P1 "
  P2=$(free_port)
  used_ports="$used_ports$P2 "
  H1=$(free_port)
  used_ports="$used_ports$H1 "
  H2=$(free_port)
  used_ports="$used_ports$H2 "
  NG=$(free_port)
  used_ports="$used_ports$NG "
  ST=$(free_port)
}
pick_ports

monitor_sql() {
  "$PGBIN/psql" -X -q -At -h 127.0.0.1 -p "$PM" -U postgres -d pg_auto_failover -c "$1"
}
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt "$deadline" ] || fail "timed out waiting for $what"
    sleep 0.5
  done
}
states_are() { # states_are 'n1:primary n2:secondary'
  local want=$1 have
  have=$(monitor_sql "SELECT string_agg(nodename || ':' || reportedstate, ' ' ORDER BY nodename)
                      FROM pgautofailover.node WHERE reportedstate = goalstate")
  [ "$have" = "$want" ]
}

# --- 1. the formation -------------------------------------------------------------------------
say "monitor on 127.0.0.1:$PM, PostgreSQL nodes on $P1 and $P2, work dir $work"
as_postgres pg_autoctl create monitor --pgdata "$work/pg/monitor" --pgport "$PM" \
  --hostname 127.0.0.1 --listen 127.0.0.1 --auth trust --no-ssl >"$work/monitor-create.log" 2>&1 ||
  fail "pg_autoctl create monitor (see $work/monitor-create.log)"
# Set before the monitor runs, so its health checks use them from the start.
"${AS_POSTGRES[@]}" tee -a "$work/pg/monitor/postgresql.conf" >/dev/null <<CONF
# ha-failover.sh: bound the failover time (docs/high-availability.md)
pgautofailover.health_check_period = $HEALTH_CHECK_PERIOD_MS
pgautofailover.health_check_timeout = $HEALTH_CHECK_TIMEOUT_MS
pgautofailover.health_check_max_retries = $HEALTH_CHECK_MAX_RETRIES
pgautofailover.health_check_retry_delay = $HEALTH_CHECK_RETRY_DELAY_MS
pgautofailover.node_considered_unhealthy_timeout = $NODE_UNHEALTHY_TIMEOUT_MS
pgautofailover.primary_demote_timeout = $PRIMARY_DEMOTE_TIMEOUT_MS
CONF
start_bg "$work/monitor.log" "${AS_POSTGRES[@]}" "${pg_env[@]}" pg_autoctl run --pgdata "$work/pg/monitor"
wait_for 60 "the monitor" monitor_sql "SELECT 1"
monitor_uri="postgres://autoctl_node@127.0.0.1:$PM/pg_auto_failover?sslmode=disable"

declare -A keeper_pid pg_port=([n1]=$P1 [n2]=$P2)
for node in n1 n2; do
  as_postgres pg_autoctl create postgres --pgdata "$work/pg/$node" --pgport "${pg_port[$node]}" \
    --hostname 127.0.0.1 --listen 127.0.0.1 --name "$node" --auth trust --no-ssl \
    --monitor "$monitor_uri" --dbname harmont >"$work/$node-create.log" 2>&1 ||
    fail "pg_autoctl create postgres $node (see $work/$node-create.log)"
  as_postgres pg_autoctl config set --pgdata "$work/pg/$node" \
    timeout.network_partition_timeout "$NETWORK_PARTITION_TIMEOUT_S" >/dev/null
  start_bg "$work/$node.log" "${AS_POSTGRES[@]}" "${pg_env[@]}" pg_autoctl run --pgdata "$work/pg/$node"
  keeper_pid[$node]=$bg_pid
  if [ $node = n1 ]; then
    wait_for 90 "n1 to become the primary" states_are "n1:single"
  fi
done
wait_for 120 "a primary and a secondary" states_are "n1:primary n2:secondary"
sync_names=$("$PGBIN/psql" -X -At -h 127.0.0.1 -p "$P1" -U postgres -d harmont \
  -c "SHOW synchronous_standby_names")
say "formation ready: n1 primary, n2 secondary; synchronous_standby_names = '$sync_names'"
[ -n "$sync_names" ] || fail "the standby is not synchronous"

# --- 2. two harmont nodes behind the balancer ----------------------------------------------------
url="jdbc:postgresql://127.0.0.1:$P1,127.0.0.1:$P2/harmont?targetServerType=primary"
db_flags=(--database-url "$url" --database-user postgres)
owner=$("${java[@]}" -jar "$jar" admin create-user --email ha@example.org --name 'HA test' \
  "${db_flags[@]}" 2>"$work/create-user.log" | tail -n 1) ||
  fail "harmont admin create-user (see $work/create-user.log)"
# --auth-failure-limit 0: the check afterwards presents every revoked key from one address, and
# would be throttled (429) after 60 of them; everything else is the default configuration.
declare -A node_pid
for node in 1 2; do
  port_var=H$node
  start_bg "$work/harmont-$node.log" "${java[@]}" -jar "$jar" serve --host 127.0.0.1 \
    --port "${!port_var}" --data-dir "$work/harmont-$node" "${db_flags[@]}" \
    --trusted-proxies 127.0.0.1 --max-keys-per-user 1000000 --auth-failure-limit 0
  node_pid[$node]=$bg_pid
done
for node in 1 2; do
  port_var=H$node
  wait_for 60 "harmont node $node" curl -fsS "http://127.0.0.1:${!port_var}/readyz"
done

if [ "$balancer" = nginx ]; then
  cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path $work/nginx/client_body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream harmont {
    server 127.0.0.1:$H1;
    server 127.0.0.1:$H2;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$NG;
    location / {
      proxy_pass http://harmont;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
    }
  }
}
CONF
  start_bg "$work/nginx/stderr.log" "$NGINX" -p "$work/nginx" -e "$work/nginx/error.log" \
    -c "$work/nginx/nginx.conf"
else
  # Active checks on /readyz: a node that cannot write is taken out. The backup servers have no
  # check and are used only when no node is ready (a database failover): clients then get
  # Harmont's 503 envelope with Retry-After rather than HAProxy's own 503 page.
  cat >"$work/haproxy/haproxy.cfg" <<CONF
global
  maxconn 512
  pidfile $work/haproxy/haproxy.pid
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  option forwardfor
  option http-keep-alive
backend harmont
  # HTTP/1.1 with a Host (HAProxy's default HTTP/1.0 check works too since issue 25).
  option httpchk
  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host harmont
  http-check expect status 200
  # /readyz answers within 2 s even when the database does not: wait for that answer.
  timeout check 3s
  default-server inter 1s fall 2 rise 2
  server n1 127.0.0.1:$H1 check
  server n2 127.0.0.1:$H2 check
  server n1-last-resort 127.0.0.1:$H1 backup
  server n2-last-resort 127.0.0.1:$H2 backup
frontend api
  bind 127.0.0.1:$NG
  default_backend harmont
frontend stats
  bind 127.0.0.1:$ST
  stats enable
  stats uri /stats
CONF
  "$HAPROXY" -c -q -f "$work/haproxy/haproxy.cfg" || fail "haproxy rejects its configuration"
  start_bg "$work/haproxy/stderr.log" "$HAPROXY" -db -f "$work/haproxy/haproxy.cfg"
fi
wait_for 30 "$balancer" curl -fsS "http://127.0.0.1:$NG/readyz"
say "harmont nodes on $H1 and $H2 (pids ${node_pid[1]} ${node_pid[2]}), $balancer on $NG"

# --- 3. clients through the balancer, and the kill -------------------------------------------------
primary=$(monitor_sql "SELECT nodename FROM pgautofailover.node WHERE reportedstate = 'primary'")
[ "$primary" = n1 ] || fail "expected n1 to be the primary, found '$primary'"
postmaster=$(head -n 1 "$work/pg/$primary/postmaster.pid")
# The kill: the primary's keeper and its postgres (postmaster and every backend), all at once.
cat >"$work/kill.sh" <<KILL
descendants() { local c; for c in \$(ps -o pid= --ppid "\$1"); do echo "\$c"; descendants "\$c"; done; }
pids=\$(printf '%s\\n' ${keeper_pid[$primary]} $postmaster \$(descendants ${keeper_pid[$primary]}) \$(descendants $postmaster) | sort -u | tr '\\n' ' ')
kill -9 \$pids
date +%s%3N
echo "\$(date +%H:%M:%S.%3N) ha-failover: kill -9 of the primary's keeper and postgres: \$(echo \$pids | wc -w) processes" >&2
KILL
kill_cmd="${SUDO[*]} bash $work/kill.sh"
say "clients: $clients through $balancer; kill -9 of the primary ($primary) after ${before} s"
set +e
"${java[@]}" -cp "$root/harmont-cli/target/libs/*" "$root/scripts/HaFailoverClient.java" \
  "http://127.0.0.1:$NG" "$owner" "http://127.0.0.1:$H1,http://127.0.0.1:$H2" "$kill_cmd" \
  "$clients" "$before" "$after" "$target" 60 | tee "$work/report.txt"
verdict=${PIPESTATUS[0]}
set -e

# --- 4. the rest of the report ----------------------------------------------------------------
restarted=0
for node in 1 2; do
  if ! kill -0 "${node_pid[$node]}" 2>/dev/null; then
    echo "harmont node $node is no longer running"
    restarted=1
  fi
done
echo "harmont nodes: both still the processes started at the beginning: $([ $restarted = 0 ] && echo yes || echo NO)"
echo "monitor settings: health_check_period=${HEALTH_CHECK_PERIOD_MS}ms health_check_timeout=${HEALTH_CHECK_TIMEOUT_MS}ms" \
  "health_check_max_retries=$HEALTH_CHECK_MAX_RETRIES health_check_retry_delay=${HEALTH_CHECK_RETRY_DELAY_MS}ms" \
  "node_considered_unhealthy_timeout=${NODE_UNHEALTHY_TIMEOUT_MS}ms primary_demote_timeout=${PRIMARY_DEMOTE_TIMEOUT_MS}ms" \
  "network_partition_timeout=${NETWORK_PARTITION_TIMEOUT_S}s"
echo "formation afterwards:"
as_postgres pg_autoctl show state --pgdata "$work/pg/monitor" 2>/dev/null | sed 's/^/  /'
echo "monitor events of the failover:"
monitor_sql "SELECT to_char(eventtime, 'HH24:MI:SS.MS') || '  ' || nodename || ': ' || reportedstate
             || ' -> ' || goalstate FROM pgautofailover.event
             WHERE eventtime > now() - interval '90 seconds' ORDER BY eventid" | tail -n 12 | sed 's/^/  /'
for node in 1 2; do
  port_var=H$node
  echo "GET /readyz on harmont node $node afterwards: $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${!port_var}/readyz")"
done
if [ "$balancer" = haproxy ]; then
  echo "haproxy health checks on /readyz (state changes, then each server's state now):"
  grep -Eo 'Server harmont/[a-z0-9-]+ is (DOWN|UP)[^,]*' "$work/haproxy/stderr.log" | sed 's/^/  /' || true
  curl -s "http://127.0.0.1:$ST/stats;csv" | awk -F, '$1 == "harmont" && $2 != "BACKEND" { print "  " $2 ": " $18 }'
fi
if [ "$verdict" -ne 0 ] || [ $restarted -ne 0 ]; then
  say "TARGET MISSED"
  exit 1
fi
say "TARGET MET"
