#!/usr/bin/env bash
# Runs every test of giamngheo on a fresh machine: installs what the tests need
# (PostgreSQL server, Chromium and its driver, Bootstrap, Selenium, LibreOffice and the
# readers the document tests open files with), starts a throwaway
# PostgreSQL cluster on a free local port, builds, runs the whole suite (storage and web
# tests on SQLite and on PostgreSQL), then the browser walk against `giamngheo serve`
# in headless Chromium, and removes the cluster on exit.
#
#   scripts/test.sh                 # everything
#   scripts/test.sh --filter Foo    # extra arguments go to `swift test`
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '==> %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

command -v swift >/dev/null || { echo "swift is required (Swift 6 toolchain)" >&2; exit 1; }

# --- PostgreSQL server -------------------------------------------------------
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
    say "installing PostgreSQL server (Debian package 'postgresql')"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG="$(pg_bin)"

# --- Browser, Bootstrap, Selenium ---------------------------------------------
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
[ -f /usr/share/javascript/bootstrap5/css/bootstrap.min.css ] || missing+=(libjs-bootstrap5)

if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} (Debian)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- Documents -----------------------------------------------------------------
# LibreOffice converts DOCX/XLSX to PDF, the Liberation fonts carry every Vietnamese glyph,
# poppler reads the PDFs back, openpyxl and python-docx (Debian's Python) open the files.
office=()
command -v soffice >/dev/null || office+=(libreoffice-writer-nogui libreoffice-calc-nogui)
[ -d /usr/share/fonts/truetype/liberation2 ] || office+=(fonts-liberation2)
command -v pdftotext >/dev/null || office+=(poppler-utils)
/usr/bin/python3 -c 'import openpyxl' 2>/dev/null || office+=(python3-openpyxl)
/usr/bin/python3 -c 'import docx' 2>/dev/null || office+=(python3-docx)
if [ ${#office[@]} -gt 0 ]; then
    say "installing ${office[*]} (Debian)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${office[@]}" >/dev/null
fi
if ! python3 -c 'import selenium, pytest' 2>/dev/null; then
    say "installing selenium and pytest (PyPI)"
    python3 -m pip install -q selenium pytest
fi

PGROOT="$(mktemp -d /tmp/giamngheo-pg.XXXXXX)"
run_pg() {
    # initdb and pg_ctl refuse to run as root: use the postgres user then.
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
SERVER_PID=""
PGSERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    [ -n "$PGSERVER_PID" ] && kill "$PGSERVER_PID" 2>/dev/null || true
    run_pg "$PG/pg_ctl" -D "$PGROOT/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PGROOT"
}
trap cleanup EXIT INT TERM
[ "$(id -u)" = 0 ] && chown postgres "$PGROOT"

PGPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
say "starting a throwaway PostgreSQL on 127.0.0.1:$PGPORT"
run_pg "$PG/initdb" -D "$PGROOT/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$PGROOT/initdb.log" 2>&1 \
    || { cat "$PGROOT/initdb.log" >&2; exit 1; }
run_pg "$PG/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/server.log" -w -t 60 \
    -o "-p $PGPORT -k $PGROOT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=600" \
    start >/dev/null || { cat "$PGROOT/server.log" >&2; exit 1; }
export GIAMNGHEO_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"

# --- build and test ----------------------------------------------------------
say "building (the first build of the dependencies takes several minutes)"
start=$SECONDS
if ! swift build --build-tests >"$PGROOT/build.log" 2>&1; then
    grep -v -E '^\[[0-9]+/[0-9]+\] ' "$PGROOT/build.log" | tail -n 80 >&2
    exit 1
fi
say "built in $((SECONDS - start)) s"
say "running the tests (SQLite and PostgreSQL)"
# The tests' files (SQLite databases, uploads, documents) go to a folder removed at the end.
export TMPDIR="$PGROOT/tmp"
mkdir -p "$TMPDIR" && chmod 1777 "$TMPDIR"
swift test --skip-build "$@"
[ $# -gt 0 ] && exit 0   # a filtered run skips the browser walk

# --- the browser walk ---------------------------------------------------------
WEBPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
say "browser walk: giamngheo serve on 127.0.0.1:$WEBPORT (fresh SQLite demo province), headless Chromium"
SQLITE_PATH="$PGROOT/web.sqlite" .build/debug/giamngheo serve --port "$WEBPORT" --demo --demo-households 600 \
    >"$PGROOT/serve.log" 2>"$PGROOT/serve.err" &
SERVER_PID=$!
for _ in $(seq 1 240); do
    grep -q "http://127.0.0.1:$WEBPORT/" "$PGROOT/serve.log" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$PGROOT/serve.err" >&2; exit 1; }
    sleep 0.5
done
grep -q "http://127.0.0.1:$WEBPORT/" "$PGROOT/serve.log" || { echo "the server did not start" >&2; cat "$PGROOT/serve.err" >&2; exit 1; }
cat "$PGROOT/serve.log" >&2
export GIAMNGHEO_URL="http://127.0.0.1:$WEBPORT"
export GIAMNGHEO_SCREENSHOTS="${GIAMNGHEO_SCREENSHOTS:-$PWD/.build/screenshots}"
python3 -m pytest -q -p no:cacheprovider Tests/browser
say "screenshots in $GIAMNGHEO_SCREENSHOTS"

# --- the API against its description, on SQLite and PostgreSQL -------------------
say "API check (schemathesis) on SQLite"
scripts/api-check.sh "$GIAMNGHEO_URL"
PGAPIPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$PG/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -q -c "CREATE DATABASE api_check" >/dev/null
DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/api_check" .build/debug/giamngheo serve --port "$PGAPIPORT" --demo --demo-households 300 \
    >"$PGROOT/serve-pg.log" 2>"$PGROOT/serve-pg.err" &
PGSERVER_PID=$!
for _ in $(seq 1 240); do
    grep -q "http://127.0.0.1:$PGAPIPORT/" "$PGROOT/serve-pg.log" 2>/dev/null && break
    kill -0 "$PGSERVER_PID" 2>/dev/null || { cat "$PGROOT/serve-pg.err" >&2; exit 1; }
    sleep 0.5
done
say "API check (schemathesis) on PostgreSQL"
scripts/api-check.sh "http://127.0.0.1:$PGAPIPORT"
kill "$PGSERVER_PID" 2>/dev/null || true
