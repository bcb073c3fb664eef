"""Latency of the province-wide figures, answered from the kept counts (issue 9's roll-ups).

Logs in through the API as a provincial administrator, then asks `/api/v1/dashboard` (every
review year's households, poor, near-poor, escapes and entries for the whole province; not
cached by the server) REQUESTS times one after another and prints p50/p95/p99/max in ms. As
the reference, times the same figures counted from the raw reviews (the queries the
dashboard ran before the roll-ups: a GROUP BY over every review and two self-joins for the
moves) with Python's sqlite3 on the same file, RUNS times, and prints the median.

    python3 Benchmarks/rollup_latency.py --url http://127.0.0.1:8181 --db bench-data/web/demo-100000.sqlite \
        --user benchadmin --password bench-password-1
"""
import argparse
import json
import sqlite3
import statistics
import time
import urllib.request

RAW = [
    """SELECT year, standard_code, COUNT(*), SUM(CASE WHEN status = 'ngheo' THEN 1 ELSE 0 END),
              SUM(CASE WHEN status = 'can_ngheo' THEN 1 ELSE 0 END) FROM reviews GROUP BY year, standard_code""",
    """SELECT c.year, COUNT(*) FROM reviews p JOIN reviews c ON c.household_id = p.household_id AND c.year = p.year + 1
       AND c.standard_code = p.standard_code AND c.status <> 'ngheo' WHERE p.status = 'ngheo' GROUP BY c.year""",
    """SELECT c.year, COUNT(*) FROM reviews c JOIN reviews p ON p.household_id = c.household_id AND p.year = c.year - 1
       AND p.standard_code = c.standard_code AND p.status <> 'ngheo' WHERE c.status = 'ngheo' GROUP BY c.year""",
]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()

    body = json.dumps({"username": a.user, "password": a.password}).encode()
    req = urllib.request.Request(a.url + "/api/v1/tokens", data=body, headers={"Content-Type": "application/json"})
    token = json.load(urllib.request.urlopen(req))["token"]
    headers = {"Authorization": "Bearer " + token}
    figures = None
    for _ in range(10):  # warm-up: connections, the tree of the scope
        figures = json.load(urllib.request.urlopen(urllib.request.Request(a.url + "/api/v1/dashboard", headers=headers)))
    times = []
    for _ in range(a.requests):
        start = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(a.url + "/api/v1/dashboard", headers=headers)) as r:
            r.read()
        times.append((time.perf_counter() - start) * 1000)
    latest = figures[-1]
    print(f"roll-ups via /api/v1/dashboard, {a.requests} requests: p50 {percentile(times, 50):.1f} ms, "
          f"p95 {percentile(times, 95):.1f} ms, p99 {percentile(times, 99):.1f} ms, max {max(times):.1f} ms "
          f"(latest year {latest['year']}: {latest['households']} households, {latest['poor']} poor)")

    db = sqlite3.connect(a.db)
    raw = []
    counted = None
    for _ in range(a.runs):
        start = time.perf_counter()
        results = [db.execute(q).fetchall() for q in RAW]
        raw.append((time.perf_counter() - start) * 1000)
        counted = results[0]
    households = sum(row[2] for row in counted if row[0] == latest["year"])
    assert households == latest["households"], (households, latest["households"])
    median = statistics.median(raw)
    print(f"reference, the same figures counted from the raw reviews (sqlite3, {a.runs} runs): median {median:.0f} ms; "
          f"ratio {median / percentile(times, 95):.0f}x the roll-ups' p95")


if __name__ == "__main__":
    main()
