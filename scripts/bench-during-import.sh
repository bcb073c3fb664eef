#!/usr/bin/env bash
# Benchmark: the web app while a large survey (ROWS, default 250,000 new households) is
# uploaded, checked and imported through it — latency of the dashboard and of a sign-in in
# each phase (Benchmarks/during_import.py), and the server's peak memory; then, on a fresh
# server, its peak memory while it reads the worst spreadsheet the upload limits accept
# (Benchmarks/upload_memory.py; WORST=0 skips it).
#
# SQLite by default: a copy of the demo province of scripts/bench-web.sh (HOUSEHOLDS,
# default 100,000; built once into bench-data/web/ if missing). PostgreSQL: give an empty
# database in DATABASE_URL and the demo province is built into it first.
#
#   scripts/bench-during-import.sh
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench HOUSEHOLDS=10000 scripts/bench-during-import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
HOUSEHOLDS="${HOUSEHOLDS:-100000}"
ROWS="${ROWS:-250000}"
PORT="${PORT:-8182}"
WORK="bench-data/during-import"
mkdir -p "$WORK"
say() { printf '==> %s\n' "$*" >&2; }

say "release build"
swift build -c release --product giamngheo >/dev/null
BIN="$(swift build -c release --show-bin-path)/giamngheo"

if [ -n "${DATABASE_URL:-}" ]; then
    export DATABASE_URL
    if ! "$BIN" tree >/dev/null 2>&1 || [ -z "$("$BIN" tree 2>/dev/null | grep -E '^ +CDCS-' | head -1)" ]; then
        say "building the demo province into $DATABASE_URL: $HOUSEHOLDS households"
        "$BIN" demo --households "$HOUSEHOLDS" >/dev/null
    fi
    KIND="PostgreSQL"
else
    BASE="bench-data/web/demo-$HOUSEHOLDS.sqlite"
    if [ ! -s "$BASE" ]; then
        say "building the demo province: $HOUSEHOLDS households (kept in $BASE)"
        mkdir -p bench-data/web
        SQLITE_PATH="$BASE.tmp" "$BIN" demo --households "$HOUSEHOLDS" >/dev/null
        mv "$BASE.tmp" "$BASE"; for f in "$BASE.tmp"-*; do [ -e "$f" ] && mv "$f" "$BASE${f#$BASE.tmp}"; done
    fi
    say "copying $BASE (the import changes the copy)"
    rm -f "$WORK"/scratch.sqlite*
    cp "$BASE" "$WORK/scratch.sqlite"
    export SQLITE_PATH="$WORK/scratch.sqlite"
    KIND="SQLite"
fi

# The survey: ROWS new households spread over the province's grassroots unions, one review year.
"$BIN" tree | grep -oE '^ +CDCS-[0-9]+' | tr -d ' ' >"$WORK/units.txt"
python3 - "$WORK/khao-sat.csv" "$ROWS" "$WORK/units.txt" <<'PY'
import random, sys
out, rows, units = sys.argv[1], int(sys.argv[2]), open(sys.argv[3]).read().split()
rng = random.Random(2026)
with open(out, "w") as f:
    f.write("ma_ho,nam,don_vi,khu_vuc,so_nhan_khau,tong_thu_nhap_nam,viec_lam,phu_thuoc,dinh_duong,bhyt,giao_duc_nguoi_lon,"
            "di_hoc_tre_em,chat_luong_nha,dien_tich_nha,nuoc_sinh_hoat,nha_tieu,vien_thong,phuong_tien_thong_tin\n")
    for i in range(rows):
        people = rng.randint(1, 7)
        income = people * rng.randint(12, 80) * 1_000_000
        flags = ",".join("1" if rng.random() < 0.15 else "0" for _ in range(12))
        f.write(f"HO-NHAP-{i:07d},2025,{units[i % len(units)]},{rng.choice(['nong_thon', 'thanh_thi'])},{people},{income},{flags}\n")
PY
ls -l "$WORK/khao-sat.csv" >&2

ROOT="$("$BIN" tree | sed -n 2p | awk '{print $1}')"
for spec in "benchadmin:quan_tri:$ROOT" "benchcoso:can_bo_co_so:$(head -1 "$WORK/units.txt")"; do
    IFS=: read -r user role unit <<<"$spec"
    GIAMNGHEO_PASSWORD="bench-password-1" "$BIN" user add "$user" --name "Benchmark" --role "$role" --unit "$unit" >/dev/null 2>&1 || true
done

SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true' EXIT
start_server() {
    rm -rf "$WORK/uploads"; : >"$WORK/serve.log"
    "$BIN" serve --port "$PORT" --trusted-proxy 127.0.0.1 --uploads "$WORK/uploads" >"$WORK/serve.log" 2>"$WORK/serve.err" &
    SERVER_PID=$!
    for _ in $(seq 1 240); do grep -q "http://127.0.0.1:$PORT/" "$WORK/serve.log" 2>/dev/null && break; sleep 0.5; done
}
start_server
say "$KIND: $ROWS rows uploaded, checked and imported while the dashboard and sign-ins are timed"
python3 Benchmarks/during_import.py "http://127.0.0.1:$PORT" "$WORK/khao-sat.csv" \
    --admin benchadmin:bench-password-1 --officer benchcoso:bench-password-1 --pid "$SERVER_PID"

if [ "${WORST:-1}" != 0 ]; then
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
    start_server
    say "$KIND: a fresh server reads the worst XLSX the limits accept"
    (cd Benchmarks && python3 upload_memory.py "http://127.0.0.1:$PORT" --admin benchadmin:bench-password-1 --pid "$SERVER_PID")
fi
