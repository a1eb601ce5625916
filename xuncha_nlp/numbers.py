"""Numbers as Chinese reports write them: Arabic, Chinese, mixed, approximate, redacted, ranges.

``numeral_value`` reads one numeral (``108``, ``1,234``, ``一百零八``, ``两千``, ``1.3万``,
``九十八点五``, ``壹佰贰拾``); ``parse_quantity`` reads a numeral with what surrounds it in
statistics (``近300``, ``1376万余``, ``两千余万``, ``20至30``, ``xx``). Both are pure and never
raise for a ``str``: text that is not a number gives ``None``.

We keep our own reader rather than cn2an: on this genre's numerals it is right more often
(cn2an rejects ``1,234``, ``千``, ``两千余``, ranges and redactions) and much faster; see
``benchmarks/bench_numbers.py`` for the measured figures. Only the span a rule matched is
ever converted, so formulations such as 两个维护 are never rewritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

from . import resources
from .errors import LexiconError
from .normalize import require_str

__all__ = [
    "NUMERAL",
    "NUMERAL_CHARS",
    "RANGE_SEPARATORS",
    "ApproximationWords",
    "Quantity",
    "approximation_words",
    "numeral_value",
    "parse_quantity",
]

Number = int | float

# --- the numeral alphabet ---------------------------------------------------------------------
_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0,
    "一": 1, "壹": 1, "二": 2, "两": 2, "兩": 2, "贰": 2, "貳": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6, "七": 7, "柒": 7,
    "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_ZEROS = frozenset("零〇○")
_REDACTION = "xX×*＊"

_CN_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)
_CN_DIGIT_CHARS = "".join(_DIGITS)
_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?"
_MAGNITUDES = "十百千万亿拾佰仟萬億"
#: Every character a numeral may end with (digits, Chinese numerals, redaction marks).
NUMERAL_CHARS = "0123456789" + _CN_CHARS + _REDACTION

#: Regex source for one numeral: Arabic (with thousands separators and decimals) optionally
#: followed by 十/百/千/万/亿, a run of Chinese numeral characters (with 点 decimals), or a
#: redaction mark (x, xx, ××, ＊＊, xx.x). No groups, so it can be embedded anywhere.
NUMERAL = (
    f"(?:(?:{_ARABIC})[{_MAGNITUDES}]*"
    f"|[{_CN_CHARS}]+(?:点[{_CN_DIGIT_CHARS}]+)?"
    f"|(?<![A-Za-z])[{_REDACTION}]{{1,4}}(?:\\.[{_REDACTION}]{{1,3}})?(?![A-Za-z]))"
)
#: Regex source for the separator of a range (20至30, 20-30, 20～30, 第五至八轮).
RANGE_SEPARATORS = "(?:至|到|-|－|~|～|—|–)"

_RE_ARABIC_HEAD = re.compile(f"(?:{_ARABIC})")
_RE_REDACTED = re.compile(f"[{_REDACTION}]{{1,4}}(?:\\.[{_REDACTION}]{{1,3}})?")


def _finish(value: Decimal) -> Number:
    """An int when the value is whole (1.3万 → 13000), else a float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _positional(text: str) -> Decimal:
    """二〇二三 → 2023: digits written one by one, as in years and serial numbers."""
    return Decimal("".join(str(_DIGITS[c]) for c in text))


def _chinese(text: str) -> Decimal | None:
    """The value of a Chinese numeral (one may start with an Arabic part: 1.3万, 3千万)."""
    if "点" in text:
        whole, _, frac = text.partition("点")
        if not whole or not frac or any(c not in _DIGITS for c in frac):
            return None
        head = _chinese(whole)
        if head is None:
            return None
        return head + Decimal("0." + "".join(str(_DIGITS[c]) for c in frac))

    arabic = _RE_ARABIC_HEAD.match(text)
    if arabic is None and text and all(c in _DIGITS for c in text):
        if len(text) == 1:
            return Decimal(_DIGITS[text])
        # 二〇二三 and 一〇八 are positional; 三四 (three or four) and 一一 are not one number.
        if len(text) >= 3 or any(c in _ZEROS for c in text):
            return _positional(text)
        return None

    total = Decimal(0)      # parts already closed by 万 or 亿
    section = Decimal(0)    # the part below the current 万/亿
    number: Decimal | None = None
    last_small = 10_000     # small units must fall within a section: 三千二百, not 二百三千
    prev_unit = 0           # the unit right before the pending digit (for 一千二 = 1200)
    zero_gap = False
    pos = 0
    if arabic is not None:
        number = Decimal(arabic.group().replace(",", ""))
        pos = arabic.end()
    for c in text[pos:]:
        if c in _DIGITS:
            if number is not None:
                return None  # two digits in a row inside a unit numeral
            d = _DIGITS[c]
            if d == 0:
                zero_gap = True
                prev_unit = 0
                continue
            number = Decimal(d)
        elif c in _SMALL_UNITS:
            unit = _SMALL_UNITS[c]
            if unit >= last_small:
                return None
            section += (number if number is not None else Decimal(1)) * unit
            number = None
            last_small = unit
            prev_unit = unit
            zero_gap = False
        elif c in _BIG_UNITS:
            unit = _BIG_UNITS[c]
            part = section + (number if number is not None else Decimal(0))
            if part == 0 and total == 0:
                part = Decimal(1)  # 万人 = 10000 people
            if unit == 100_000_000:
                total = (total + part) * unit
            else:
                total += part * unit
            section = Decimal(0)
            number = None
            last_small = 10_000
            prev_unit = unit
            zero_gap = False
        else:
            return None
    if number is not None:
        # 一千二 = 1200 and 两万三 = 23000; after 十 or a written zero the digit is units.
        if prev_unit >= 100 and not zero_gap:
            number *= prev_unit // 10
        section += number
    return total + section


def numeral_value(text: str) -> Number | None:
    """The value of one numeral, or ``None`` when ``text`` is not exactly one numeral.

    Arabic (``1,234``, ``86.4``), Chinese (``一百零八``, ``两千``, ``十六``, ``〇``,
    ``二〇二三``, ``九十八点五``, ``壹佰贰拾``), mixed (``1.3万``, ``2.6亿``, ``3千万``).
    A redaction (``xx``, ``××``) is a numeral without a value: ``None`` here, see
    :func:`parse_quantity`. Whole values come back as ``int``, others as ``float``.
    """
    require_str(text, "numeral_value()")
    text = text.strip()
    if not text:
        return None
    try:
        value = _chinese(text)
    except (InvalidOperation, KeyError):
        return None
    return None if value is None else _finish(value)


# --- quantities ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Quantity:
    """A number as a statistic states it.

    ``value`` is the number (the lower bound of a range; ``None`` when redacted),
    ``value_max`` the upper bound of a range, ``approximate`` is true when an approximation
    word (余, 多, 近, 约, 超过, 左右, 以上 …) qualifies it, ``redacted`` when the figure was
    blanked out (xx, ××), ``text`` the text it was read from.
    """

    value: Number | None
    value_max: Number | None
    approximate: bool
    redacted: bool
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "value_max": self.value_max,
                "approximate": self.approximate, "redacted": self.redacted, "text": self.text}


@dataclass(frozen=True)
class ApproximationWords:
    """The approximation words of ``data/lexicons/approximations.tsv`` by position,
    each tuple longest first so that regex alternations prefer 将近 over 近."""

    before: tuple[str, ...]
    before_magnitude: tuple[str, ...]
    after: tuple[str, ...]
    tail: tuple[str, ...]


@cache
def approximation_words() -> ApproximationWords:
    """The approximation lexicon, read once per process."""
    groups: dict[str, list[str]] = {"before": [], "before_magnitude": [], "after": [],
                                    "tail": []}
    for word, position in resources.read_rows("approximations.tsv", 2):
        if position not in groups:
            raise LexiconError(
                f"approximations.tsv: unknown position {position!r} for {word!r}; use one of "
                f"{', '.join(groups)}"
            )
        groups[position].append(word)

    def ordered(words: list[str]) -> tuple[str, ...]:
        return tuple(sorted(set(words), key=lambda w: (-len(w), w)))

    return ApproximationWords(ordered(groups["before"]), ordered(groups["before_magnitude"]),
                              ordered(groups["after"]), ordered(groups["tail"]))


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(map(re.escape, words)) or "(?!)"


@cache
def _quantity_re() -> re.Pattern[str]:
    w = approximation_words()
    return re.compile(
        f"(?P<before>{_alternation(w.before)})?"
        f"(?P<before_mag>{_alternation(w.before_magnitude)})?"
        f"(?P<n1>{NUMERAL}?)"
        f"(?:{RANGE_SEPARATORS}(?P<n2>{NUMERAL}))?"
        f"(?P<after>{_alternation(w.after)})?"
        f"(?P<mag>[{_MAGNITUDES}]*)"
        f"(?P<tail>{_alternation(w.tail)})?"
    )


@lru_cache(maxsize=8192)
def quantity_from_parts(
    n1: str, n2: str | None = None, *, mag: str = "", approximate: bool = False,
    text: str | None = None,
) -> Quantity | None:
    """Build a :class:`Quantity` from the pieces a rule matched.

    ``n1``/``n2`` are the numeral texts (``n2`` the upper bound of a range), ``mag`` a
    magnitude written after an approximation word (两千余**万**元), ``approximate`` whether an
    approximation word was seen. ``None`` when a piece is not a numeral. Results are cached:
    reports repeat the same few numerals (二, 十二, 1.3万) and a Quantity is immutable.
    """
    if not mag and not n2 and n1.isascii() and n1.isdigit():
        # the common case, 763: no Decimal arithmetic needed
        return Quantity(int(n1), None, approximate, False,
                        text if text is not None else n1)
    scale = Decimal(1)
    if mag:
        scaled = _chinese("1" + mag)
        if scaled is None:
            return None
        scale = scaled
    shown = text if text is not None else n1 + ("-" + n2 if n2 else "") + mag
    redacted = bool(_RE_REDACTED.fullmatch(n1)) or bool(n2 and _RE_REDACTED.fullmatch(n2))
    if redacted:
        return Quantity(None, None, approximate, True, shown)
    low = _chinese(n1)
    if low is None:
        return None
    high: Decimal | None = None
    if n2:
        high = _chinese(n2)
        if high is None:
            return None
        # 5-10万元: the magnitude written on the upper bound belongs to the lower one too.
        tail = n2.lstrip("0123456789.,")
        if tail and not n1.lstrip("0123456789.,") and high > low:
            lifted = _chinese(n1 + tail)
            if lifted is not None and lifted <= high:
                low = lifted
        if high <= low:
            return None  # 2019-2020 style pairs and reversed spans are not ranges
    return Quantity(
        _finish(low * scale), None if high is None else _finish(high * scale),
        approximate, False, shown,
    )


def parse_quantity(text: str) -> Quantity | None:
    """Read a number the way statistics state it, or ``None`` if ``text`` is not one.

    ``"近300"`` → 300 approximate; ``"1376万余"`` → 13760000 approximate; ``"两千余万"`` →
    20000000 approximate; ``"20至30"`` → 20..30; ``"第五至八"`` is not accepted (ordinals
    belong to the caller); ``"xx"`` → redacted. The whole text must be the quantity.
    """
    require_str(text, "parse_quantity()")
    stripped = text.strip()
    m = _quantity_re().fullmatch(stripped)
    if m is None or not m.group("n1"):
        return None
    before_mag = m.group("before_mag")
    if before_mag and m.group("n1")[0] not in _MAGNITUDES:
        return None
    approximate = bool(m.group("before") or before_mag or m.group("after") or m.group("tail"))
    return quantity_from_parts(m.group("n1"), m.group("n2"), mag=m.group("mag"),
                               approximate=approximate, text=stripped)
