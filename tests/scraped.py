"""The scraped variant of a clean simplified text, as reports arrive from the web.

OpenCC s2t, then tone-marked pinyin annotations such as (jiān) or （xiàn） after a share of
the Han characters, and full-width punctuation replaced by the doubled or clashing marks of
scraped pages (，→ ,, or , ; 。→ ,。 ; 、→ ,、). Deterministic for a given seed or
``random.Random``, so a failing case can be reproduced. The one builder of such text for the
tests (normalize, stats) and the benchmarks (benchmarks/corpus.py, bench_stats.py).
"""

from __future__ import annotations

import random

from xuncha_nlp.normalize import _converter

_SYLLABLES = ("jiān", "dū", "xiàn", "tǐ", "zhí", "lǜ", "guó", "mín", "zhèng", "cè", "xún",
              "chá", "lǐng", "dǎo", "diào", "fā", "qū", "lián", "jīng", "wèn", "tí", "gè", "de")
_TONED = tuple(s for s in _SYLLABLES if s != "de")


def corrupt_variant(text: str, *, seed: int | random.Random = 0, pinyin_rate: float = 0.15,
                    comma_rate: float = 0.5, period_rate: float = 0.0,
                    dunhao_rate: float = 0.0, fullwidth_rate: float = 0.0,
                    neutral_tones: bool = False) -> str:
    """``text`` in traditional script with pinyin annotations and messy punctuation.

    ``seed`` may be an int or a ``random.Random`` to draw from. Rates are per character:
    ``comma_rate`` of '，' become ',,' (or ',' / '，，' when ``fullwidth_rate`` is set, so
    both kinds of clash occur), ``period_rate`` of '。' become ',。', ``dunhao_rate`` of '、'
    become ',、'; ``pinyin_rate`` of Han characters get an annotation, in full-width
    brackets with probability ``fullwidth_rate``; ``neutral_tones`` adds toneless (de).
    """
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    syllables = _SYLLABLES if neutral_tones else _TONED
    out: list[str] = []
    for ch in _converter("s2t").convert(text):
        if ch == "，" and rng.random() < comma_rate:
            out.append(rng.choice([",,", ",", "，，"]) if fullwidth_rate else ",,")
            continue
        if ch == "。" and rng.random() < period_rate:
            out.append(",。")
            continue
        if ch == "、" and rng.random() < dunhao_rate:
            out.append(",、")
            continue
        out.append(ch)
        if "\u4e00" <= ch <= "\u9fff" and rng.random() < pinyin_rate:
            syl = rng.choice(syllables)
            # No draw without full-width brackets: the same seed gives the same text as
            # before they were added.
            out.append(f"（{syl}）" if fullwidth_rate and rng.random() < fullwidth_rate
                       else f"({syl})")
    return "".join(out)
