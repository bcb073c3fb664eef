#!/usr/bin/env bash
# Benchmark: latency of the web app on SQLite with a large demo province.
# Builds giamngheo in release mode, builds the demo province (HOUSEHOLDS, default
# 1,000,000, six review years) into bench-data/web/, starts `giamngheo serve` on loopback,
# logs in as the provincial administrator and as a grassroots officer, and offers a fixed
# load (RATE requests/s, default 200, for SECONDS) over three pages: the dashboard, a
# searched household list and a household page (Benchmarks/fixed_rate.py, open loop,
# latency from the moment each request was due). Also runs `wrk --latency` (closed loop)
# on each page for the saturation throughput.
#
#   scripts/bench-web.sh
#   HOUSEHOLDS=100000 SECONDS_EACH=20 scripts/bench-web.sh
set -euo pipefail
cd "$(dirname "$0")/.."
HOUSEHOLDS="${HOUSEHOLDS:-1000000}"
RATE="${RATE:-200}"
SECONDS_EACH="${SECONDS_EACH:-30}"
WORK="bench-data/web"
PORT="${PORT:-8181}"
mkdir -p "$WORK"
say() { printf '==> %s\n' "$*" >&2; }
command -v wrk >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

say "release build"
swift build -c release --product giamngheo >/dev/null
BIN="$(swift build -c release --show-bin-path)/giamngheo"
DB="$WORK/demo-$HOUSEHOLDS.sqlite"
if [ ! -s "$DB" ]; then
    say "building the demo province: $HOUSEHOLDS households (takes a while once; kept in $DB)"
    start=$SECONDS
    SQLITE_PATH="$DB.tmp" "$BIN" demo --households "$HOUSEHOLDS" >/dev/null
    mv "$DB.tmp" "$DB"; for f in "$DB.tmp"-*; do [ -e "$f" ] && mv "$f" "$DB${f#$DB.tmp}"; done
    say "built in $((SECONDS - start)) s"
fi
ls -l "$DB" >&2

SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true' EXIT
SQLITE_PATH="$DB" "$BIN" serve --port "$PORT" >"$WORK/serve.log" 2>"$WORK/serve.err" &
SERVER_PID=$!
for _ in $(seq 1 120); do grep -q "http://127.0.0.1:$PORT/" "$WORK/serve.log" 2>/dev/null && break; sleep 0.5; done
URL="http://127.0.0.1:$PORT"

# Accounts for the benchmark (created once): a provincial administrator and the officer of the largest grassroots union.
ROOT="$(python3 -c "import sqlite3; print(sqlite3.connect('$DB').execute(\"select code from units where kind='lien_doan_tinh' and valid_to is null\").fetchone()[0])")"
GRASS="$(python3 -c "import sqlite3; db=sqlite3.connect('$DB'); print(db.execute(\"select u.code from units u join reviews r on r.unit_id=u.id where u.kind='cong_doan_co_so' and u.valid_to is null group by u.code order by count(*) desc limit 1\").fetchone()[0])")"
for spec in "benchadmin:quan_tri:$ROOT" "benchcoso:can_bo_co_so:$GRASS"; do
    IFS=: read -r user role unit <<<"$spec"
    SQLITE_PATH="$DB" GIAMNGHEO_PASSWORD="bench-password-1" "$BIN" user add "$user" --name "Benchmark" --role "$role" --unit "$unit" >/dev/null 2>&1 || true
done

login() { # user -> session cookie
    local jar="$WORK/$1.cookies" csrf
    csrf=$(curl -s -c "$jar" "$URL/login" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
    curl -s -b "$jar" -c "$jar" -o /dev/null -d "username=$1&password=bench-password-1&_csrf=$csrf&next=/" "$URL/login"
    awk '$6 == "gn_session" {print "gn_session=" $7}' "$jar"
}
HOUSEHOLD="$(python3 -c "import sqlite3; db=sqlite3.connect('$DB'); print(db.execute('select h.code from households h join reviews r on r.household_id=h.id where r.year=2025 and r.status=\"ngheo\" limit 1').fetchone()[0])")"
# A searched list: the last two words of a member's name, without diacritics (e.g. "van an").
NAME="$(python3 -c "import sqlite3; n=sqlite3.connect('$DB').execute('select name_folded from members where id=(select max(id)/2 from members)').fetchone()[0]; print(' '.join(n.split()[-2:]))")"
Q="$(python3 -c "import urllib.parse,sys; print(urllib.parse.quote('$NAME'))")"
PAGES=("/" "/households?q=$Q" "/households/$HOUSEHOLD")

for user in benchadmin benchcoso; do
    COOKIE="$(login $user)"
    [ -n "$COOKIE" ] || { echo "login failed for $user" >&2; cat "$WORK/serve.err" >&2; exit 1; }
    if [ "$user" = benchcoso ]; then
        HOUSEHOLD_COSO="$(python3 -c "import sqlite3; db=sqlite3.connect('$DB'); print(db.execute(\"select h.code from households h join reviews r on r.household_id=h.id join units u on u.id=r.unit_id where u.code='$GRASS' and r.year=2025 limit 1\").fetchone()[0])")"
        PAGES=("/" "/households?q=$Q" "/households/$HOUSEHOLD_COSO")
    fi
    # The first request of a page computes what is then kept until the data changes
    # (the dashboard's figures, the list's count): timed here, then the steady state below.
    for page in "${PAGES[@]}"; do
        curl -s -o /dev/null -H "Cookie: $COOKIE" -w "first request $page: %{http_code} %{time_total}s\n" "$URL$page" >&2
    done
    say "$user: fixed load of $RATE req/s for ${SECONDS_EACH}s over ${PAGES[*]}"
    python3 Benchmarks/fixed_rate.py --url "$URL" --cookie "$COOKIE" --rate "$RATE" --seconds "$SECONDS_EACH" "${PAGES[@]}"
    for page in "${PAGES[@]}"; do
        say "$user: wrk -t2 -c8 -d10s $page"
        wrk -t2 -c8 -d10s --latency -H "Cookie: $COOKIE" "$URL$page" | grep -E "Requests/sec|50%|99%|Non-2xx" || true
    done
done
