"""Latency of a branch's annual-report figures, answered from the kept counts (issue 9).

Logs in through the API as a provincial administrator, then asks
`/api/v1/reports/{unit}/{year}` — the province's report for the latest review year with its
figures computed now: the review and its moves (from the reviews' roll-ups), support by policy,
funds and NEF loans (from the support roll-ups), policy coverage of poor households and the
loans' ageing (from their tables) — REQUESTS times one after another, and the reporting board
`/api/v1/reports?year=` likewise, and prints p50/p95/p99/max in ms. As the reference, times the
support, fund and loan figures counted from their raw tables (the queries before the support
roll-ups) with Python's sqlite3 on the same file, RUNS times, and prints the median.

    python3 Benchmarks/report_latency.py --url http://127.0.0.1:8183 --db bench-data/reports/demo-100000.sqlite \
        --unit LDLD-NB --user benchadmin --password bench-password-1
"""
import argparse
import json
import sqlite3
import statistics
import time
import urllib.request

RAW = [
    """SELECT s.policy_code, COUNT(*), COUNT(DISTINCT s.household_id), SUM(s.value) FROM support s
       WHERE s.year = ? AND s.cancelled_at IS NULL GROUP BY s.policy_code""",
    "SELECT COUNT(DISTINCT household_id) FROM support WHERE year = ? AND cancelled_at IS NULL",
    """SELECT COALESCE(o.kind, e.kind), CASE WHEN e.day < ? THEN 0 ELSE 1 END, SUM(e.amount)
       FROM fund_entries e JOIN funds f ON f.id = e.fund_id LEFT JOIN fund_entries o ON o.id = e.reverses_id
       WHERE f.kind = 'support' AND e.day <= ? GROUP BY 1, 2""",
    "SELECT COUNT(*), SUM(amount) FROM loans WHERE disbursed_on >= ? AND disbursed_on <= ?",
    "SELECT SUM(r.amount) FROM loan_repayments r JOIN loans l ON l.id = r.loan_id WHERE r.day >= ? AND r.day <= ?",
]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed(url, headers, n):
    body = None
    for _ in range(5):  # warm-up
        body = json.load(urllib.request.urlopen(urllib.request.Request(url, headers=headers)))
    times = []
    for _ in range(n):
        start = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
            r.read()
        times.append((time.perf_counter() - start) * 1000)
    return body, times


def show(name, n, times):
    return (f"{name}, {n} requests: p50 {percentile(times, 50):.1f} ms, p95 {percentile(times, 95):.1f} ms, "
            f"p99 {percentile(times, 99):.1f} ms, max {max(times):.1f} ms")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--unit", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--requests", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()

    body = json.dumps({"username": a.user, "password": a.password}).encode()
    req = urllib.request.Request(a.url + "/api/v1/tokens", data=body, headers={"Content-Type": "application/json"})
    headers = {"Authorization": "Bearer " + json.load(urllib.request.urlopen(req))["token"]}
    year = json.load(urllib.request.urlopen(urllib.request.Request(a.url + "/api/v1/dashboard", headers=headers)))[-1]["year"]

    report, times = timed(f"{a.url}/api/v1/reports/{a.unit}/{year}", headers, a.requests)
    f = report["figures"]
    print(show(f"report figures via /api/v1/reports/{a.unit}/{year}", a.requests, times)
          + f" ({f['households']} households, {f['poor']} poor, {f['supportRecords']} support records, "
            f"{f['coverageComplete']}/{f['coveragePoor']} fully addressed)")
    board, board_times = timed(f"{a.url}/api/v1/reports?year={year}&unit={a.unit}", headers, a.requests)
    print(show("reporting board via /api/v1/reports", a.requests, board_times) + f" ({board['expected']} units expected)")

    db = sqlite3.connect(a.db)
    raw = []
    start_day, end_day = f"{year}-01-01", f"{year}-12-31"
    params = [(year,), (year,), (start_day, end_day), (start_day, end_day), (start_day, end_day)]
    for _ in range(a.runs):
        start = time.perf_counter()
        results = [db.execute(q, p).fetchall() for q, p in zip(RAW, params)]
        raw.append((time.perf_counter() - start) * 1000)
    records = sum(row[1] for row in results[0])
    assert records == f["supportRecords"], (records, f["supportRecords"])
    print(f"reference, the support, fund and loan figures counted from their raw tables (sqlite3, {a.runs} runs): "
          f"median {statistics.median(raw):.1f} ms for {records} support records")


if __name__ == "__main__":
    main()
