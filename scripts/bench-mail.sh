#!/usr/bin/env bash
# Issue 13's P5 figure with the release binary: publication mails drained to a loopback
# SMTP sink (aiosmtpd), against the sink's own capacity (Python smtplib, one connection).
#
#   1. a union of HOUSEHOLDS households, each registered through the wizard (a welcome mail
#      each) while `kenpo serve` has no SMTP server, then PUBLICATIONS claim files imported
#      and published (a mail per household each): HOUSEHOLDS × (PUBLICATIONS + 1) mails;
#   2. `kenpo serve` again, now with the sink: the time from its start to the last mail;
#   3. every recipient must have exactly PUBLICATIONS + 1 mails (none lost, none twice).
#
# Usage: scripts/bench-mail.sh [HOUSEHOLDS] [PUBLICATIONS]    (default 1000 9: 10,000 mails)
# Env:   KENPO (binary; default target/release/kenpo), KENPO_SMTP_CONNECTIONS, KEEP=1.
# Exit:  non-zero when a mail is lost or doubled, or the drain is slower than the goal
#        (10,000 mails in 60 s, i.e. 166.7 mails/s).
set -uo pipefail
cd "$(dirname "$0")/.."

HOUSEHOLDS=${1:-1000}
PUBLICATIONS=${2:-9}
GOAL_RATE=166.7
KENPO=${KENPO:-target/release/kenpo}
[ -x "$KENPO" ] || { echo "build first: cargo build --release ($KENPO not found)" >&2; exit 1; }
command -v bc >/dev/null || { echo "needs bc: apt-get install bc" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/kenpo-bench-mail.XXXXXX")
source scripts/faults-live.sh
SINK_PID=""
cleanup() {
  cleanup_live 2>/dev/null
  [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null
  [ "${KEEP:-0}" = 1 ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

# start_sink PORT STATUS_FILE: the counting sink (scripts/bench_mail_sink.py).
start_sink() {
  PYTHONPATH=scripts "$SMTP_PY" -m aiosmtpd -n -l "127.0.0.1:$1" -c bench_mail_sink.Counter "$2" \
    2>>"$WORK/aiosmtpd.log" &
  SINK_PID=$!
  for _ in $(seq 200); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
stop_sink() { kill "$SINK_PID" 2>/dev/null; wait "$SINK_PID" 2>/dev/null; SINK_PID=""; }

echo "== $HOUSEHOLDS households register, then $PUBLICATIONS publications (in $WORK)"
make_union "$WORK" "$HOUSEHOLDS" 0 || { echo "could not build the union" >&2; exit 1; }
start_serve "$WORK/kenpo.redb" "$WORK/serve.log" || exit 1
$LOAD storm "$URL" "$WORK/postcards.csv" "$WORK/done.txt" 100000 8 --until-registered \
  >"$WORK/storm.txt" 2>>"$WORK/load.err"
stop_serve
registered=$(wc -l <"$WORK/done.txt")
for p in $(seq "$PUBLICATIONS"); do
  claim_file "$WORK/claims$p.csv" "P$p" "$HOUSEHOLDS" "$HOUSEHOLDS"
  "$KENPO" --data "$WORK/kenpo.redb" import claims --publish "$WORK/claims$p.csv" \
    </dev/null >"$WORK/import.txt" 2>&1 || { cat "$WORK/import.txt" >&2; exit 1; }
done
expected=$((registered * (PUBLICATIONS + 1)))

echo "== draining $expected mails"
port=$(free_port)
start_sink "$port" "$WORK/sink.txt" || { echo "aiosmtpd did not start" >&2; exit 1; }
t0=$(now)
start_serve "$WORK/kenpo.redb" "$WORK/serve.log" "$port" || exit 1
deadline=$(echo "$t0 + 60 + $expected / 10" | bc)
while :; do
  read -r mails first last connections recipients least most 2>/dev/null <"$WORK/sink.txt"
  [ "${mails:-0}" -ge "$expected" ] && break
  [ "$(echo "$(now) > $deadline" | bc)" = 1 ] && break
  sleep 0.5
done
sleep 2 # a mail sent twice would arrive now
read -r mails first last connections recipients least most <"$WORK/sink.txt"
stop_serve
stop_sink
drain=$(echo "$last - $t0" | bc)
rate=$(echo "scale=1; $mails / $drain" | bc)

# The floor: the same sink's capacity for Python's smtplib on one connection.
port=$(free_port)
start_sink "$port" "$WORK/floor.txt" || exit 1
"$SMTP_PY" - "$port" 2000 <<'EOF'
import smtplib, sys
from email.message import EmailMessage
port, n = int(sys.argv[1]), int(sys.argv[2])
msg = EmailMessage()
msg["From"], msg["To"], msg["Subject"] = "kenpo@example.jp", "floor@example.jp", "floor"
msg.set_content("本文です。\n" * 20)
with smtplib.SMTP("127.0.0.1", port) as s:
    for i in range(n):
        s.sendmail("kenpo@example.jp", ["floor%d@example.jp" % i], msg.as_bytes())
EOF
sleep 0.5
read -r fmails ffirst flast _ <"$WORK/floor.txt"
stop_sink
floor=$(echo "scale=1; ($fmails - 1) / ($flast - $ffirst)" | bc)

lost=$((expected - mails))
ok=1
{ [ "$mails" -eq "$expected" ] && [ "$recipients" -eq "$registered" ] &&
  [ "$least" -eq $((PUBLICATIONS + 1)) ] && [ "$most" -eq $((PUBLICATIONS + 1)) ]; } || ok=0
[ "$(echo "$rate >= $GOAL_RATE" | bc)" = 1 ] || ok=0
echo "P5 mails: $mails of $expected in $drain s from start over $connections connections = $rate mails/s (goal ≥ $GOAL_RATE)"
echo "P5 per recipient: least $least, most $most (expected $((PUBLICATIONS + 1)) each); lost $lost"
echo "P5 floor: the sink takes $floor mails/s from smtplib on one connection; kenpo ÷ floor = $(echo "scale=3; $rate / $floor" | bc)"
[ "$ok" = 1 ] && echo "P5 ok" || { echo "P5 MISSED"; exit 1; }
