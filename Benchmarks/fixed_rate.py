"""Open-loop HTTP load at a fixed rate, for the web app's latency benchmark.

Sends GET requests to the given paths (round robin) at RATE requests per second for
SECONDS, over keep-alive HTTP/1.1 connections to a server on loopback, and measures each
latency from the moment the request was *due* (so a slow server cannot hide queueing:
no coordinated omission). Prints one line per path and one for all: count, errors,
p50/p90/p99/max in ms, and the rate achieved.

    python3 fixed_rate.py --url http://127.0.0.1:8080 --cookie 'gn_session=…' \
        --rate 200 --seconds 30 /  /households?q=nguyen  /households/HO0000001
"""
import argparse
import asyncio
import time
import urllib.parse


async def worker(host, port, headers, queue, results, deadline):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            item = await queue.get()
            if item is None:
                return
            due, path = item
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}\r\n".encode())
            await writer.drain()
            status_line = await reader.readline()
            status = int(status_line.split()[1]) if status_line else 0
            length, chunked = 0, False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
                elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                    chunked = True
            if chunked:
                while True:
                    size = int((await reader.readline()).strip() or b"0", 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            elif length:
                await reader.readexactly(length)
            results.append((path, status, (time.perf_counter() - due) * 1000.0))
    finally:
        writer.close()


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100.0 * len(values) + 0.5)) - 1))
    return values[k]


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--cookie", default="")
    ap.add_argument("--rate", type=float, default=200)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    u = urllib.parse.urlparse(a.url)
    headers = f"Cookie: {a.cookie}\r\n" if a.cookie else ""
    queue = asyncio.Queue()
    results = []
    start = time.perf_counter()
    total = int(a.rate * (a.seconds + a.warmup))
    workers = [asyncio.create_task(worker(u.hostname, u.port, headers, queue, results, None)) for _ in range(a.connections)]
    for i in range(total):
        due = start + i / a.rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await queue.put((due, a.paths[i % len(a.paths)]))
    for _ in workers:
        await queue.put(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - start
    skip = int(a.rate * a.warmup)  # the warm-up requests are not counted
    counted = results[skip:] if len(results) > skip else results
    print(f"{'path':40} {'n':>6} {'errors':>6} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for path in a.paths + ["(all)"]:
        rows = [r for r in counted if path == "(all)" or r[0] == path]
        lat = [r[2] for r in rows]
        errors = sum(1 for r in rows if r[1] != 200)
        print(f"{path[:40]:40} {len(rows):6d} {errors:6d} {percentile(lat, 50):8.1f} {percentile(lat, 90):8.1f} {percentile(lat, 99):8.1f} {max(lat) if lat else float('nan'):8.1f}")
    print(f"offered {a.rate:.0f} req/s, achieved {len(results) / elapsed:.1f} req/s over {elapsed:.1f} s")


asyncio.run(main())
