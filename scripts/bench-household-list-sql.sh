#!/usr/bin/env bash
# Benchmark: the SQL of the household list (the whole province, its latest review year) on
# PostgreSQL — pages 1 and 100 and the last page, 50 households a page; the median of 11
# executions (EXPLAIN ANALYZE's execution time) after one to warm the cache.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench giamngheo demo --households 100000
#   scripts/bench-household-list-sql.sh postgres://postgres@127.0.0.1:5432/bench
set -euo pipefail
DB="${1:?give the PostgreSQL database URL}"
Y=$(psql "$DB" -Atc "SELECT MAX(year) FROM reviews")
N=$(psql "$DB" -Atc "SELECT COUNT(*) FROM reviews WHERE year = $Y")
for offset in 0 4950 $(( (N - 1) / 50 * 50 )); do
  q="SELECT h.code, m.full_name, r.unit_id, r.year, r.status, r.official_status, r.per_capita_income, r.deprivation_count
     FROM households h CROSS JOIN reviews r LEFT JOIN members m ON m.id = h.primary_member_id
     WHERE r.year = $Y AND r.household_id = h.id ORDER BY h.sort_key COLLATE \"C\", h.code COLLATE \"C\" LIMIT 50 OFFSET $offset"
  psql "$DB" -Atc "$q" > /dev/null
  times=$(for _ in $(seq 1 11); do
            psql "$DB" -At -c "EXPLAIN (ANALYZE, FORMAT JSON) $q" | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["Execution Time"])'
          done | sort -n)
  echo "offset $offset of $N: median $(echo "$times" | sed -n 6p) ms (min $(echo "$times" | head -1), max $(echo "$times" | tail -1))"
done
