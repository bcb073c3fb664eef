#!/usr/bin/env bash
# Benchmark: import HOUSEHOLDS (default 1,000,000) household reviews with
# `giamngheo import survey` into SQLite, with every index and constraint in place,
# against the raw limit measured in the same run: the same rows (households and
# reviews, as our import stored them) inserted by prepared statements in one
# transaction into an empty copy of the same schema (Benchmarks/raw_sqlite_insert.py).
# Also the same import into a throwaway PostgreSQL, and peak memory at two sizes.
#
#   scripts/bench-import.sh            # HOUSEHOLDS=1000000 RUNS=3
#   HOUSEHOLDS=200000 RUNS=1 scripts/bench-import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
HOUSEHOLDS="${HOUSEHOLDS:-1000000}"
RUNS="${RUNS:-3}"
WORK="${WORK:-bench-data/import}"
mkdir -p "$WORK"
say() { printf '==> %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
for tool in /usr/bin/time:time; do
    command -v "${tool%%:*}" >/dev/null || { as_root apt-get update -qq; as_root apt-get install -y -qq "${tool##*:}" >/dev/null; }
done

say "release build"
swift build -c release --product giamngheo >/dev/null
BIN="$(swift build -c release --show-bin-path)/giamngheo"

say "generating $HOUSEHOLDS households (one review year, no member column) and the units file"
"$BIN" demo-survey --units-file > "$WORK/units.csv"
[ -s "$WORK/survey-$HOUSEHOLDS.csv" ] || "$BIN" demo-survey --households "$HOUSEHOLDS" --year 2023 --without-members -o "$WORK/survey-$HOUSEHOLDS.csv"
SMALL=$((HOUSEHOLDS / 4))
[ -s "$WORK/survey-$SMALL.csv" ] || "$BIN" demo-survey --households "$SMALL" --year 2023 --without-members -o "$WORK/survey-$SMALL.csv"

# seconds and peak RSS (MB) of one command, from /usr/bin/time -v
measure() { # out-prefix, command...
    local prefix="$1"; shift
    /usr/bin/time -v "$@" >"$prefix.out" 2>"$prefix.time" || { cat "$prefix.out" "$prefix.time" >&2; exit 1; }
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$prefix.time" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$prefix.time")
    echo "$wall $rss"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

ours=() ; raw=() ; rss_big=0
for run in $(seq "$RUNS"); do
    db="$WORK/ours.sqlite"; rm -f "$db" "$db"-*
    SQLITE_PATH="$db" "$BIN" import units "$WORK/units.csv" >/dev/null 2>&1
    read -r t rss < <(SQLITE_PATH="$db" measure "$WORK/ours" "$BIN" import survey "$WORK/survey-$HOUSEHOLDS.csv")
    ours+=("$t"); rss_big=$rss
    say "run $run: giamngheo import survey: $t s, peak ${rss} MB"

    # The raw limit: the same stored rows, inserted again by prepared statements in one
    # transaction into an empty copy of the schema (see Benchmarks/raw_sqlite_insert.py).
    rawdb="$WORK/raw.sqlite"; rm -f "$rawdb" "$rawdb"-*
    read -r t _ < <(python3 Benchmarks/raw_sqlite_insert.py "$db" "$rawdb")
    raw+=("$t")
    say "run $run: prepared-statement inserts of the same rows: $t s"
done
rows=$HOUSEHOLDS
m_ours=$(printf '%s\n' "${ours[@]}" | median)
m_raw=$(printf '%s\n' "${raw[@]}" | median)

db="$WORK/ours-small.sqlite"; rm -f "$db" "$db"-*
SQLITE_PATH="$db" "$BIN" import units "$WORK/units.csv" >/dev/null 2>&1
read -r _ rss_small < <(SQLITE_PATH="$db" measure "$WORK/small" "$BIN" import survey "$WORK/survey-$SMALL.csv")

# PostgreSQL: the same import into a throwaway cluster.
pg_line="PostgreSQL: not measured (no server binaries)"
PG="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -n "$PG" ]; then
    PGROOT="$(mktemp -d /tmp/giamngheo-bench-pg.XXXXXX)"
    run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    [ "$(id -u)" = 0 ] && chown postgres "$PGROOT"
    trap 'run_pg "$PG/pg_ctl" -D "$PGROOT/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGROOT"' EXIT
    PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    run_pg "$PG/initdb" -D "$PGROOT/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    run_pg "$PG/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/log" -w -o "-p $PORT -k $PGROOT -c listen_addresses=127.0.0.1" start >/dev/null
    export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
    "$BIN" import units "$WORK/units.csv" >/dev/null 2>&1
    read -r t_pg rss_pg < <(measure "$WORK/pg" "$BIN" import survey "$WORK/survey-$HOUSEHOLDS.csv")
    unset DATABASE_URL
    pg_line=$(awk -v t="$t_pg" -v r="$rows" -v m="$rss_pg" 'BEGIN { printf "PostgreSQL (default settings, one run): %.1f s, %.0f rows/s, peak %s MB", t, r/t, m }')
fi

echo
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(free -g | awk '/Mem:/ {print $2}') GB"
echo "rows: $rows household reviews (+ $rows new households), runs: $RUNS, medians"
awk -v o="$m_ours" -v w="$m_raw" -v r="$rows" 'BEGIN {
    printf "giamngheo import survey (SQLite): %.2f s, %.0f rows/s\n", o, r/o
    printf "prepared statements, same rows, one transaction (raw limit): %.2f s, %.0f rows/s\n", w, r/w
    printf "ratio ours/raw rate: %.2f\n", (r/o)/(r/w)
}'
echo "peak memory: $rss_small MB at $SMALL rows, $rss_big MB at $rows rows"
echo "$pg_line"
