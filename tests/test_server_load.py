"""Load on a real uvicorn process on 127.0.0.1: many small requests from concurrent clients,
then the same while one 5 MB report is being analysed, with ``/healthz`` timed throughout.

Bounded in count and time (about 30-60 s on two cores); set ``XUNCHA_SKIP_LOAD=1`` to skip.
Figures are printed (run with ``-s`` to see them); ``benchmarks/load_server.py`` uses the same
driver for a fuller report. No assertion is about speed except that ``/healthz`` keeps
answering while the large report is analysed, which is what running the work off the event
loop is for.
"""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")
pytest.importorskip("fastapi")

if os.environ.get("XUNCHA_SKIP_LOAD"):
    pytest.skip("XUNCHA_SKIP_LOAD is set", allow_module_level=True)

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 2000
CLIENTS = 16
BIG_BYTES = 5_000_000
# Our own wording; a paragraph of the size a dashboard sends per call.
STATS_TEXT = ("2023年，县委巡察办统筹开展两轮常规巡察，共巡察党组织28个，发现问题312个，"
              "移交问题线索9件，督促整改问题286个，整改率91.7%。巡察发现，部分单位落实全面"
              "从严治党主体责任不到位，违规发放津补贴问题仍有发生，对12名干部进行了约谈。")


def say(line: str) -> None:
    """Show a figure (pytest shows it with -s)."""
    sys.stdout.write(line + "\n")


# --- the driver (also used by benchmarks/load_server.py) -------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(log: Path, *, extra_env: dict[str, str] | None = None,
                 timeout: float = 90.0) -> Server:
    """``python -m xuncha_nlp.server`` on a free port; returns once /healthz answers (the
    server warms its models up before it accepts connections)."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(extra_env or {})}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "xuncha_nlp.server", "--host", "127.0.0.1", "--port",
             str(port)], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(server.base + "/healthz", timeout=1.0).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"server did not answer /healthz within {timeout:.0f} s")


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    started: float = 0.0
    seconds: float = 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    def line(self, name: str) -> str:
        n = len(self.latencies)
        return (f"{name}: {n} ok, {len(self.errors)} errors in {self.seconds:.2f} s "
                f"({n / self.seconds:.0f} req/s); latency p50 {self.percentile(0.5) * 1e3:.1f} "
                f"ms, p95 {self.percentile(0.95) * 1e3:.1f} ms, p99 "
                f"{self.percentile(0.99) * 1e3:.1f} ms, max {max(self.latencies) * 1e3:.1f} ms")


def hammer(base: str, path: str, body: dict[str, Any], *, requests: int, clients: int,
           timeout: float = 30.0) -> Run:
    """``requests`` POSTs shared among ``clients`` threads, each with its own keep-alive
    connection; every answer must be a 200 with JSON."""
    run = Run()
    counter = itertools.count()
    lock = threading.Lock()

    def client() -> None:
        with httpx.Client(base_url=base, timeout=timeout) as c:
            while next(counter) < requests:
                t0 = time.perf_counter()
                try:
                    r = c.post(path, json=body)
                    ok = r.status_code == 200 and isinstance(r.json(), dict)
                    why = f"{r.status_code} {r.text[:200]}"
                except (httpx.HTTPError, ValueError) as exc:
                    ok, why = False, repr(exc)
                elapsed = time.perf_counter() - t0
                with lock:
                    (run.latencies.append(elapsed) if ok else run.errors.append(why))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    run.started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.seconds = time.perf_counter() - run.started
    return run


def big_document(n_bytes: int) -> str:
    """Our own passages, repeated until the UTF-8 text is ``n_bytes`` long."""
    from tests.conftest import own_passages

    passages = own_passages()
    parts: list[str] = []
    size = 0
    for p in itertools.cycle(passages):
        parts.append(p)
        size += len(p.encode("utf-8")) + 1
        if size >= n_bytes:
            break
    return "\n".join(parts)


@dataclass
class Background:
    """One large /v1/analyze running in a thread while /healthz is timed every 50 ms."""

    base: str
    text: str
    status: int | None = None
    stats: int = 0
    started: float = 0.0
    finished: float = 0.0
    health: Run = field(default_factory=Run)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> Background:
        def analyze() -> None:
            self.started = time.perf_counter()
            try:
                r = httpx.post(self.base + "/v1/analyze", json={"text": self.text},
                               timeout=300)
                self.status = r.status_code
                if r.status_code == 200:
                    self.stats = len(r.json()["stats"])
            finally:
                self.finished = time.perf_counter()

        def health() -> None:
            with httpx.Client(base_url=self.base, timeout=30) as c:
                while not self.finished:
                    t0 = time.perf_counter()
                    r = c.get("/healthz")
                    elapsed = time.perf_counter() - t0
                    if r.status_code == 200:
                        self.health.latencies.append(elapsed)
                    else:
                        self.health.errors.append(str(r.status_code))
                    time.sleep(0.05)

        self._threads = [threading.Thread(target=analyze), threading.Thread(target=health)]
        self.health.started = time.perf_counter()
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for t in self._threads:
            t.join(timeout=300)
        self.health.seconds = time.perf_counter() - self.health.started


# --- the test ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("server") / "uvicorn.log")
    try:
        yield srv
    finally:
        srv.stop()


def test_stats_under_load(server: Server) -> None:
    run = hammer(server.base, "/v1/stats", {"text": STATS_TEXT}, requests=REQUESTS,
                 clients=CLIENTS)
    say("\n" + run.line(f"/v1/stats x{REQUESTS}, {CLIENTS} clients"))
    assert not run.errors, run.errors[:5]
    assert len(run.latencies) == REQUESTS


def test_healthz_answers_while_a_5mb_report_is_analysed(server: Server) -> None:
    text = big_document(BIG_BYTES)
    with Background(server.base, text) as bg:
        pass
    say("\n" + bg.health.line("/healthz every 50 ms during a 5 MB analyze (no other load)"))
    say(f"/v1/analyze of {len(text.encode('utf-8')):,} bytes: status {bg.status}, "
          f"{bg.stats} stats, {bg.finished - bg.started:.1f} s")
    assert bg.status == 200 and bg.stats > 0
    assert not bg.health.errors, bg.health.errors[:5]
    # Were the analysis on the event loop, /healthz would wait for all of it; relative to the
    # analysis time, so a slower machine does not fail it.
    assert len(bg.health.latencies) >= 10
    assert max(bg.health.latencies) < 0.5 * (bg.finished - bg.started)


def test_stats_and_healthz_while_a_5mb_report_is_analysed(server: Server) -> None:
    text = big_document(BIG_BYTES)
    with Background(server.base, text) as bg:
        time.sleep(0.5)  # let the analysis start before the load does
        run = hammer(server.base, "/v1/stats", {"text": STATS_TEXT}, requests=REQUESTS,
                     clients=CLIENTS)
        overlapped = bg.finished == 0.0 or bg.finished > run.started
    say("\n" + run.line(f"/v1/stats x{REQUESTS}, {CLIENTS} clients, during 5 MB analyze"))
    say(bg.health.line("/healthz every 50 ms during the 5 MB analyze"))
    say(f"/v1/analyze of {len(text.encode('utf-8')):,} bytes: status {bg.status}, "
          f"{bg.stats} stats, {bg.finished - bg.started:.1f} s")
    assert bg.status == 200
    assert bg.stats > 0
    assert overlapped, "the analysis finished before the load began; nothing was measured"
    assert not run.errors, run.errors[:5]
    assert not bg.health.errors, bg.health.errors[:5]
    # The event loop is never blocked for long: the worst /healthz wait stays far below the
    # time the analysis takes.
    assert len(bg.health.latencies) >= 10
    assert max(bg.health.latencies) < 0.5 * (bg.finished - bg.started)
