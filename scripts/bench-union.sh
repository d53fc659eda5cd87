# shellcheck shell=bash
# The synthetic union of scripts/bench (issue 13), sourced by it.
#
# bench_union DIR HOUSEHOLDS CLAIMS LOGIN_USERS SPARE END_YYYYMM writes into DIR:
#   members.csv  HOUSEHOLDS households of 2 people (記号 1000…, 番号 1…); the household under
#                test 9999-1 (5 people, the insured person born 1970-01-01); LOGIN_USERS
#                one-person households 9998-1… (registered, then logging in); SPARE
#                one-person households 9997-1… (their postcards time kenpo's hashing);
#   family.csv   the household under test's 1,200 claims: 4 a month for each of its 5
#                people over the 60 months up to END (Japan time), all kept by retention;
#   claims.csv   CLAIMS claims spread over the other households and the same 60 months.

# The 60 months up to end (YYYYMM), oldest first, as awk's month(j) for j = 0..59.
BENCH_MONTHS='function month(j,  idx) { idx = int(end / 100) * 12 + end % 100 - 1 - 59 + j; return sprintf("%d%02d", int(idx / 12), idx % 12 + 1) }'

bench_union() {
  local dir="$1" households="$2" claims="$3" login_users="$4" spare="$5" end="$6"
  awk -v n="$households" -v k="$login_users" -v q="$spare" 'BEGIN {
    print "記号,番号,枝番,氏名,氏名カナ,生年月日,性別,続柄,資格取得日,資格喪失日,郵便番号,住所"
    for (i = 1; i <= n; i++) {
      printf "%d,%d,00,試験　太郎%d,シケン　タロウ,19700101,1,本人,19920401,,1000001,東京都千代田区千代田1-%d\n", 1000 + int(i / 1000), i, i, i
      printf "%d,%d,01,試験　花子%d,シケン　ハナコ,19720202,2,配偶者,19950401,,,\n", 1000 + int(i / 1000), i, i
    }
    split("本人,配偶者,子,子,子", rel, ",")
    for (b = 0; b < 5; b++)
      printf "9999,1,%02d,大家族　員%d,オオカゾク　イン,%s,%d,%s,20000401,,%s,%s\n", b, b,
        (b == 0 ? "19700101" : (b == 1 ? "19720202" : "2000010" b)), 1 + b % 2, rel[b + 1],
        (b == 0 ? "1000001" : ""), (b == 0 ? "東京都千代田区1-1" : "")
    for (i = 1; i <= k; i++)
      printf "9998,%d,00,試験　次郎%d,シケン　ジロウ,19700101,1,本人,19920401,,1000001,東京都港区1-%d\n", i, i, i
    for (i = 1; i <= q; i++)
      printf "9997,%d,00,試験　三郎%d,シケン　サブロウ,19700101,1,本人,19920401,,1000001,東京都港区2-%d\n", i, i, i
  }' >"$dir/members.csv"
  awk -v end="$end" "$BENCH_MONTHS"'BEGIN {
    print "レセプト番号,記号,番号,枝番,診療年月,区分,医療機関等名称,日数,医療費総額,自己負担額,給付金"
    split("外来,調剤,歯科,外来", kind, ",")
    for (j = 0; j < 60; j++) for (b = 0; b < 5; b++) for (c = 1; c <= 4; c++) {
      i++; total = 1000 + (i * 53) % 30000
      printf "F%09d,9999,1,%02d,%s,%s,大家族クリニック%d,%d,%d,%d,0\n", i, b, month(j), kind[c], c, 1 + i % 3, total, int(total * 3 / 10)
    }
  }' >"$dir/family.csv"
  awk -v rows="$claims" -v n="$households" -v end="$end" "$BENCH_MONTHS"'BEGIN {
    print "レセプト番号,記号,番号,枝番,診療年月,区分,医療機関等名称,日数,医療費総額,自己負担額,給付金"
    split("外来,調剤,歯科,外来,調剤,入院,訪問看護", kind, ",")
    for (i = 1; i <= rows; i++) {
      h = (i % n) + 1; total = 1000 + (i * 37) % 50000
      printf "B%09d,%d,%d,0%d,%s,%s,試験クリニック%d,%d,%d,%d,0\n", i, 1000 + int(h / 1000), h, int(i / n) % 2, month(i % 60), kind[1 + i % 7], i % 50, 1 + i % 4, total, int(total * 3 / 10)
    }
  }' >"$dir/claims.csv"
}

# The oldest of the 60 months up to END, as an <input type="month"> value (2021-12).
bench_first_month() {
  awk -v end="$1" "$BENCH_MONTHS"'BEGIN { m = month(0); print substr(m, 1, 4) "-" substr(m, 5) }'
}
