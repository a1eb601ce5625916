"""normalize() throughput next to bare OpenCC t2s on the same text, in the same run.

    python benchmarks/bench_normalize.py [--mb 10] [--repeat 3]

Builds three traditional corpora (≥ 10 MB UTF-8 each) from the project's own texts: clean
traditional; half the documents with scrape artefacts; all of them with artefacts (pinyin
annotations after 8% of characters, most commas doubled or clashing, furniture lines, as
in the worst real page we have seen). Times, per document, bare ``OpenCC('t2s').convert``
and ``xuncha_nlp.normalize``.
Best of ``--repeat`` runs for each; the ratio is what to compare across machines.

Then, when ``../shared/seeds`` is present, the same comparison on each real published page
there (each one converted 200 times): short real pages cost more per character than the
generated corpora, because every call has a fixed cost and their artefacts are denser.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import SEEDS, documents
from benchmarks.timing import best_of, each


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import opencc

    from xuncha_nlp import normalize

    conv = opencc.OpenCC("t2s.json")
    normalize("預熱")  # build the cached converter and lexicons outside the timing
    corpora = [("clean traditional", 0.0), ("mixed: half with artefacts", 0.5),
               ("worst: all with artefacts", 1.0)]
    for label, share in corpora:
        docs = documents(int(args.mb * 1_000_000), traditional=True, artefact_share=share)
        mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
        t_open = best_of(args.repeat, each(conv.convert, docs))
        t_norm = best_of(args.repeat, each(normalize, docs))
        t_map = best_of(1, each(lambda d: normalize(d).changes, docs))
        print(f"{label}: {len(docs)} documents, {mb:.1f} MB UTF-8")
        print(f"  bare OpenCC t2s       {mb / t_open:7.1f} MB/s")
        print(f"  xuncha normalize      {mb / t_norm:7.1f} MB/s   = {t_open / t_norm:.2f}x OpenCC")
        print(f"  normalize + .changes  {mb / t_map:7.1f} MB/s   (change list materialised)")
    real_pages(conv, normalize, args.repeat)


def real_pages(conv, normalize, repeat: int) -> None:  # type: ignore[no-untyped-def]
    if not SEEDS.is_dir():
        print("real pages: ../shared/seeds not found, skipped")
        return
    from xuncha_nlp import read_text

    print("real pages (../shared/seeds, 200 calls each):")
    for path in sorted(SEEDS.glob("*.txt")):
        text = read_text(path).text
        docs = [text] * 200
        t_open = best_of(repeat, each(conv.convert, docs))
        t_norm = best_of(repeat, each(normalize, docs))
        print(f"  {path.name[:24]:24} {len(text):6} chars  OpenCC {t_open / 200 * 1e6:6.0f} us"
              f"  normalize {t_norm / 200 * 1e6:6.0f} us  = {t_open / t_norm:.2f}x OpenCC")

if __name__ == "__main__":
    main()
