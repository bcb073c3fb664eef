#!/usr/bin/env python3
"""Latency of the web app while a large survey is checked and imported through it.

Signs in as an administrator, uploads FILE to /import/khao-sat, waits for the check, confirms,
and waits for the import; meanwhile one thread asks for the dashboard every 100 ms (the
administrator's session) and another signs a grassroots officer in every 250 ms (each sign-in
from its own client address, through X-Forwarded-For: start the server with
--trusted-proxy 127.0.0.1, or the sign-in throttle answers 429). Every request is timed and
counted in the phase it began in: before (idle), checking, importing, after. Prints a table
of p50/p95/p99/max per phase, the phases' lengths, and — given the server's pid — its peak
resident memory (VmHWM).

    python3 Benchmarks/during_import.py URL FILE --admin U:P --officer U:P [--pid PID]
"""
import argparse
import http.cookiejar
import json
import random
import re
import threading
import time
import urllib.parse
import urllib.request
import uuid


def opener(jar=None):
    """A client with its own cookies (or the cookies of `jar`), following no redirect."""
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar or http.cookiejar.CookieJar()), NoRedirect())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(op, url, data=None, headers=None, timeout=600):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with op.open(request, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def csrf(body):
    m = re.search(rb'name="_csrf" value="([^"]*)"', body)
    return m.group(1).decode() if m else ""


def sign_in(op, base, user, password, address=None):
    headers = {"X-Forwarded-For": address} if address else {}
    _, _, page = fetch(op, base + "/login", headers=headers)
    form = urllib.parse.urlencode({"username": user, "password": password, "_csrf": csrf(page), "next": "/"}).encode()
    started = time.perf_counter()
    status, _, _ = fetch(op, base + "/login", data=form, headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
    return status, time.perf_counter() - started


def multipart(field, name, content):
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode()
    return boundary, head + content + f"\r\n--{boundary}--\r\n".encode()


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("file")
    ap.add_argument("--admin", required=True)
    ap.add_argument("--officer", required=True)
    ap.add_argument("--pid", type=int)
    ap.add_argument("--idle", type=float, default=8.0)
    args = ap.parse_args()
    base = args.url.rstrip("/")
    admin_user, admin_password = args.admin.split(":", 1)
    officer_user, officer_password = args.officer.split(":", 1)

    admin_jar = http.cookiejar.CookieJar()
    admin = opener(admin_jar)
    status, _ = sign_in(admin, base, admin_user, admin_password)
    assert status == 303, f"admin sign-in: {status}"

    phase = ["before"]
    samples = []  # (kind, phase, seconds, status)
    lock = threading.Lock()
    stop = threading.Event()

    def dashboards():
        op = opener(admin_jar)  # the administrator's session
        while not stop.is_set():
            p = phase[0]
            t = time.perf_counter()
            s, _, _ = fetch(op, base + "/")
            with lock:
                samples.append(("dashboard", p, time.perf_counter() - t, s))
            time.sleep(0.1)

    def logins():
        while not stop.is_set():
            p = phase[0]
            address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
            s, seconds = sign_in(opener(), base, officer_user, officer_password, address)
            with lock:
                samples.append(("sign-in", p, seconds, s))
            time.sleep(0.25)

    threads = [threading.Thread(target=dashboards), threading.Thread(target=logins)]
    for t in threads:
        t.start()
    time.sleep(args.idle)

    # Upload, check, confirm, import.
    _, _, page = fetch(admin, base + "/import")
    with open(args.file, "rb") as f:
        content = f.read()
    boundary, body = multipart("file", "khao-sat-lon.csv", content)
    url = base + "/import/khao-sat"
    marks = {"upload": time.perf_counter()}
    phase[0] = "checking"
    status, headers, answer = fetch(admin, url, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                                                    "X-CSRF-Token": csrf(page)})
    assert status == 303, f"upload: {status} {answer[:300]!r}"
    job = headers["Location"]

    def wait(until):
        while True:
            _, _, raw = fetch(admin, base + job + "/status")
            state = json.loads(raw)
            if state["state"] in until:
                return state
            time.sleep(0.2)

    checked = wait({"ready", "rejected", "failed"})
    marks["checked"] = time.perf_counter()
    assert checked["state"] == "ready", checked
    _, _, page = fetch(admin, base + job)
    phase[0] = "importing"
    fetch(admin, base + job + "/confirm", data=urllib.parse.urlencode({"_csrf": csrf(page)}).encode(),
          headers={"Content-Type": "application/x-www-form-urlencoded"})
    done = wait({"done", "failed"})
    marks["imported"] = time.perf_counter()
    assert done["state"] == "done", done
    phase[0] = "after"
    time.sleep(3)
    stop.set()
    for t in threads:
        t.join()

    print(f"file: {args.file}, {len(content) / 1e6:.1f} MB, {done.get('added')} added, {done.get('updated')} updated")
    print(f"check (upload to ready): {marks['checked'] - marks['upload']:.1f} s; import (confirm to done): {marks['imported'] - marks['checked']:.1f} s")
    print(f"{'request':<10} {'phase':<10} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}  non-2xx/3xx")
    for kind in ("dashboard", "sign-in"):
        for p in ("before", "checking", "importing", "after"):
            xs = [s for (k, ph, s, _) in samples if k == kind and ph == p]
            bad = sum(1 for (k, ph, _, st) in samples if k == kind and ph == p and st >= 400)
            ms = lambda v: f"{v * 1000:8.1f}"
            print(f"{kind:<10} {p:<10} {len(xs):>5} {ms(percentile(xs, 50))} {ms(percentile(xs, 95))} {ms(percentile(xs, 99))} {ms(max(xs) if xs else float('nan'))}  {bad}")
    if args.pid:
        with open(f"/proc/{args.pid}/status") as f:
            status = dict(line.split(":", 1) for line in f if ":" in line)
        print(f"server peak resident memory (VmHWM): {status['VmHWM'].strip()}; now (VmRSS): {status['VmRSS'].strip()}")


if __name__ == "__main__":
    main()
