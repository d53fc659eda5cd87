#!/usr/bin/env bash
# Measures what issue 4 asks for, on this machine, with the release binary:
#   1. `kenpo import claims --publish` of a 1,000,000-row file: wall time and peak memory
#      (/usr/bin/time -v), into a data file that holds 100,000 households;
#   2. page times of the member screens for one large household with five years of
#      claims (6 people, 60 months, 1,440 claims), through `kenpo serve` and curl.
#
# Usage: scripts/bench-claims-import.sh [ROWS]   (default 1000000)
# Env:   KENPO (binary; default $CARGO_TARGET_DIR/release/kenpo or target/release/kenpo)
#        KEEP=1 keeps the work folder.
set -euo pipefail

ROWS=${1:-1000000}
HOUSEHOLDS=100000
KENPO=${KENPO:-${CARGO_TARGET_DIR:-target}/release/kenpo}
[ -x "$KENPO" ] || { echo "build first: cargo build --release ($KENPO not found)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
command -v bc >/dev/null || { echo "needs bc: apt-get install bc" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/kenpo-bench.XXXXXX")
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ "${KEEP:-0}" = 1 ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
DATA="$WORK/kenpo.redb"
cd "$WORK"

echo "== generating $HOUSEHOLDS households and $ROWS claims in $WORK"
awk -v n="$HOUSEHOLDS" 'BEGIN {
  print "記号,番号,枝番,氏名,氏名カナ,生年月日,性別,続柄,資格取得日,資格喪失日,郵便番号,住所"
  for (i = 1; i <= n; i++) {
    printf "%d,%d,00,試験　太郎%d,シケン　タロウ,19700101,1,本人,19920401,,1000001,東京都千代田区千代田1-%d\n", 1000 + int(i / 1000), i, i, i
    printf "%d,%d,01,試験　花子%d,シケン　ハナコ,19720202,2,配偶者,19950401,,,\n", 1000 + int(i / 1000), i, i
  }
  # The large household of the page-time measurement.
  for (b = 0; b < 6; b++) {
    if (b == 0) rel = "本人"; else if (b == 1) rel = "配偶者"; else rel = "子";
    printf "9999,1,%02d,大家族　員%d,オオカゾク　イン,%s,1,%s,20000401,,%s,%s\n", b, b,
      (b == 0 ? "19700101" : "20000101"), rel, (b == 0 ? "1000001" : ""), (b == 0 ? "東京都千代田区1-1" : "")
  }
}' > members.csv
awk -v rows="$ROWS" -v n="$HOUSEHOLDS" 'BEGIN {
  print "レセプト番号,記号,番号,枝番,診療年月,区分,医療機関等名称,日数,医療費総額,自己負担額,給付金"
  split("外来,調剤,歯科,外来,調剤,入院,訪問看護", kind, ",")
  for (i = 1; i <= rows; i++) {
    h = (i % n) + 1; b = (i % 2 == 0) ? "00" : "01"; m = 1 + (i % 12)
    k = kind[1 + (i % 7)]; total = 1000 + (i * 37) % 50000
    printf "B%09d,%d,%d,%s,2024%02d,%s,試験クリニック%d,%d,%d,%d,0\n", i, 1000 + int(h / 1000), h, b, m, k, i % 50, 1 + i % 4, total, int(total * 3 / 10)
  }
}' > claims.csv
awk 'BEGIN {
  print "レセプト番号,記号,番号,枝番,診療年月,区分,医療機関等名称,日数,医療費総額,自己負担額,給付金"
  split("外来,調剤,歯科,外来", kind, ",")
  i = 0
  for (y = 2021; y <= 2025; y++) for (m = 1; m <= 12; m++) for (b = 0; b < 6; b++) for (c = 1; c <= 4; c++) {
    i++; total = 1000 + (i * 53) % 30000
    printf "F%09d,9999,1,%02d,%d%02d,%s,大家族クリニック%d,%d,%d,%d,0\n", i, b, y, m, kind[c], c, 1 + i % 3, total, int(total * 3 / 10)
  }
}' > family.csv
ls -l members.csv claims.csv family.csv

"$KENPO" --data "$DATA" init --union-name "ベンチ健康保険組合" --insurer-number 06131114 >/dev/null
"$KENPO" --data "$DATA" import members members.csv </dev/null | tail -1
"$KENPO" --data "$DATA" import claims --publish family.csv </dev/null | tail -2

now() { date +%s.%N; }
echo "== floor: reading the same file with wc -l (this machine's disk and CPU, no parsing)"
t0=$(now); wc -l < claims.csv >/dev/null; t1=$(now)
FLOOR=$(echo "$t1 - $t0" | bc -l)
echo "== kenpo import claims --publish ($ROWS rows)"
t0=$(now)
/usr/bin/time -v "$KENPO" --data "$DATA" import claims --publish claims.csv </dev/null 2> time.txt | tail -2
t1=$(now)
IMPORT=$(echo "$t1 - $t0" | bc -l)
grep -E "Elapsed \(wall clock\)|Maximum resident set size" time.txt
ls -l "$DATA"
printf 'import %.2f s; floor (wc -l) %.3f s; ratio %.0fx the floor\n' "$IMPORT" "$FLOOR" "$(echo "$IMPORT / $FLOOR" | bc -l)"

echo "== page times for household 9999-1 (1,440 claims over 60 months)"
"$KENPO" --data "$DATA" credentials issue --out postcards.csv --household 9999-1 >/dev/null
IFS=, read -r _ _ _ _ _ TEMP_ID TEMP_PW _ < <(sed -n 2p postcards.csv)
PORT=$((20000 + RANDOM % 20000))
"$KENPO" --data "$DATA" serve --listen "127.0.0.1:$PORT" > serve.log 2>&1 &
SERVER_PID=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 50); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.2; done
J="$WORK/cookies"
csrf() { curl -s -b "$J" -c "$J" "$URL$1" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
# post PATH FORM_PAGE CURL_ARGS...: posts a form with the CSRF token of FORM_PAGE.
post() { local path=$1 page=$2 t; shift 2; t=$(csrf "$page"); curl -s -o /dev/null -b "$J" -c "$J" --data-urlencode "csrf=$t" "$@" "$URL$path"; }
post / / --data-urlencode "user_id=$TEMP_ID" --data-urlencode "password=$TEMP_PW"
post /register/identity /register/identity -d insurer_number=06131114 -d birth_date=19700101 -d agree=yes
post /register/profile /register/profile -d user_id=ookazoku1 -d password=benchmark2026go -d password_confirm=benchmark2026go -d email=bench@example.jp -d notify=on
post /register/execute /register/confirm
curl -s -o /dev/null -b "$J" -c "$J" "$URL/register/done"
# The floor of a page: the server's smallest answer, /healthz, over the same connection kind.
FLOOR_MS=$(for _ in $(seq 20); do curl -s -o /dev/null -w '%{time_total}\n' "$URL/healthz"; done | sort -n | awk '{ a[NR] = $1 } END { printf "%.3f", a[int((NR + 1) / 2)] * 1000 }')
echo "floor: /healthz median ${FLOOR_MS} ms"
measure() {
  local path=$1 times=()
  curl -s -o page.html -b "$J" -c "$J" "$URL$path"
  grep -q "大家族" page.html || { echo "not logged in for $path" >&2; exit 1; }
  for _ in $(seq 20); do times+=("$(curl -s -o /dev/null -w '%{time_total}' -b "$J" -c "$J" "$URL$path")"); done
  printf '%s\n' "${times[@]}" | sort -n | awk -v p="$path" -v f="$FLOOR_MS" '{ a[NR] = $1 } END { m = a[int((NR + 1) / 2)] * 1000; printf "%-60s median %.1f ms (%.1fx the floor), max %.1f ms\n", p, m, m / f, a[NR] * 1000 }'
}
measure "/menu"
measure "/menu/expenses"
measure "/menu/expenses?year=range&from=2021-01&to=2025-12"
measure "/menu/expenses?year=range&from=2021-01&to=2025-12&page=14"
measure "/menu/expenses/chart?year=2025"
measure "/menu/tax-notice?year=2025"
measure "/menu/tax-notice.csv?year=2025"
