"""Our numeral reader next to cn2an: how often each is right, and how fast, on the same cases.

    python benchmarks/bench_numbers.py [--repeat 2000]

Cases are the tables of tests/test_numbers.py: NUMERALS (one numeral each: Arabic with
thousands separators, Chinese, capital, mixed 1.3万, positional 二〇二三, plus strings that are
not one numeral) and QUANTITIES (what a statistic rule hands over: 近300, 1376万余, 20至30,
xx …). A reader is right on a case when it gives the expected value; for a non-numeral, when
it declines (ours returns None; cn2an must raise). cn2an is called as
``cn2an.cn2an(text, "smart")``, its most permissive mode. Speed: calls per second over the
NUMERALS table, best of three runs of ``--repeat`` passes, in the same process.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import best_of, each
from tests.test_numbers import NUMERALS, QUANTITIES
from xuncha_nlp.numbers import numeral_value, parse_quantity

Reader = Callable[[str], object]


def _cn2an() -> Reader | None:
    try:
        import cn2an
    except ImportError:
        return None

    def read(text: str) -> object:
        try:
            return cn2an.cn2an(text, "smart")
        except Exception:  # cn2an signals "not a number" with ValueError and others
            return None

    return read


def _ours_quantity(text: str) -> object:
    q = parse_quantity(text)
    return None if q is None else q.value


def score(read: Reader, cases: Sequence[tuple[str, object]]) -> int:
    right = 0
    for text, want in cases:
        got = read(text)
        if isinstance(got, float) and isinstance(want, (int, float)):
            right += abs(got - want) < 1e-9
        else:
            right += got == want
    return right


def speed(read: Reader, texts: list[str], repeat: int) -> float:
    return repeat * len(texts) / best_of(3, each(read, texts * repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()

    numerals = [(text, value) for _, text, value in NUMERALS]
    # a quantity's value; redacted and non-quantities are expected to give None
    quantities = [(text, None if exp is None else exp[0]) for _, text, exp in QUANTITIES]
    cn2an_read = _cn2an()
    print(f"cases: {len(numerals)} numerals, {len(quantities)} statistic quantities")
    print(f"{'reader':<34}{'numerals right':>16}{'quantities right':>18}{'calls/s':>12}")
    ours_speed = speed(numeral_value, [t for t, _ in numerals], args.repeat)
    print(f"{'xuncha_nlp.numbers':<34}{score(numeral_value, numerals):>10}/{len(numerals):<5}"
          f"{score(_ours_quantity, quantities):>12}/{len(quantities):<5}{ours_speed:>12,.0f}")
    if cn2an_read is None:
        print("cn2an is not installed (pip install cn2an): no comparison")
        return
    cn_speed = speed(cn2an_read, [t for t, _ in numerals], max(1, args.repeat // 10))
    name = 'cn2an.cn2an(text, "smart")'
    print(f"{name:<34}{score(cn2an_read, numerals):>10}/"
          f"{len(numerals):<5}{score(cn2an_read, quantities):>12}/{len(quantities):<5}"
          f"{cn_speed:>12,.0f}")
    print(f"speed ratio: ours {ours_speed / cn_speed:.1f}x cn2an")
    wrong = [(t, w, cn2an_read(t)) for t, w in numerals if score(cn2an_read, [(t, w)]) == 0]
    print("cn2an wrong on numerals:", ", ".join(f"{t!r}→{g!r} (want {w!r})"
                                               for t, w, g in wrong))


if __name__ == "__main__":
    main()
