#!/usr/bin/env bash
# The JSON API against its own description: schemathesis (PyPI, pinned) over
# $URL/api/openapi.json with an administrator's and a grassroots officer's token, every
# check (scripts/schemathesis.toml says which refusals a schema-valid request may get).
# Usage: scripts/api-check.sh URL [EXAMPLES]   (EXAMPLES per operation, default 20;
# API_CHECK_EXAMPLES=200 for a long run)
set -euo pipefail
URL="$1"
EXAMPLES="${2:-${API_CHECK_EXAMPLES:-20}}"
VENV="${API_CHECK_VENV:-${TMPDIR:-/tmp}/giamngheo-schemathesis}"
if [ ! -x "$VENV/bin/schemathesis" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q "schemathesis==4.32.5"
fi
HERE="$(cd "$(dirname "$0")" && pwd)"
# Both tokens first: the run itself fuzzes the sign-in, which then throttles this address.
declare -A tokens
for user in quantri coso; do
    tokens[$user]="$(curl -s -X POST -H 'Content-Type: application/json' \
        -d "{\"username\":\"$user\",\"password\":\"demo-giamngheo\"}" "$URL/api/v1/tokens" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
done
for user in quantri coso; do
    echo "==> schemathesis as $user ($EXAMPLES examples per operation)" >&2
    "$VENV/bin/schemathesis" --config-file "$HERE/schemathesis.toml" run "$URL/api/openapi.json" \
        -H "Authorization: Bearer ${tokens[$user]}" --checks all --max-examples "$EXAMPLES" \
        --phases examples,coverage,fuzzing --seed 20261206 --no-color
done
