"""Speed of extract_phrases next to jieba.analyse.extract_tags(topK=20), same documents,
same run.

Usage:  python benchmarks/bench_phrases.py [--docs 240] [--repeat 3]

The documents are synthetic reports of 3–8 KB (benchmarks/report_corpus.py, sentences
written for this project; 20% in traditional script). After a warm-up pass (one-off
start-up costs, such as dictionary loading, are printed separately), both are run on each
document in turn, ``--repeat`` times, and each keeps its fastest time per document; the
rates are documents over the sum of those times. Prints docs/s, MB/s and the ratio to
jieba.analyse; then extract_phrases on the pure-Python jieba back-end (best of passes) and
the raw segmentation speed of both back-ends.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

# Run as a script: its directory (benchmarks/) is on sys.path.
from report_corpus import build_reports
from timing import best_of

from xuncha_nlp.phrases import PhraseExtractor
from xuncha_nlp.segment import Segmenter


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=240)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    docs = build_reports(args.docs)
    sizes = [len(d.encode("utf-8")) for d in docs]
    mb = sum(sizes) / 1e6
    print(f"corpus: {len(docs)} synthetic reports, {min(sizes)}–{max(sizes)} bytes, "
          f"{mb:.2f} MB in all; fastest of {args.repeat} interleaved runs per document")

    fast = PhraseExtractor(backend="rjieba")
    ref = PhraseExtractor(backend="jieba")
    start_fast = best_of(1, lambda: fast.extract(docs[0]))

    import jieba

    jieba.setLogLevel(logging.WARNING)
    start_jieba = best_of(1, jieba.initialize)
    import jieba.analyse

    start_ref = best_of(1, lambda: ref.extract(docs[0]))
    print(f"start-up: extract_phrases (rjieba) first call {start_fast:.2f} s; jieba "
          f"dictionary {start_jieba:.2f} s; extract_phrases (jieba back-end) first call "
          f"{start_ref:.2f} s")

    # Interleaved, document by document: each document is run by both, in turn, in every
    # pass, and each keeps its fastest time per document. Load from other processes then
    # hits both sides alike instead of one whole block.
    n = len(docs)
    ours_t = [float("inf")] * n
    base_t = [float("inf")] * n
    for d in docs:  # warm-up pass
        fast.extract(d, top_k=20)
        jieba.analyse.extract_tags(d, topK=20)
    clock = time.perf_counter
    for _ in range(args.repeat):
        for i, d in enumerate(docs):
            t0 = clock()
            fast.extract(d, top_k=20)
            t1 = clock()
            jieba.analyse.extract_tags(d, topK=20)
            t2 = clock()
            ours_t[i] = min(ours_t[i], t1 - t0)
            base_t[i] = min(base_t[i], t2 - t1)
    ours, base = sum(ours_t), sum(base_t)
    print(f"extract_phrases(text, top_k=20), rjieba   {n / ours:8.1f} docs/s  "
          f"{mb / ours:6.2f} MB/s")
    print(f"jieba.analyse.extract_tags(text, topK=20) {n / base:8.1f} docs/s  "
          f"{mb / base:6.2f} MB/s")
    print(f"ratio extract_phrases / extract_tags: {base / ours:.1f}x (target >= 5x)")

    def run_ref() -> None:
        for d in docs:
            ref.extract(d, top_k=20)

    run_ref()
    slow = best_of(max(1, args.repeat - 2), run_ref)
    print(f"extract_phrases, jieba back-end           {n / slow:8.1f} docs/s  "
          f"{mb / slow:6.2f} MB/s  (rjieba back-end is {slow / ours:.1f}x faster)")

    seg_fast, seg_ref = Segmenter(backend="rjieba"), Segmenter(backend="jieba")
    seg_fast.cut("预热")
    seg_ref.cut("预热")
    cut_fast = best_of(args.repeat, lambda: [seg_fast.cut(d, hmm=False) for d in docs])
    cut_ref = best_of(max(1, args.repeat - 2), lambda: [seg_ref.cut(d, hmm=False) for d in docs])
    print(f"segmentation only (lexicon as user dictionary, no HMM): rjieba {mb / cut_fast:.1f} "
          f"MB/s, jieba {mb / cut_ref:.1f} MB/s ({cut_ref / cut_fast:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
