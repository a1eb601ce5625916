"""The traditional + pinyin variant of a test text, as scraped reports arrive.

OpenCC s2t, then a tone-marked pinyin annotation such as (jiān) after about 15% of Han
characters, and some '，' written ',,'. Deterministic for a given seed, so a failing case can
be reproduced. Shared by tests/test_stats.py and benchmarks/eval_stats.py.
"""

from __future__ import annotations

import random
from functools import cache
from typing import Any

_SYLLABLES = ("jiān", "dū", "xiàn", "tǐ", "zhí", "lǜ", "guó", "mín", "zhèng", "cè", "xún",
              "chá", "lǐng", "dǎo", "diào", "fā", "qū", "lián", "jīng", "wèn", "tí", "gè")


@cache
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t.json")


def corrupt_variant(text: str, *, seed: int = 0, pinyin_rate: float = 0.15,
                    comma_rate: float = 0.5) -> str:
    """``text`` in traditional script with pinyin annotations and doubled commas."""
    rng = random.Random(seed)
    out: list[str] = []
    for ch in _s2t().convert(text):
        if ch == "，" and rng.random() < comma_rate:
            out.append(",,")
            continue
        out.append(ch)
        if "\u4e00" <= ch <= "\u9fff" and rng.random() < pinyin_rate:
            out.append(f"({rng.choice(_SYLLABLES)})")
    return "".join(out)
