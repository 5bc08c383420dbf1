"""Load on `salescli web` over a team's folder: the server as a rep starts it (the installed `salescli
web`, Waitress), N GETs of a page from C concurrent clients; throughput, p50/p99, errors and the
server's resident memory after the first 50 requests and after the run.

    python benchmarks/web_load.py                         # 10,000 customers, 2,000 GETs of / by 8 clients
    python benchmarks/web_load.py --requests 500 --url /forecast --clients 4
    python benchmarks/web_load.py --customers 1000 --url /customers

Issue 22's bar: 0 errors, p99 within 2 s, and the memory after the run within 20% of what it was after
the first 50 requests. Benchmarks are not tests: nothing here asserts; it prints what it measured.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

TODAY = "2026-11-26"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--url", default="/")
    parser.add_argument("--warm", type=int, default=50, help="requests before the first memory reading")
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "salescli-bench")
    args = parser.parse_args()
    root = generate(args.folder / f"customers-{args.customers}", args.customers)
    salescli = shutil.which("salescli") or str(Path(sys.executable).parent / "salescli")
    environment = {**os.environ, "SALESCLI_CACHE_DIR": str(args.folder / "cache")}
    started = time.perf_counter()
    server = subprocess.Popen([salescli, "--today", TODAY, "web", "--no-open", "--port", "0"], cwd=root,
                              env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = _port(server)
        print(f"{args.customers:,} customers; server ready in {time.perf_counter() - started:.1f} s "
              f"(pid {server.pid}, port {port})")
        first = _timed(port, args.url)
        print(f"first {args.url}: {first[1]:.3f} s, {first[2]:,} bytes, HTTP {first[0]}")
        _run(port, args.url, args.warm - 1, args.clients)
        after_warm = _rss(server.pid)
        print(f"RSS after {args.warm} requests: {after_warm / 1024:.0f} MiB")
        began = time.perf_counter()
        results = _run(port, args.url, args.requests, args.clients)
        elapsed = time.perf_counter() - began
        after = _rss(server.pid)
        times = sorted(seconds for _status, seconds, _size in results)
        errors = sum(1 for status, _seconds, _size in results if status != 200)
        print(f"{args.requests:,} GETs of {args.url} by {args.clients} clients in {elapsed:.1f} s: "
              f"{args.requests / elapsed:.1f} requests/s")
        print(f"latency p50 {_percentile(times, 50):.3f} s, p99 {_percentile(times, 99):.3f} s, "
              f"max {times[-1]:.3f} s; errors {errors}")
        print(f"RSS after the run: {after / 1024:.0f} MiB ({after / after_warm:.2f} × after {args.warm} requests)")
    finally:
        server.terminate()
        server.communicate(timeout=30)


def _port(server: subprocess.Popen[str]) -> int:
    assert server.stdout is not None
    for line in server.stdout:
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if found:
            return int(found.group(1))
    raise SystemExit(f"the server did not start: {server.stderr.read() if server.stderr else ''}")


def _timed(port: int, url: str, connection: http.client.HTTPConnection | None = None) -> tuple[int, float, int]:
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        connection.request("GET", url)
        response = connection.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, len(body)
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - started, 0
    finally:
        if own:
            connection.close()


def _run(port: int, url: str, count: int, clients: int) -> list[tuple[int, float, int]]:
    """`count` GETs shared by `clients` threads, each on its own kept-alive connection."""
    results: list[tuple[int, float, int]] = []
    left = [count]
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if left[0] <= 0:
                    break
                left[0] -= 1
            result = _timed(port, url, connection)
            if result[0] == 0:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            with lock:
                results.append(result)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _rss(pid: int) -> int:
    """Resident memory of the process, KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


if __name__ == "__main__":
    main()
