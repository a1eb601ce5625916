"""Measure analyze_folder: speed against jieba, scaling to 2 workers, memory with folder size.

    python benchmarks/bench_batch.py                  # 5,000 reports (the issue's figures)
    python benchmarks/bench_batch.py --files 500      # a quick run

Reports of 2–8 KB (UTF-8) are generated from our own texts (tests/data/passages.txt and
examples/reports, see benchmarks/corpus.py; a third in traditional script with scrape
artefacts) and written to a temporary folder. In the same run:

1. speed: analyze_folder(workers=1) in MB/s of file bytes, as a ratio to ``jieba.lcut`` over
   the same texts (both warmed up first: jieba's dictionary and our lexicons/model loaded).
   Target ≥ 1.5×.
2. scaling: files/s of analyze_folder(workers=2) over workers=1, wall clock including the
   workers' start-up (spawn + loading lexicons and model once per process). Target ≥ 1.7×.
3. memory: peak RSS of the parent plus all its children (sampled every 20 ms from /proc),
   each size run in a fresh process: the first ``--files``/5 reports vs all of them, with
   2 workers. Target: < 10% difference.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MIN_BYTES, MAX_BYTES = 2_000, 8_000


def make_reports(folder: Path, n: int, *, seed: int = 11) -> int:
    """Write ``n`` reports of 2–8 KB into ``folder``; return their total bytes."""
    from benchmarks.corpus import documents

    rng = random.Random(seed)
    texts: list[str] = []
    batch_seed = seed
    while len(texts) < n:
        batch_seed += 1
        missing = n - len(texts)
        # A third in traditional script, half of those with scrape artefacts.
        for traditional, share in ((False, 2 / 3), (True, 1 / 3)):
            for text in documents(int(missing * share * 5_500) + 10_000,
                                  traditional=traditional, seed=batch_seed,
                                  artefact_share=0.5, min_chars=700, max_chars=2600):
                data = text.encode("utf-8")
                if len(data) > MAX_BYTES:  # cut at a line end inside the limit
                    text = data[:MAX_BYTES].decode("utf-8", "ignore").rsplit("\n", 1)[0]
                if MIN_BYTES <= len(text.encode("utf-8")) <= MAX_BYTES:
                    texts.append(text)
    rng.shuffle(texts)
    total = 0
    for i, text in enumerate(texts[:n]):
        sub = folder / f"{i // 500:02d}"
        sub.mkdir(exist_ok=True)
        data = text.encode("utf-8")
        (sub / f"report_{i:05d}.txt").write_bytes(data)
        total += len(data)
    return total


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def memory_child(folder: str, workers: int) -> None:
    """Run analyze_folder here and print the peak RSS (KiB) of this process + children."""
    from xuncha_nlp.batch import analyze_folder

    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, sum(_rss_kib(p) for p in _tree(os.getpid())))
            stop.wait(0.02)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    results = analyze_folder(folder, workers=workers, progress=False)
    peak = max(peak, sum(_rss_kib(p) for p in _tree(os.getpid())))
    stop.set()
    thread.join()
    print(f"{peak} {len(results.documents)}")


def _measure_memory(folder: Path, workers: int) -> tuple[int, int]:
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(folder), "--workers", str(workers)],
        check=True, capture_output=True, text=True, cwd=ROOT)
    peak, n = out.stdout.split()
    return int(peak), int(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=5000, help="reports to generate (5000)")
    parser.add_argument("--workers", type=int, default=2, help="workers for the scaling run")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--corpus", metavar="DIR",
                        help="keep the generated reports in DIR and reuse them on the next run "
                             "with the same --files (default: a temporary folder)")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="time each speed and scaling run N times and report the best "
                             "and the spread (the machine may be shared)")
    parser.add_argument("--memory-child", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.workers)
        return
    if args.files < 10:
        parser.error("--files must be at least 10")

    import jieba

    from xuncha_nlp.analyze import analyze
    from xuncha_nlp.batch import analyze_folder

    jieba.setLogLevel(60)
    with contextlib.ExitStack() as stack:
        if args.corpus:
            base = Path(args.corpus) / f"files-{args.files}"
            base.mkdir(parents=True, exist_ok=True)
        else:
            base = Path(stack.enter_context(
                tempfile.TemporaryDirectory(prefix="xuncha-bench-")))
        folder = base / "reports"
        small = base / "small"
        t0 = time.perf_counter()
        if (base / "complete").exists():
            total = sum(p.stat().st_size for p in folder.glob("*/*.txt"))
            made = "reused from " + str(base)
        else:
            for old in (folder, small):
                if old.exists():
                    shutil.rmtree(old)
            folder.mkdir()
            small.mkdir()
            total = make_reports(folder, args.files)
            n_small = args.files // 5
            for path in sorted(folder.glob("*/*.txt"))[:n_small]:
                target = small / path.relative_to(folder)
                target.parent.mkdir(exist_ok=True)
                target.write_bytes(path.read_bytes())
            (base / "complete").touch()
            made = f"generated in {time.perf_counter() - t0:.1f} s"
        print(f"corpus: {args.files} reports, {total / 1e6:.1f} MB "
              f"({total / args.files / 1000:.1f} KB each on average), {made}; "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*/*.txt"))]

        # Warm-ups: jieba's dictionary; our lexicons, segmenter and model.
        jieba.lcut(texts[0])
        analyze(texts[0])

        # Rounds interleave the three runs so that load from other processes hits them
        # alike; each figure is the best round, with the spread over rounds. CPU seconds of
        # this process are printed too: for the in-process runs they barely depend on load.
        jieba_s, jieba_cpu, one_s, one_cpu, two_s = [], [], [], [], []
        for _ in range(args.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            for text in texts:
                jieba.lcut(text)
            jieba_s.append(time.perf_counter() - t0)
            jieba_cpu.append(time.process_time() - c0)

            t0, c0 = time.perf_counter(), time.process_time()
            one = analyze_folder(folder, workers=1, progress=False)
            one_s.append(time.perf_counter() - t0)
            one_cpu.append(time.process_time() - c0)
            ok = int((one.documents["status"] == "ok").sum())

            t0 = time.perf_counter()
            two = analyze_folder(folder, workers=args.workers, progress=False)
            two_s.append(time.perf_counter() - t0)
            same = all(one.tables()[k].equals(two.tables()[k]) for k in one.tables())
            del one, two

        def spread(values: list[float]) -> str:
            return f"{min(values):.1f}–{max(values):.1f} s" if len(values) > 1 else \
                f"{values[0]:.1f} s"

        mb = total / 1e6
        rounds = f"best of {args.repeat} rounds" if args.repeat > 1 else "one round"
        print(f"\n1. speed (one worker, in process; {ok}/{args.files} files ok; {rounds})")
        print(f"   jieba.lcut            {mb / min(jieba_s):6.2f} MB/s  (wall {spread(jieba_s)}, "
              f"CPU {spread(jieba_cpu)})")
        print(f"   analyze_folder(w=1)   {mb / min(one_s):6.2f} MB/s  (wall {spread(one_s)}, "
              f"CPU {spread(one_cpu)})")
        ratio = min(jieba_s) / min(one_s)
        cpu_ratio = min(jieba_cpu) / min(one_cpu)
        per_round = [j / o for j, o in zip(jieba_s, one_s, strict=True)]
        print(f"   ratio                 {ratio:6.2f}x   target >= 1.5x  "
              f"{'met' if ratio >= 1.5 else 'MISSED'}  (CPU-time ratio {cpu_ratio:.2f}x; "
              f"per round {min(per_round):.2f}–{max(per_round):.2f}x)")
        print(f"\n2. scaling ({args.workers} worker processes vs 1; same tables: {same})")
        print(f"   workers=1             {args.files / min(one_s):6.1f} files/s")
        print(f"   workers={args.workers}             {args.files / min(two_s):6.1f} files/s "
              f"(wall {spread(two_s)}, includes start-up of the workers)")
        scale = min(one_s) / min(two_s)
        per_round = [o / t for o, t in zip(one_s, two_s, strict=True)]
        print(f"   ratio                 {scale:6.2f}x   target >= 1.7x  "
              f"{'met' if scale >= 1.7 else 'MISSED'}  "
              f"(per round {min(per_round):.2f}–{max(per_round):.2f}x)")

        if not args.skip_memory:
            if not Path("/proc/self/status").exists():
                print("\n3. memory: skipped (needs /proc to sample the process tree)")
                return
            small_kib, n1 = _measure_memory(small, args.workers)
            big_kib, n2 = _measure_memory(folder, args.workers)
            diff = (big_kib - small_kib) / small_kib
            print(f"\n3. peak RSS, parent + {args.workers} workers (fresh process each)")
            print(f"   {n1:>5} files          {small_kib / 1024:7.1f} MiB")
            print(f"   {n2:>5} files          {big_kib / 1024:7.1f} MiB")
            print(f"   difference            {diff:+6.1%}   target < 10%  "
                  f"{'met' if abs(diff) < 0.10 else 'MISSED'}")


if __name__ == "__main__":
    main()
