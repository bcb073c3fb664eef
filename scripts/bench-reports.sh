#!/usr/bin/env bash
# Benchmark: a branch's annual-report figures and the reporting board, at several registry
# sizes. Builds giamngheo in release mode, builds each demo province once into
# bench-data/reports/ (the demo has support, funds, loans, campaigns and reports in every
# state), starts `giamngheo serve` on loopback and runs Benchmarks/report_latency.py: p50/p95/p99
# of /api/v1/reports/{province}/{year} and /api/v1/reports?year= for a provincial
# administrator, and the support, fund and loan figures counted from their raw tables as the
# reference. Then times the document commands (standard tables as XLSX, the provincial summary
# as DOCX and PDF) once each, process start included.
#
#   scripts/bench-reports.sh                          # 10000 100000 1000000 households
#   SIZES="10000 100000" scripts/bench-reports.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="${SIZES:-10000 100000 1000000}"
WORK="bench-data/reports"
PORT="${PORT:-8183}"
mkdir -p "$WORK"
say() { printf '==> %s\n' "$*" >&2; }

say "release build"
swift build -c release --product giamngheo >/dev/null
BIN="$(swift build -c release --show-bin-path)/giamngheo"
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true' EXIT

for N in $SIZES; do
    DB="$WORK/demo-$N.sqlite"
    if [ ! -s "$DB" ]; then
        say "building the demo province: $N households (once; kept in $DB)"
        start=$SECONDS
        SQLITE_PATH="$DB.tmp" "$BIN" demo --households "$N" >/dev/null
        mv "$DB.tmp" "$DB"; for f in "$DB.tmp"-*; do [ -e "$f" ] && mv "$f" "$DB${f#$DB.tmp}"; done
        say "built in $((SECONDS - start)) s"
    fi
    SQLITE_PATH="$DB" "$BIN" migrate >&2
    ROOT="$(python3 -c "import sqlite3; print(sqlite3.connect('$DB').execute(\"select code from units where kind='lien_doan_tinh' and valid_to is null\").fetchone()[0])")"
    SQLITE_PATH="$DB" GIAMNGHEO_PASSWORD="bench-password-1" "$BIN" user add benchadmin --name "Benchmark" --role quan_tri --unit "$ROOT" >/dev/null 2>&1 || true
    SQLITE_PATH="$DB" "$BIN" serve --port "$PORT" >"$WORK/serve.log" 2>"$WORK/serve.err" &
    SERVER_PID=$!
    for _ in $(seq 1 240); do grep -q "http://127.0.0.1:$PORT/" "$WORK/serve.log" 2>/dev/null && break; sleep 0.5; done
    say "$N households ($(python3 -c "import sqlite3; print(sqlite3.connect('$DB').execute('select count(*) from reviews').fetchone()[0])") reviews)"
    python3 Benchmarks/report_latency.py --url "http://127.0.0.1:$PORT" --db "$DB" --unit "$ROOT" --user benchadmin --password bench-password-1
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
    YEAR="$(python3 -c "import sqlite3; print(sqlite3.connect('$DB').execute('select max(year) from reviews').fetchone()[0])")"
    for doc in "tables --format xlsx -o $WORK/bieu.xlsx" "summary --format docx -o $WORK/tong-hop.docx" "summary --format pdf -o $WORK/tong-hop.pdf"; do
        start=$(date +%s%N)
        # shellcheck disable=SC2086
        SQLITE_PATH="$DB" "$BIN" report $doc --year "$YEAR" --user bench 2>/dev/null
        echo "giamngheo report ${doc%% -o*}: $(( ($(date +%s%N) - start) / 1000000 )) ms"
    done
done
