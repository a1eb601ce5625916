"""Recall@k of extract_phrases on the seed documents (development check).

Usage:  python benchmarks/eval_phrases.py [--top-k 20] [--backend rjieba|jieba] [--show]

Expected phrases per document are in tests/data/seed_phrases.tsv (written by reading the
documents); the documents are ../shared/seeds/*.txt beside the repository. A found phrase
matches an expected one when it is the same text, the lexicon's canonical form of it, or
contains it (政治巡察全覆盖 contains 巡察全覆盖). Prints recall per document and overall
(micro: all expected phrases pooled).
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from xuncha_nlp.lexicon import Lexicon
from xuncha_nlp.phrases import Phrase, extract_phrases

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
EXPECTED = ROOT / "tests" / "data" / "seed_phrases.tsv"


def load_expected(path: Path = EXPECTED) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        doc, phrase = line.split("\t")
        out[doc].append(phrase)
    return dict(out)


def matches(expected: str, found: list[Phrase], lexicon: Lexicon) -> bool:
    entry = lexicon.lookup(expected)
    canonical = entry.phrase if entry is not None else expected
    return any(p.text in (expected, canonical) or expected in p.text for p in found)


def evaluate(top_k: int = 20, backend: str | None = None, show: bool = False
             ) -> tuple[dict[str, tuple[int, int]], list[str]]:
    lexicon = Lexicon.default()
    per_doc: dict[str, tuple[int, int]] = {}
    lines: list[str] = []
    for doc, phrases in sorted(load_expected().items()):
        text = (SEEDS / f"{doc}.txt").read_text(encoding="utf-8")
        found = extract_phrases(text, top_k=top_k, backend=backend)  # type: ignore[arg-type]
        hits = [p for p in phrases if matches(p, found, lexicon)]
        per_doc[doc] = (len(hits), len(phrases))
        if show:
            missed = [p for p in phrases if p not in hits]
            lines.append(f"  {doc} found: {' '.join(p.text for p in found)}")
            lines.append(f"  {doc} missed: {' '.join(missed)}")
    return per_doc, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--top-k", type=int, default=20)
    parser.add_argument("--backend", choices=["rjieba", "jieba"], default=None)
    parser.add_argument("--show", action="store_true", help="list found and missed phrases")
    args = parser.parse_args(argv)
    if not SEEDS.is_dir():
        print(f"seeds not found at {SEEDS}; nothing to evaluate", file=sys.stderr)
        return 1
    per_doc, lines = evaluate(args.top_k, args.backend, args.show)
    print(f"recall@{args.top_k} of extract_phrases against {EXPECTED.relative_to(ROOT)}")
    for doc, (hit, total) in per_doc.items():
        print(f"{doc}\t{hit}/{total}\t{hit / total:.3f}")
    hits = sum(h for h, _ in per_doc.values())
    total = sum(t for _, t in per_doc.values())
    macro = sum(h / t for h, t in per_doc.values()) / len(per_doc)
    print(f"overall\t{hits}/{total}\t{hits / total:.3f}\t(macro {macro:.3f})")
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
