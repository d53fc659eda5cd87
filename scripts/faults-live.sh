# shellcheck shell=bash
# Items 1, 2, 3, 7 and 8 of scripts/faults: the real `kenpo serve` (release build) under
# load from scripts/faults-load.py, killed, stopped, starved of mail and of disk.
# Sourced by scripts/faults, which provides WORK and reads FIGURE, LIMIT and OK
# (1 pass, 0 fail, 2 skipped) from each item_<name>.
#
# Environment (defaults are the full run; shorten them for a dry run):
#   KENPO                    the binary (default target/release/kenpo, built if missing)
#   KENPO_CRASH_CLAIMS       claims in the crash file (1000000)
#   KENPO_CRASH_HOUSEHOLDS   households in it (10000; each postcard costs one argon2 hash
#                            at set-up, and a storm registers a few hundred)
#   KENPO_CRASH_ROUNDS       SIGKILLs (5)
#   KENPO_CRASH_IMPORT       rows of the import cut by each kill (200000)
#   KENPO_MAIL_HOUSEHOLDS    households notified during the mail outage (2000)
#   KENPO_MAIL_OUTAGE_SECS   how long SMTP stays down (600)
#   KENPO_TERM_CLAIMS        claims in the SIGTERM file (100000)
#   KENPO_TERM_ROUNDS        SIGTERMs (4)
#   KENPO_SOAK_SECS          soak duration (1800)
#   KEEP_SOAK_RSS            a file to keep the soak's RSS samples in (seconds, MiB)

LOAD="python3 scripts/faults-load.py"
SMTP_PY=/usr/bin/python3
SERVE_PID=""
SMTP_PID=""

kenpo_bin() {
  KENPO="${KENPO:-target/release/kenpo}"
  if [ ! -x "$KENPO" ]; then
    echo "building $KENPO (cargo build --release)" >&2
    cargo build --release --locked >&2 || return 1
  fi
}

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l | xargs printf '%.2f'; }

# A union in DIR: HOUSEHOLDS households (insured person born 1970-01-01), their postcards
# in DIR/postcards.csv, and CLAIMS claims imported and published.
make_union() {
  local dir="$1" households="$2" claims="$3" data="$1/kenpo.redb"
  awk -v n="$households" 'BEGIN {
    print "記号,番号,枝番,氏名,氏名カナ,生年月日,性別,続柄,資格取得日,資格喪失日,郵便番号,住所"
    for (i = 1; i <= n; i++)
      printf "%d,%d,00,試験　太郎,シケン　タロウ,19700101,1,本人,19920401,,1000001,東京都千代田区1-%d\n", 1000 + int(i / 1000), i, i
  }' >"$dir/members.csv"
  "$KENPO" --data "$data" init --union-name "障害試験健康保険組合" --insurer-number 06131114 >/dev/null &&
    "$KENPO" --data "$data" import members "$dir/members.csv" </dev/null >/dev/null &&
    "$KENPO" --data "$data" credentials issue --out "$dir/postcards.csv" </dev/null >/dev/null || return 1
  if [ "$claims" -gt 0 ]; then
    claim_file "$dir/claims.csv" A "$claims" "$households"
    "$KENPO" --data "$data" import claims --publish "$dir/claims.csv" </dev/null >/dev/null || return 1
  fi
}

# claim_file FILE PREFIX ROWS HOUSEHOLDS: new receipt numbers PREFIX000000001…
claim_file() {
  awk -v rows="$3" -v n="$4" -v p="$2" 'BEGIN {
    print "レセプト番号,記号,番号,枝番,診療年月,区分,医療機関等名称,日数,医療費総額,自己負担額,給付金"
    for (i = 1; i <= rows; i++) {
      h = (i % n) + 1; total = 1000 + (i * 37) % 50000
      printf "%s%09d,%d,%d,00,2024%02d,外来,試験クリニック%d,1,%d,%d,0\n", p, i, 1000 + int(h / 1000), h, 1 + i % 12, i % 50, total, int(total * 3 / 10)
    }
  }' >"$1"
}

# start_serve DATA LOG [SMTP_PORT]: starts `kenpo serve` and waits for /healthz; sets
# SERVE_PID, URL and OPEN_SECS (start to first answer: the open, and any repair).
start_serve() {
  local data="$1" log="$2" port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  URL="http://127.0.0.1:$port"
  local t0; t0=$(now)
  if [ -n "${3:-}" ]; then
    KENPO_SMTP_URL="smtp://127.0.0.1:$3?tls=none" KENPO_MAIL_FROM=kenpo@example.jp \
      "$KENPO" --data "$data" serve --listen "127.0.0.1:$port" 2>>"$log" &
  else
    "$KENPO" --data "$data" serve --listen "127.0.0.1:$port" 2>>"$log" &
  fi
  SERVE_PID=$!
  for _ in $(seq 6000); do
    curl -fs "$URL/healthz" >/dev/null 2>&1 && { OPEN_SECS=$(secs "$t0" "$(now)"); return 0; }
    kill -0 "$SERVE_PID" 2>/dev/null || { echo "kenpo serve exited:" >&2; tail -5 "$log" >&2; return 1; }
    sleep 0.05
  done
  return 1
}

stop_serve() {
  [ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
  SERVE_PID=""
}

# start_smtp PORT MAILDIR: aiosmtpd writing into a Maildir.
start_smtp() {
  "$SMTP_PY" -m aiosmtpd -n -l "127.0.0.1:$1" -c aiosmtpd.handlers.Mailbox "$2" 2>>"$WORK/aiosmtpd.log" &
  SMTP_PID=$!
  for _ in $(seq 200); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}

stop_smtp() {
  [ -n "$SMTP_PID" ] && kill "$SMTP_PID" 2>/dev/null && wait "$SMTP_PID" 2>/dev/null
  SMTP_PID=""
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Received mails as "recipient<TAB>subject" lines, one per mail.
received() {
  python3 - "$1" <<'EOF'
import mailbox, sys, email.header
box = mailbox.Maildir(sys.argv[1], create=False)
for m in box:
    subject = str(email.header.make_header(email.header.decode_header(m["Subject"] or "")))
    print(f"{(m['X-RcptTo'] or m['To'] or '').strip().lower()}\t{subject}")
EOF
}

table_rows() { awk -v t="$2" '$1 == t { print $2 }' "$1"; }

cleanup_live() {
  stop_serve
  stop_smtp
}

# Item 1: SIGKILL at random moments of registrations, logins and an import.
item_crash() {
  kenpo_bin || { FIGURE="build failed"; LIMIT="-"; OK=0; return; }
  local dir="$WORK/crash" rounds="${KENPO_CRASH_ROUNDS:-5}" claims="${KENPO_CRASH_CLAIMS:-1000000}"
  local households="${KENPO_CRASH_HOUSEHOLDS:-10000}" rows="${KENPO_CRASH_IMPORT:-200000}"
  mkdir -p "$dir/mail" && make_union "$dir" "$households" "$claims" ||
    { FIGURE="could not build the data file"; LIMIT="-"; OK=0; return; }
  local data="$dir/kenpo.redb" smtp_port lost=0 mail_lost=0 halves=0 worst_open=0 failures=0
  local before="$claims" imported=1
  : >"$dir/done.txt"; : >"$dir/serve.log"
  smtp_port=$(free_port)
  start_smtp "$smtp_port" "$dir/mail/Maildir" || { FIGURE="aiosmtpd did not start"; LIMIT="-"; OK=0; return; }
  # After a kill: the first open (timed), every answered registration logs in, a clean
  # stop, and `kenpo verify` of the file with its claim count: the import all in or out.
  after_kill() {
    start_serve "$data" "$dir/serve.log" "$smtp_port" || { failures=$((failures + 1)); return 1; }
    awk -v a="$OPEN_SECS" -v b="$worst_open" 'BEGIN { exit !(a > b) }' && worst_open="$OPEN_SECS"
    $LOAD check "$URL" "$dir/done.txt" >"$dir/check.txt" 2>>"$dir/load.err"
    lost=$((lost + $(awk '{ print $4 }' "$dir/check.txt")))
    stop_serve
    "$KENPO" verify "$data" >"$dir/verify.txt" 2>&1 || { failures=$((failures + 1)); cat "$dir/verify.txt" >&2; }
    local after; after=$(table_rows "$dir/verify.txt" claims)
    if [ "$after" = "$before" ] && [ "$imported" -ne 0 ]; then :
    elif [ "$after" = "$((before + rows))" ]; then before="$after"
    else halves=$((halves + 1)); echo "crash: claims $before -> $after (import exit $imported)" >&2
    fi
  }
  for round in $(seq "$rounds"); do
    start_serve "$data" "$dir/serve.log" "$smtp_port" || { failures=$((failures + 1)); break; }
    $LOAD storm "$URL" "$dir/postcards.csv" "$dir/done.txt" 600 8 >"$dir/storm.txt" 2>>"$dir/load.err" &
    local storm=$!
    claim_file "$dir/import.csv" "R$round" "$rows" "$households"
    "$KENPO" --data "$data" import claims --publish "$dir/import.csv" </dev/null >"$dir/import.txt" 2>&1 &
    local import=$!
    sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.1f", 2 + (r % 150) / 10 }')"
    kill -KILL "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null; SERVE_PID=""
    wait "$storm"; wait "$import"; imported=$?
    echo "crash round $round: $(cat "$dir/storm.txt"), import exit $imported" >&2
    after_kill || break
  done
  # Every welcome mail of an answered registration arrives (at least once).
  start_serve "$data" "$dir/serve.log" "$smtp_port" || failures=$((failures + 1))
  local users; users=$(wc -l <"$dir/done.txt")
  for _ in $(seq 600); do
    [ "$(received "$dir/mail/Maildir" | grep -c ようこそ)" -ge "$users" ] && break
    sleep 1
  done
  received "$dir/mail/Maildir" | grep ようこそ | cut -f1 | sort -u >"$dir/welcomed.txt"
  mail_lost=$(sed 's/$/@example.jp/' "$dir/done.txt" | tr 'A-Z' 'a-z' | sort -u | comm -23 - "$dir/welcomed.txt" | wc -l)
  cleanup_live
  local repair
  repair=$(sed 's/\x1b\[[0-9;]*m//g' "$dir/serve.log" | grep -o 'repair_ms=[0-9]*' | cut -d= -f2 | sort -n | tail -1)
  FIGURE="$rounds kills, $users registrations: $lost cannot log in, $mail_lost welcome mails lost, $halves half imports, $failures failures; first open after a kill ≤ ${worst_open} s (repair ≤ ${repair:-0} ms)"
  LIMIT="0 lost, 0 half, verify ok"
  OK=$(( lost == 0 && mail_lost == 0 && halves == 0 && failures == 0 ))
}

# Item 2: publish to many households while SMTP is down; bring it back; count deliveries.
item_mail_outage() {
  kenpo_bin || { FIGURE="build failed"; LIMIT="-"; OK=0; return; }
  local dir="$WORK/mail" households="${KENPO_MAIL_HOUSEHOLDS:-2000}" outage="${KENPO_MAIL_OUTAGE_SECS:-600}"
  mkdir -p "$dir" && make_union "$dir" "$households" 0 || { FIGURE="setup failed"; LIMIT="-"; OK=0; return; }
  local data="$dir/kenpo.redb" port; port=$(free_port)
  start_serve "$data" "$dir/serve.log" "$port" || { FIGURE="serve did not start"; LIMIT="-"; OK=0; return; }
  local t_down; t_down=$(now)
  # Every household registers (a welcome mail each) while SMTP is down.
  $LOAD storm "$URL" "$dir/postcards.csv" "$dir/done.txt" 100000 8 --until-registered >"$dir/storm.txt" 2>>"$dir/load.err"
  claim_file "$dir/claims.csv" P "$households" "$households"
  "$KENPO" --data "$data" import claims --publish "$dir/claims.csv" </dev/null >"$dir/import.txt" 2>&1
  local users; users=$(wc -l <"$dir/done.txt")
  [ "$users" -eq "$households" ] || { echo "mail_outage: $users of $households registered:" >&2; cat "$dir/storm.txt" "$dir/load.err" >&2; }
  local expected=$((2 * users))
  local left; left=$(awk -v o="$outage" -v t="$(secs "$t_down" "$(now)")" 'BEGIN { l = o - t; print (l > 0 ? l : 0) }')
  sleep "$left"
  start_smtp "$port" "$dir/Maildir" || { FIGURE="aiosmtpd did not start"; LIMIT="-"; OK=0; cleanup_live; return; }
  local t_up; t_up=$(now) got=0
  for _ in $(seq 5400); do
    got=$(received "$dir/Maildir" | wc -l)
    [ "$got" -ge "$expected" ] && break
    sleep 1
  done
  local after; after=$(secs "$t_up" "$(now)")
  sleep 5  # a duplicate would arrive now
  received "$dir/Maildir" >"$dir/received.txt"
  local dupes lost
  dupes=$(sort "$dir/received.txt" | uniq -d | wc -l)
  lost=$((expected - $(sort -u "$dir/received.txt" | wc -l)))
  cleanup_live
  FIGURE="$users households, ${outage} s outage: $(wc -l <"$dir/received.txt") of $expected mails, $dupes twice, $lost lost; all in ${after} s after SMTP returned"
  LIMIT="0 lost, 0 twice, ≤ 3600 s"
  OK=$(( dupes == 0 && lost == 0 && users == households )) && awk -v a="$after" 'BEGIN { exit !(a <= 3600) }' || OK=0
}

# Item 3: the data directory on a small tmpfs: full, then back; then read-only.
item_disk_full() {
  kenpo_bin || { FIGURE="build failed"; LIMIT="-"; OK=0; return; }
  local dir="$WORK/disk"
  mkdir -p "$dir"
  if ! mount -t tmpfs -o size=64m tmpfs "$dir" 2>"$WORK/mount.err"; then
    FIGURE="skipped: this machine does not allow mounting ($(head -1 "$WORK/mount.err"))"
    LIMIT="-"; OK=2; return
  fi
  make_union "$dir" 2000 0 || { FIGURE="setup failed"; LIMIT="-"; OK=0; umount "$dir"; return; }
  local data="$dir/kenpo.redb" log="$WORK/disk-serve.log" checks=0 passed=0 done="$WORK/disk-done.txt"
  : >"$log"
  start_serve "$data" "$log" || { FIGURE="serve did not start"; LIMIT="-"; OK=0; umount "$dir"; return; }
  $LOAD storm "$URL" "$dir/postcards.csv" "$done" 5 2 >/dev/null 2>&1
  check() { checks=$((checks + 1)); if "$@"; then passed=$((passed + 1)); else echo "disk_full: failed: $*" >&2; fi; }
  # A claim import needs the file to grow: on a full disk it is refused, and nothing of it stays.
  import_refused() {
    claim_file "$WORK/disk-claims.csv" F 200000 2000
    ! "$KENPO" --data "$data" import claims "$WORK/disk-claims.csv" </dev/null >"$WORK/disk-import.txt" 2>&1
  }
  # Under load on a full disk every answer is a success or the "cannot save" page, never a 500.
  no_server_error() { $LOAD mixed "$URL" "$dir/postcards.csv" "$done" 5 2 --not-saved-is-fine | tee "$WORK/disk-load.txt" | grep -q 'errors 0'; }
  reads_work() { curl -fs "$URL/healthz" >/dev/null && curl -fs "$URL/" >/dev/null; }
  write_works() { $LOAD storm "$URL" "$dir/postcards.csv" "$done" 3 1 | grep -q 'errors 0 registrations [1-9]'; }
  dd if=/dev/zero of="$dir/fill" bs=1M 2>/dev/null
  check import_refused
  check grep -q "ENOSPC\|No space left on device" "$log" "$WORK/disk-import.txt"
  check no_server_error
  check reads_work
  rm -f "$dir/fill"
  check write_works
  claim_file "$WORK/disk-claims.csv" G 20000 2000
  check "$KENPO" --data "$data" import claims "$WORK/disk-claims.csv"
  stop_serve
  check "$KENPO" verify "$data"
  # Read-only: Linux refuses to remount while the file is open for writing, so the
  # server meets it at start: it must refuse with a message naming the cause.
  local ro_note=""
  if mount -o remount,ro "$dir" 2>"$WORK/remount.err"; then
    serve_refused() { ! start_serve "$@"; }
    check serve_refused "$data" "$log"
    check grep -qi "read-only" "$log"
    mount -o remount,rw "$dir"
  else
    ro_note=" (read-only: remount refused: $(head -1 "$WORK/remount.err"))"
  fi
  check start_serve "$data" "$log"
  check write_works
  stop_serve
  [ -n "${KEEP_DISK_LOG:-}" ] && cp "$log" "$KEEP_DISK_LOG"
  umount "$dir"
  FIGURE="$passed of $checks checks (full: import refused, cause logged, no 500, reads, resume; verify; read-only start refused)$ro_note"
  LIMIT="$checks of $checks"
  OK=$(( passed == checks ))
}

# Item 7: SIGTERM during logins, registrations and an import, several times.
item_sigterm() {
  kenpo_bin || { FIGURE="build failed"; LIMIT="-"; OK=0; return; }
  local dir="$WORK/term" rounds="${KENPO_TERM_ROUNDS:-4}" claims="${KENPO_TERM_CLAIMS:-100000}"
  mkdir -p "$dir" && make_union "$dir" 5000 "$claims" || { FIGURE="setup failed"; LIMIT="-"; OK=0; return; }
  local data="$dir/kenpo.redb" repaired=0 sockets=0 errors=0 bad_exit=0 worst_stop=0
  for round in $(seq "$rounds"); do
    : >"$dir/serve.log"
    start_serve "$data" "$dir/serve.log" || { bad_exit=$((bad_exit + 1)); break; }
    grep -q "repaired at open" "$dir/serve.log" && repaired=$((repaired + 1))
    $LOAD storm "$URL" "$dir/postcards.csv" "$dir/done.txt" 600 8 >"$dir/storm.txt" 2>>"$dir/load.err" &
    local storm=$!
    claim_file "$dir/import.csv" "T$round" 50000 5000
    "$KENPO" --data "$data" import claims "$dir/import.csv" </dev/null >/dev/null 2>&1 &
    local import=$!
    sleep 3
    local t0; t0=$(now)
    kill -TERM "$SERVE_PID"; wait "$SERVE_PID"; local status=$?; SERVE_PID=""
    local took; took=$(secs "$t0" "$(now)")
    awk -v a="$took" -v b="$worst_stop" 'BEGIN { exit !(a > b) }' && worst_stop="$took"
    wait "$storm"; wait "$import"
    [ "$status" -eq 0 ] || bad_exit=$((bad_exit + 1))
    [ -e "$data.sock" ] && sockets=$((sockets + 1))
    errors=$((errors + $(awk '{ print $4 }' "$dir/storm.txt")))
  done
  : >"$dir/serve.log"
  start_serve "$data" "$dir/serve.log" && grep -q "repaired at open" "$dir/serve.log" && repaired=$((repaired + 1))
  stop_serve
  FIGURE="$rounds stops: $repaired needed repair, $sockets sockets left, $bad_exit bad exits, $errors error answers; stop ≤ ${worst_stop} s"
  LIMIT="0 repair, 0 left, 0 errors"
  OK=$(( repaired == 0 && sockets == 0 && bad_exit == 0 && errors == 0 ))
}

# Item 8: mixed load for KENPO_SOAK_SECS, with one import and publication (and its mails)
# early on; memory and descriptors stay flat, no error answers. RSS is sampled every 10 s.
# "Start" is taken once the import is in and a fifth of the run has passed: what comes
# before is the warm-up (redb's page cache filling with the pages the load and the import
# touch, up to store::CACHE_BYTES). From there to the end RSS must not grow by more than a
# quarter: a leak grows with the number of requests, and the second half serves as many as
# the first.
item_soak() {
  kenpo_bin || { FIGURE="build failed"; LIMIT="-"; OK=0; return; }
  local dir="$WORK/soak" duration="${KENPO_SOAK_SECS:-1800}"
  mkdir -p "$dir" && make_union "$dir" 5000 100000 || { FIGURE="setup failed"; LIMIT="-"; OK=0; return; }
  local data="$dir/kenpo.redb" port; port=$(free_port)
  start_smtp "$port" "$dir/Maildir" || { FIGURE="aiosmtpd did not start"; LIMIT="-"; OK=0; return; }
  start_serve "$data" "$dir/serve.log" "$port" || { FIGURE="serve did not start"; LIMIT="-"; OK=0; return; }
  rss() { awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$SERVE_PID/status"; }
  fds() { find "/proc/$SERVE_PID/fd" -mindepth 1 2>/dev/null | wc -l; }
  local fd0; fd0=$(fds)
  local t0; t0=$(now)
  $LOAD mixed "$URL" "$dir/postcards.csv" "$dir/done.txt" "$duration" 8 >"$dir/load.txt" 2>"$dir/load.err" &
  local load=$!
  ( while kill -0 "$load" 2>/dev/null; do
      echo "$(secs "$t0" "$(now)") $(rss)"; sleep 10
    done ) >"$dir/rss.txt" &
  local sampler=$!
  sleep "$(( duration / 20 > 3 ? duration / 20 : 3 ))"
  claim_file "$dir/import.csv" S 50000 5000
  "$KENPO" --data "$data" import claims --publish "$dir/import.csv" </dev/null >"$dir/import.txt" 2>&1
  local imported=$?
  local left; left=$(awk -v d="$duration" -v t="$(secs "$t0" "$(now)")" 'BEGIN { l = d / 5 - t; print (l > 0 ? int(l) : 0) }')
  sleep "$left"
  local rss0; rss0=$(rss)
  wait "$load"
  wait "$sampler"
  local rss2; rss2=$(rss)
  sleep 2
  local fd2; fd2=$(fds)
  cleanup_live
  # The middle sample, and the highest one after the start.
  local rss1 peak
  rss1=$(awk -v d="$duration" '$1 >= d / 2 { print $2; exit }' "$dir/rss.txt")
  peak=$(awk -v d="$duration" -v s="$rss0" '$1 >= d / 5 && $2 > m { m = $2 } END { print (m > s ? m : s) }' "$dir/rss.txt")
  local errors answers
  errors=$(awk '{ print $4 }' "$dir/load.txt"); answers=$(awk '{ print $2 }' "$dir/load.txt")
  [ "${errors:-1}" = 0 ] || { echo "soak: errors:" >&2; head -20 "$dir/load.err" >&2; tail -20 "$dir/serve.log" >&2; }
  # Single samples swing by ±20 MiB with the argon2 buffers (19 MiB each) in flight, so the
  # trend is judged on means: the last 40 % of the run against the 40 % before it.
  local means; means=$(awk -v d="$duration" '$1 >= d / 5 && $1 < 3 * d / 5 { a += $2; na++ } $1 >= 3 * d / 5 { b += $2; nb++ } END { printf "%d %d", (na ? a / na : 0), (nb ? b / nb : 0) }' "$dir/rss.txt")
  local mean1=${means% *} mean2=${means#* }
  FIGURE="${duration} s, $answers answers, ${errors:-?} errors; RSS ${rss0}/${rss1:-?}/${rss2} MiB (start/middle/end; peak ${peak}; mean ${mean1} then ${mean2}); fds ${fd0}→${fd2}; import exit $imported"
  LIMIT="0 errors, mean of last 40 % ≤ 1.15× the 40 % before, fds ±5"
  OK=$(( ${errors:-1} == 0 && imported == 0 && mean1 > 0 && mean2 * 100 <= mean1 * 115 && fd2 - fd0 <= 5 && fd0 - fd2 <= 5 ))
  [ -n "${KEEP_SOAK_RSS:-}" ] && cp "$dir/rss.txt" "$KEEP_SOAK_RSS"
}
