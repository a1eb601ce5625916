"""Throughput and latency of ``xuncha serve`` on 127.0.0.1, with the in-process call as the
baseline measured in the same run.

    python benchmarks/load_server.py [--requests 2000] [--clients 16]

Starts a real uvicorn process (``python -m xuncha_nlp.server``) on a free port and prints:
1. ``extract_stats`` called in this process on the same paragraph (the baseline);
2. ``/v1/stats`` from N concurrent keep-alive clients: throughput, p50/p95/p99, and the
   ratio of HTTP p50 to the in-process call;
3. ``/healthz`` every 50 ms while one 5 MB report is analysed with no other load;
4. (2) again while a 5 MB report is analysed, with ``/healthz`` timed throughout.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_server_load import (  # noqa: E402
    BIG_BYTES,
    STATS_TEXT,
    Background,
    big_document,
    hammer,
    start_server,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args(argv)

    from xuncha_nlp.stats import extract_stats

    extract_stats(STATS_TEXT)
    n = 500
    t0 = time.perf_counter()
    for _ in range(n):
        extract_stats(STATS_TEXT)
    inproc = (time.perf_counter() - t0) / n
    print(f"baseline: extract_stats in-process on a {len(STATS_TEXT)}-character paragraph: "
          f"{inproc * 1e3:.2f} ms per call ({n} calls)")

    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp) / "uvicorn.log")
        try:
            run = hammer(server.base, "/v1/stats", {"text": STATS_TEXT},
                         requests=args.requests, clients=args.clients)
            print(run.line(f"/v1/stats x{args.requests}, {args.clients} clients"))
            print(f"  HTTP p50 / in-process call = {run.percentile(0.5) / inproc:.1f}x; "
                  f"throughput x in-process time = {len(run.latencies) / run.seconds * inproc:.2f}"
                  " (cores' worth of extraction kept busy)")
            text = big_document(BIG_BYTES)
            with Background(server.base, text) as bg:
                pass
            print(bg.health.line("/healthz every 50 ms during a 5 MB analyze, no other load"))
            print(f"  /v1/analyze of {len(text.encode('utf-8')):,} bytes: status {bg.status}, "
                  f"{bg.stats} stats, {bg.finished - bg.started:.1f} s")
            with Background(server.base, text) as bg:
                time.sleep(0.5)
                run = hammer(server.base, "/v1/stats", {"text": STATS_TEXT},
                             requests=args.requests, clients=args.clients)
            print(run.line(f"/v1/stats x{args.requests}, {args.clients} clients, during a "
                           "5 MB analyze"))
            print(bg.health.line("/healthz every 50 ms during the same"))
            print(f"  /v1/analyze: status {bg.status}, {bg.finished - bg.started:.1f} s")
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
