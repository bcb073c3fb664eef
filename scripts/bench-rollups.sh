#!/usr/bin/env bash
# Benchmark: the province-wide figures from the kept counts (roll-ups), at several registry
# sizes. Builds giamngheo in release mode, builds each demo province once into bench-data/web/
# (shared with bench-web.sh), migrates it (filling the roll-ups of a database made before
# them, timed), starts `giamngheo serve` on loopback and runs Benchmarks/rollup_latency.py:
# p50/p95/p99 of /api/v1/dashboard for a provincial administrator, and the same figures
# counted from the raw reviews as the reference.
#
#   scripts/bench-rollups.sh                          # 10000 100000 1000000 households
#   SIZES="10000 100000" scripts/bench-rollups.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="${SIZES:-10000 100000 1000000}"
WORK="bench-data/web"
PORT="${PORT:-8182}"
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
    start=$SECONDS
    SQLITE_PATH="$DB" "$BIN" migrate >&2
    say "$N households: migrations done in $((SECONDS - start)) s"
    ROOT="$(python3 -c "import sqlite3; print(sqlite3.connect('$DB').execute(\"select code from units where kind='lien_doan_tinh' and valid_to is null\").fetchone()[0])")"
    SQLITE_PATH="$DB" GIAMNGHEO_PASSWORD="bench-password-1" "$BIN" user add benchadmin --name "Benchmark" --role quan_tri --unit "$ROOT" >/dev/null 2>&1 || true
    SQLITE_PATH="$DB" "$BIN" serve --port "$PORT" >"$WORK/serve-rollups.log" 2>"$WORK/serve-rollups.err" &
    SERVER_PID=$!
    for _ in $(seq 1 240); do grep -q "http://127.0.0.1:$PORT/" "$WORK/serve-rollups.log" 2>/dev/null && break; sleep 0.5; done
    say "$N households ($(python3 -c "import sqlite3; print(sqlite3.connect('$DB').execute('select count(*) from reviews').fetchone()[0])") reviews)"
    python3 Benchmarks/rollup_latency.py --url "http://127.0.0.1:$PORT" --db "$DB" --user benchadmin --password bench-password-1
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
done
