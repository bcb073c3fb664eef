#!/usr/bin/env bash
# Benchmark: one instance against two behind HAProxy, on one PostgreSQL database — the
# saturation throughput and latency (wrk, closed loop, through HAProxy) of the dashboard and
# of the household list, signed in as the provincial administrator of the demo province.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench scripts/bench-instances.sh
#
# The database must be empty (the demo province, HOUSEHOLDS default 10,000, is built into it)
# or hold that demo already.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?give an empty PostgreSQL database in DATABASE_URL}"
export DATABASE_URL
HOUSEHOLDS="${HOUSEHOLDS:-10000}"
WORK="bench-data/instances"
mkdir -p "$WORK"
say() { printf '==> %s\n' "$*" >&2; }
command -v wrk >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
[ -x /usr/sbin/haproxy ] || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; }

say "release build"
swift build -c release --product giamngheo >/dev/null
BIN="$(swift build -c release --show-bin-path)/giamngheo"
if [ -z "$("$BIN" tree 2>/dev/null | grep -E '^ +CDCS-' | head -1)" ]; then
    say "building the demo province: $HOUSEHOLDS households"
    "$BIN" demo --households "$HOUSEHOLDS" >/dev/null
fi
ROOT="$("$BIN" tree | sed -n 2p | awk '{print $1}')"
GIAMNGHEO_PASSWORD="bench-password-1" "$BIN" user add benchadmin --name "Benchmark" --role quan_tri --unit "$ROOT" >/dev/null 2>&1 || true

PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
for port in 8191 8192; do
    "$BIN" serve --port "$port" --uploads "$WORK/uploads" --trusted-proxy 127.0.0.1 >"$WORK/serve-$port.log" 2>"$WORK/serve-$port.err" &
    PIDS+=($!)
    for _ in $(seq 1 120); do grep -q "http://127.0.0.1:$port/" "$WORK/serve-$port.log" 2>/dev/null && break; sleep 0.5; done
done

run_haproxy() { # servers…
    local cfg="$WORK/haproxy.cfg"
    { printf 'defaults\n    mode http\n    timeout connect 5s\n    timeout client 60s\n    timeout server 60s\n'
      printf 'frontend app\n    bind 127.0.0.1:8190\n    default_backend giamngheo\nbackend giamngheo\n    balance roundrobin\n'
      for port in "$@"; do printf '    server s%s 127.0.0.1:%s\n' "$port" "$port"; done; } >"$cfg"
    /usr/sbin/haproxy -f "$cfg" -db >"$WORK/haproxy.log" 2>&1 &
    HAPROXY=$!
    PIDS+=("$HAPROXY")
    sleep 1
}
login() {
    local jar="$WORK/cookies" csrf
    rm -f "$jar"
    csrf=$(curl -s -c "$jar" http://127.0.0.1:8190/login | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
    curl -s -b "$jar" -c "$jar" -o /dev/null -d "username=benchadmin&password=bench-password-1&_csrf=$csrf&next=/" http://127.0.0.1:8190/login
    awk '$6 == "gn_session" {print "gn_session=" $7}' "$jar"
}
for servers in "8191" "8191 8192"; do
    # shellcheck disable=SC2086
    run_haproxy $servers
    COOKIE="$(login)"
    for page in "/" "/households"; do
        curl -s -o /dev/null -H "Cookie: $COOKIE" "http://127.0.0.1:8190$page"   # warm each instance's caches
        curl -s -o /dev/null -H "Cookie: $COOKIE" "http://127.0.0.1:8190$page"
        say "instances: $servers — wrk -t2 -c16 -d15s $page"
        wrk -t2 -c16 -d15s --latency -H "Cookie: $COOKIE" "http://127.0.0.1:8190$page" | grep -E "Requests/sec|50%|99%|Non-2xx" || true
    done
    kill "$HAPROXY"; wait "$HAPROXY" 2>/dev/null || true
done
