#!/usr/bin/env bash
# Issue 23: normal mail delivery is immediate. From the commit of a write that queued a message to
# the SMTP server (GreenMail, local) accepting it, with the sender woken by the commit (its poll
# set to an hour, so the poll cannot be what delivers). SQLite, and PostgreSQL at BENCH_PG_URL.
#
# Runs MailSenderTest#eachCommittedMessageIsAcceptedWithoutWaitingForThePoll (100 messages, one
# at a time, per database) BENCH_ROUNDS times and reports the median of each percentile. The test
# asserts only that every message was accepted; the latency is judged here, with the load average.
. "$(dirname "$0")/lib.sh"

OUT="$ROOT/harmont-server/target/surefire-reports/dev.harmont.server.mail.MailSenderTest-output.txt"

echo "# $(basename "$0") — $(date -u +%FT%TZ)"
echo "# $(nproc) cores, $("$JAVA" -version 2>&1 | head -n 1), $ROUNDS rounds, PostgreSQL at $PG_URL"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'round\tdatabase\tp50\tp90\tp99\tmax (ms)\tload average\n'
for round in $(seq 1 "$ROUNDS"); do
  log "round $round of $ROUNDS"
  (cd "$ROOT" && HARMONT_TEST_POSTGRES_URL="$PG_URL" mvn -B -q -pl harmont-server -am verify \
    -Dtest='MailSenderTest#eachCommittedMessageIsAcceptedWithoutWaitingForThePoll' \
    -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dspotless.check.skip=true) \
    >"$WORK/mvn.$round.log" 2>&1 ||
    { log "the test failed: $WORK/mvn.$round.log"; BENCH_KEEP=1; exit 1; }
  # "mail sqlite: commit → accepted by SMTP over 100: p50 1.2 ms, p90 …, p99 …, max … ms (load average …)"
  sed -n 's/^mail \([a-z]*\): commit .* p50 \([0-9.]*\) ms, p90 \([0-9.]*\) ms, p99 \([0-9.]*\) ms, max \([0-9.]*\) ms (load average \([0-9.]*\).*/\1|\2|\3|\4|\5|\6/p' "$OUT" |
    tee -a "$WORK/raw" | tr '|' '\t' | sed "s/^/round $round\t/"
done

median_of() {
  awk -F'|' -v w="$1" -v c="$2" '$1 == w {print $c}' "$WORK/raw" | sort -g |
    awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'
}

echo
printf '%-12s %8s %8s %8s %8s\n' "median of $ROUNDS" p50 p90 p99 max
for db in sqlite postgresql; do
  grep -q "^$db|" "$WORK/raw" || continue
  printf '%-12s %8s %8s %8s %8s\n' "$db" "$(median_of "$db" 2)" "$(median_of "$db" 3)" "$(median_of "$db" 4)" "$(median_of "$db" 5)"
done
