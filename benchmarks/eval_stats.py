"""Accuracy of extract_stats: precision, recall and F1 on the seed reports and on our cases.

    python benchmarks/eval_stats.py [--verbose]

1. Seeds: the three real reports in ../shared/seeds against the gold (doc, metric, value,
   value_max) list in tests/data/seed_stats.tsv. A prediction is correct when an unmatched
   gold row has the same metric, value and value_max (a multiset match, so a figure stated
   twice must be found twice). Skipped with a message when ../shared/seeds is absent.
2. Cases: every line of tests/data/stats_cases.jsonl (and stats_cases_extra.jsonl), scored
   the same way on (metric, value, value_max, unit, approximate, redacted), plus the share of
   cases whose whole result is exactly right, on the clean text and on its traditional +
   pinyin variant (tests/scraped.py builds it, as the tests do).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEEDS = ROOT.parent / "shared" / "seeds"
GOLD = ROOT / "tests" / "data" / "seed_stats.tsv"
CASE_FILES = (ROOT / "tests" / "data" / "stats_cases.jsonl",
              ROOT / "tests" / "data" / "stats_cases_extra.jsonl")


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def match(pred: Sequence[tuple[object, ...]], gold: Sequence[tuple[object, ...]]) -> tuple[
        int, list[tuple[object, ...]], list[tuple[object, ...]]]:
    """(true positives, false positives, false negatives) of two multisets."""
    left = Counter(gold)
    tp = 0
    fp: list[tuple[object, ...]] = []
    for p in pred:
        if left[p] > 0:
            left[p] -= 1
            tp += 1
        else:
            fp.append(p)
    fn = [g for g, n in left.items() for _ in range(n)]
    return tp, fp, fn


def _num(text: str) -> int | float | None:
    if not text:
        return None
    v = float(text)
    return int(v) if v.is_integer() else v


def eval_seeds(verbose: bool) -> None:
    from xuncha_nlp import stats

    if not SEEDS.is_dir():
        print(f"seeds: skipped — {SEEDS} is absent (only developers and CI have ../shared)")
        return
    gold: dict[str, list[tuple[object, ...]]] = {}
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        doc, metric, value, value_max, *_ = [*line.split("\t"), "", ""]
        gold.setdefault(doc, []).append((metric, _num(value), _num(value_max)))
    tp_all = n_pred = n_gold = 0
    for path in sorted(SEEDS.glob("*.txt")):
        found = stats.extract_stats(path.read_text(encoding="utf-8"))
        pred = [(s.metric, s.value, s.value_max) for s in found]
        want = gold.get(path.stem, [])
        tp, fp, fn = match(pred, want)
        tp_all, n_pred, n_gold = tp_all + tp, n_pred + len(pred), n_gold + len(want)
        p, r, f = prf(tp, len(pred), len(want))
        print(f"  {path.stem}: P {p:.3f} R {r:.3f} F1 {f:.3f}  "
              f"({tp} correct, {len(pred)} found, {len(want)} gold)")
        if verbose:
            for x in fp:
                print(f"      false positive {x}")
            for x in fn:
                print(f"      missed         {x}")
    p, r, f = prf(tp_all, n_pred, n_gold)
    print(f"seeds (micro over {len(gold)} documents): P {p:.3f} R {r:.3f} F1 {f:.3f} "
          f"({tp_all} correct, {n_pred} found, {n_gold} gold)")


def _case_key(e: dict[str, object]) -> tuple[object, ...]:
    return (e["metric"], e.get("value"), e.get("value_max"), e.get("unit"),
            bool(e.get("approximate", False)), bool(e.get("redacted", False)))


def eval_cases(verbose: bool) -> None:
    from tests.scraped import corrupt_variant
    from xuncha_nlp import stats

    cases = []
    for path in CASE_FILES:
        if path.is_file():
            cases += [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()
                      if x.strip()]
    for variant in ("clean", "traditional+pinyin"):
        tp_all = n_pred = n_gold = exact = 0
        for i, case in enumerate(cases):
            text = case["text"] if variant == "clean" else corrupt_variant(case["text"], seed=i)
            found = stats.extract_stats(text)
            pred = [(s.metric, s.value, s.value_max, s.unit, s.approximate, s.redacted)
                    for s in found]
            want = [_case_key(e) for e in case["expect"]]
            tp, fp, fn = match(pred, want)
            tp_all, n_pred, n_gold = tp_all + tp, n_pred + len(pred), n_gold + len(want)
            exact += not fp and not fn
            if verbose and (fp or fn):
                print(f"  [{variant}] {case['id']}: extra {fp} missed {fn}")
        p, r, f = prf(tp_all, n_pred, n_gold)
        print(f"cases [{variant}]: {exact}/{len(cases)} cases exactly right; statistics "
              f"P {p:.3f} R {r:.3f} F1 {f:.3f} ({tp_all} correct, {n_pred} found, {n_gold} gold)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    eval_seeds(args.verbose)
    eval_cases(args.verbose)


if __name__ == "__main__":
    main()
