#!/usr/bin/env bash
# Runs every test of giamngheo on a fresh machine: installs what the tests need
# (PostgreSQL server, Chromium and its driver, Bootstrap, Selenium, LibreOffice and the
# readers the document tests open files with, HAProxy and nginx), starts a throwaway
# PostgreSQL cluster on a free local port, builds, runs the whole suite (storage and web
# tests on SQLite and on PostgreSQL, the crash tests), then the browser walk and the API
# check against `giamngheo serve` on SQLite, and again against two instances on PostgreSQL
# behind HAProxy and an nginx TLS proxy; removes everything it started on exit.
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
# The multi-instance walk: HAProxy spreads requests, nginx terminates TLS, openssl makes its certificate.
[ -x /usr/sbin/haproxy ] || missing+=(haproxy)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null || missing+=(openssl)

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
INSTANCE_PIDS=()
HAPROXY_PID=""
NGINX_STARTED=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
    for pid in "${INSTANCE_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -n "$HAPROXY_PID" ] && kill "$HAPROXY_PID" 2>/dev/null || true
    [ -n "$NGINX_STARTED" ] && /usr/sbin/nginx -p "$STACK/nginx" -c "$STACK/nginx/nginx.conf" -s stop 2>/dev/null || true
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
kill "$SERVER_PID" 2>/dev/null || true

# --- two instances on PostgreSQL behind HAProxy, TLS by nginx ------------------------
# The deployment of docs/deploy.md in small: nginx terminates TLS with a self-made
# certificate, HAProxy spreads requests over two `giamngheo serve` processes that share one
# PostgreSQL database and one upload folder. The browser walk runs through it (Chromium trusts
# that certificate's key only), then the API check through HAProxy; both instances must have
# answered.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_serve() {  # NAME PORT ARGS…: starts an instance on the multi-instance database, waits for it
    local name="$1" port="$2"; shift 2
    DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/multi" .build/debug/giamngheo serve --port "$port" \
        --uploads "$STACK/uploads" --secure-cookies --trusted-proxy 127.0.0.1 "$@" >"$STACK/$name.log" 2>"$STACK/$name.err" &
    local pid=$!
    INSTANCE_PIDS+=("$pid")
    for _ in $(seq 1 480); do
        grep -q "http://127.0.0.1:$port/" "$STACK/$name.log" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$STACK/$name.err" >&2; exit 1; }
        sleep 0.5
    done
    echo "instance $name did not start" >&2; cat "$STACK/$name.err" >&2; exit 1
}
STACK="$PGROOT/stack"
mkdir -p "$STACK/uploads" "$STACK/nginx"
"$PG/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -q -c "CREATE DATABASE multi" >/dev/null
PORT_A="$(free_port)"; PORT_B="$(free_port)"; HAPORT="$(free_port)"; TLSPORT="$(free_port)"
say "two instances on PostgreSQL (:$PORT_A builds the demo province, then :$PORT_B)"
start_serve a "$PORT_A" --demo --demo-households 600
start_serve b "$PORT_B"

cat >"$STACK/haproxy.cfg" <<CFG
global
    stats socket $STACK/haproxy.sock mode 600 level user
defaults
    mode http
    timeout connect 5s
    timeout client 300s
    timeout server 300s
    option forwardfor
frontend app
    bind 127.0.0.1:$HAPORT
    default_backend giamngheo
backend giamngheo
    balance roundrobin
    server a 127.0.0.1:$PORT_A check
    server b 127.0.0.1:$PORT_B check
CFG
/usr/sbin/haproxy -f "$STACK/haproxy.cfg" -db >"$STACK/haproxy.log" 2>&1 &
HAPROXY_PID=$!

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$STACK/key.pem" -out "$STACK/cert.pem" 2>/dev/null
SPKI="$(openssl x509 -in "$STACK/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)"
cat >"$STACK/nginx/nginx.conf" <<CFG
$([ "$(id -u)" = 0 ] && echo "user root;")
worker_processes 1;
pid $STACK/nginx/nginx.pid;
error_log $STACK/nginx/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $STACK/nginx/body;
    proxy_temp_path $STACK/nginx/proxy;
    fastcgi_temp_path $STACK/nginx/fastcgi;
    uwsgi_temp_path $STACK/nginx/uwsgi;
    scgi_temp_path $STACK/nginx/scgi;
    server {
        listen 127.0.0.1:$TLSPORT ssl;
        ssl_certificate $STACK/cert.pem;
        ssl_certificate_key $STACK/key.pem;
        client_max_body_size 64m;
        location / {
            proxy_pass http://127.0.0.1:$HAPORT;
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
            proxy_read_timeout 300s;
        }
    }
}
CFG
/usr/sbin/nginx -p "$STACK/nginx" -c "$STACK/nginx/nginx.conf"
NGINX_STARTED=1
for _ in $(seq 1 40); do
    curl -s -o /dev/null --cacert "$STACK/cert.pem" "https://127.0.0.1:$TLSPORT/login" && break
    sleep 0.25
done

say "browser walk through nginx (TLS, self-made certificate) → HAProxy → two instances on PostgreSQL"
GIAMNGHEO_URL="https://127.0.0.1:$TLSPORT" GIAMNGHEO_CERT_SPKI="$SPKI" SSL_CERT_FILE="$STACK/cert.pem" \
    GIAMNGHEO_SCREENSHOTS="$GIAMNGHEO_SCREENSHOTS/multi" python3 -m pytest -q -p no:cacheprovider Tests/browser
say "API check (schemathesis) on PostgreSQL through HAProxy"
scripts/api-check.sh "http://127.0.0.1:$HAPORT"
# Both instances answered (HAProxy's count of sessions per server).
python3 - "$STACK/haproxy.sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"show stat\n")
data = b""
while chunk := s.recv(65536): data += chunk
rows = [l.split(",") for l in data.decode().splitlines() if l.startswith("giamngheo,")]
served = {r[1]: int(r[7]) for r in rows if r[1] in ("a", "b")}
print("==> sessions per instance:", served, file=sys.stderr)
sys.exit(0 if len(served) == 2 and all(n > 0 for n in served.values()) else 1)
PY
