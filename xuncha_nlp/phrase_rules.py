"""The rules behind :mod:`xuncha_nlp.phrases`: what is a numbered formulation, a quoted
term of art or a key term, and the data they are read from.

Pure functions over a segmented text (:class:`Words`) and the shipped data files:
``count_words.tsv`` (what numerals count), ``formulation_heads.tsv`` (what makes N个X a
formulation), ``quote_cues.tsv`` (quoted speech and clauses), ``genre_common.tsv`` (words
every report uses, name suffixes), ``stopwords.tsv``; plus jieba's own files, read
directly: the background IDF table and the dictionary's idioms and names.
"""

from __future__ import annotations

import importlib.util
import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import Literal

from . import resources
from .errors import LexiconError
from .normalize import HAN
from .segment import Segmenter

__all__ = [
    "ANY_NUM",
    "GENRE_WEIGHT",
    "HAN",
    "MAX_QUOTED_CHARS",
    "MAX_QUOTED_WORDS",
    "MEMO_LIMIT",
    "MIN_QUOTED_IDF",
    "MIN_TERM_IDF",
    "NAME_WEIGHT",
    "NOT_AFTER",
    "NUM",
    "NUMERAL",
    "NUMERAL_CHARS",
    "RE_CLASSIFIED",
    "RE_HAN_WORD",
    "RE_LINK",
    "RE_NUMERAL_WORD",
    "RE_PAIRED",
    "RE_PAIRED_SCAN",
    "RE_PLUS",
    "RE_QUOTE",
    "RE_QUOTED_CLASSIFIED",
    "RE_QUOTED_NX",
    "RE_QUOTED_NXMY",
    "RE_QUOTED_TERM",
    "Idf",
    "JiebaWords",
    "RuleData",
    "Words",
    "all_units",
    "background_idf",
    "big",
    "chain",
    "closest_aligned",
    "counted",
    "fixed_at",
    "has_numeral",
    "headed",
    "is_term",
    "jieba_file",
    "jieba_words",
    "paired_ok",
    "quote_verdict",
    "quoted_numbered",
    "quoted_term",
    "rule_data",
]

# Words every report of the genre uses (genre_common.tsv, class genre) and names of places
# and units (class suffix) rank lower but are still found.
GENRE_WEIGHT = 0.35
NAME_WEIGHT = 0.5

# --- regexes, built once from named fragments -------------------------------------------
NUM = "一二三四五六七八九十两双"
ANY_NUM = NUM + "〇零百千万亿几0-9"
# A numeral preceded by another numeral, 第 or 每 is part of a number or an ordinal.
NOT_AFTER = frozenset("第每前〇零百千万亿几0123456789" + NUM)
NUMERAL = "(?:十[一二三四五六七八九]?|[一二三四五六七八九两双])"
# Scans start with the numeral class (cheap) and leave context checks to Python: a leading
# look-behind or alternation makes the regex engine several times slower.
RE_CLASSIFIED = re.compile(f"[{NUM}][个项大]")
# N X M Y: the scan consumes only the numeral, so every numeral is tried as a start and
# one false start cannot hide a true one; the full shape is then matched there.
RE_PAIRED_SCAN = re.compile(f"[{NUM}](?=[{HAN}]{{1,3}}?[{NUM}])")
RE_PAIRED = re.compile(f"([{NUM}])([{HAN}]{{1,3}}?)([{NUM}])([{HAN}]{{1,3}})")
RE_LINK = re.compile(f"([{NUM}])([{HAN}]{{1,3}})")
RE_PLUS = re.compile(
    r"(?<![A-Za-z0-9+＋])(?:\d{1,2}|[NnXx])(?:[+＋](?:\d{1,2}|[NnXx])){1,3}(?![A-Za-z0-9+＋])"
)
RE_QUOTE = re.compile(
    "“([^“”\n]{1,24})”|‘([^‘’\n]{1,24})’|「([^「」\n]{1,24})」|『([^『』\n]{1,24})』"
    '|"([^"\n]{1,24})"'
)
RE_HAN_WORD = re.compile(f"[{HAN}]{{2,}}")
RE_QUOTED_TERM = re.compile(f"[{HAN}]+(?:[+＋·][{HAN}]+)*")
RE_QUOTED_NX = re.compile(f"({NUMERAL})([{HAN}]{{1,4}})")
RE_QUOTED_NXMY = re.compile(f"([{NUM}])([{HAN}]{{1,3}}?)([{NUM}])([{HAN}]{{1,3}})")
RE_QUOTED_CLASSIFIED = re.compile(f"({NUMERAL})([个项大])([{HAN}]{{1,6}})")
RE_NUMERAL_WORD = re.compile(f"[第{ANY_NUM}.%．]+[{HAN}]?")
NUMERAL_CHARS = frozenset(ANY_NUM.replace("0-9", "0123456789"))

# Words more common than this in general text (发展 3.6, 管理 4.7, 作为 4.2, 存在 4.6: about
# the 3 000 commonest words) are never key terms, whatever their count.
MIN_TERM_IDF = 6.0
# Quotes around a word this common in general text (“教学” 7.4, “防控” 8.4) mark emphasis,
# not a term of art (“嵌入式” 11.2, “对账” 11.6, “灯下黑”, unknown); the word is then
# treated like any other word.
MIN_QUOTED_IDF = 9.0
MAX_QUOTED_CHARS = 10
MAX_QUOTED_WORDS = 4
MEMO_LIMIT = 200_000


# --- shipped data, read once per process ---------------------------------------------------
@dataclass(frozen=True)
class Idf:
    table: Mapping[str, float]
    median: float


@cache
def background_idf() -> Idf:
    """jieba's background IDF table, read from its file (``import jieba.analyse`` would
    load it as an import side effect and pull in the whole analyser)."""
    path = jieba_file("analyse", "idf.txt")
    table: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, value = line.partition(" ")
        if value:
            table[word] = float(value)
    if not table:
        raise LexiconError(f"{path}: the background IDF table is empty")
    values = sorted(table.values())
    return Idf(table, values[len(values) // 2])


@dataclass(frozen=True)
class JiebaWords:
    idioms: frozenset[str]
    names: frozenset[str]


@cache
def jieba_words() -> JiebaWords:
    """From jieba's dictionary: idioms and set phrases with a numeral (一心一意, 三令五申),
    shaped like numbered formulations but not formulations; and the words tagged as names
    of people, places and organisations (习近平, 河北, 国资委), which are entities rather
    than key phrases."""
    text = jieba_file("dict.txt").read_text(encoding="utf-8")
    idioms: set[str] = set()
    names: set[str] = set()
    numerals = frozenset(NUM)
    for word, tag in re.findall(r"^(\S+) \d+ (i|l|nr|nrfg|nrt|ns|nt)$", text, re.M):
        if tag in ("i", "l"):
            if numerals.intersection(word):
                idioms.add(word)
        else:
            names.add(word)
    return JiebaWords(frozenset(idioms), frozenset(names))


def jieba_file(*parts: str) -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise LexiconError("jieba is not installed; install it (pip install jieba) for its "
                           "dictionary and IDF table")
    path = Path(spec.origin).parent.joinpath(*parts)
    if not path.is_file():
        raise LexiconError(f"{path} is missing from the jieba installation; reinstall jieba")
    return path


@dataclass(frozen=True)
class RuleData:
    stopwords: frozenset[str]
    measures: frozenset[str]
    nouns: frozenset[str]
    fixed: frozenset[str]
    heads: frozenset[str]
    head_lengths: tuple[int, ...]
    quote_start: frozenset[str]
    quote_speech: frozenset[str]
    quote_end: frozenset[str]
    genre: frozenset[str]
    name_suffixes: tuple[str, ...]

    def discount(self, text: str, source: str) -> float:
        if text in self.genre:
            return GENRE_WEIGHT
        if source == "tfidf" and (
            (len(text) >= 3 and text.endswith(self.name_suffixes))
            or text in jieba_words().names
        ):
            return NAME_WEIGHT
        return 1.0


def _classed_rows(name: str, what: str, allowed: tuple[str, ...]
                  ) -> tuple[tuple[str, ...], ...]:
    """(word, class) rows of a lexicon whose second column is one of ``allowed``."""
    rows = resources.read_rows(name, 2)
    for word, cls in rows:
        if cls not in allowed:
            raise LexiconError(f"{name}: unknown {what} {cls!r} for {word!r}; choose one of "
                               f"{', '.join(allowed)}")
    return rows


@cache
def rule_data() -> RuleData:
    counts = _classed_rows("count_words.tsv", "class", ("fixed", "measure", "noun"))
    cues = _classed_rows("quote_cues.tsv", "role", ("end", "speech", "start"))
    heads = resources.read_words("formulation_heads.tsv")
    common = _classed_rows("genre_common.tsv", "class", ("genre", "suffix"))
    return RuleData(
        stopwords=resources.read_words("stopwords.tsv"),
        measures=frozenset(w for w, c in counts if c == "measure"),
        nouns=frozenset(w for w, c in counts if c == "noun"),
        fixed=frozenset(w for w, c in counts if c == "fixed"),
        heads=heads,
        head_lengths=tuple(sorted({len(h) for h in heads}, reverse=True)),
        quote_start=frozenset(w for w, r in cues if r == "start"),
        quote_speech=frozenset(w for w, r in cues if r == "speech"),
        quote_end=frozenset(w for w, r in cues if r == "end"),
        genre=frozenset(w for w, c in common if c == "genre"),
        name_suffixes=tuple(w for w, c in common if c == "suffix"),
    )



class Words:
    """The segmented normalised text with its word boundaries."""

    def __init__(self, text: str, segmenter: Segmenter) -> None:
        self.text = text
        # Without HMM: its guesses at unknown words are mostly fragments (巡先, 及线) that
        # TF-IDF would rank as rare words; unknown stretches stay single characters.
        pieces = [piece for _, piece in segmenter.cut_chunks(text, hmm=False)]
        tokens = pieces[0] if len(pieces) == 1 else [t for piece in pieces for t in piece]
        self.tokens = tokens
        # ends[i] is where word i ends; it starts at ends[i - 1] (0 for the first).
        self.ends = list(accumulate(map(len, tokens)))
        # Indices of words inside a phrase found by search (filled by the extractor), which
        # are not counted as words of their own.
        self.claimed: set[int] = set()
        self._bounds: frozenset[int] | None = None

    @property
    def bounds(self) -> frozenset[int]:
        if self._bounds is None:
            self._bounds = frozenset(self.ends).union((0,))
        return self._bounds

    def first_from(self, pos: int) -> int:
        """Index of the first word starting at or after ``pos``."""
        return 0 if pos <= 0 else bisect_left(self.ends, pos) + 1

    def token_at(self, start: int) -> str | None:
        """The word starting at ``start``, if one does."""
        i = self.first_from(start)
        if i < len(self.tokens) and (self.ends[i - 1] if i else 0) == start:
            return self.tokens[i]
        return None

    def word_index(self, start: int, end: int) -> int:
        """Index of the word spanning exactly [start, end), or -1."""
        i = bisect_left(self.ends, end)
        if i < len(self.ends) and self.ends[i] == end and (self.ends[i - 1] if i else 0) == start:
            return i
        return -1

    def token_range(self, start: int, end: int) -> range:
        """Indices of the words lying within [start, end)."""
        i = self.first_from(start)
        return range(i, max(i, bisect_left(self.ends, end + 1)))

    def occurrences(self, phrase: str) -> list[tuple[int, int]]:
        """Spans of ``phrase`` that start and end on word boundaries."""
        out: list[tuple[int, int]] = []
        text, n, bounds = self.text, len(phrase), self.bounds
        i = text.find(phrase)
        while i >= 0:
            if i in bounds and i + n in bounds:
                out.append((i, i + n))
            i = text.find(phrase, i + n)
        return out


def counted(word: str, data: RuleData, *, nouns: bool) -> bool:
    """Whether ``word`` is (or starts with) something numerals count."""
    for n in (1, 2, 3):
        part = word[:n]
        if len(part) == n and (part in data.measures or (nouns and part in data.nouns)):
            return True
    return False


def has_numeral(word: str) -> bool:
    return any(c in NUMERAL_CHARS for c in word)


def paired_ok(x: str, y: str, data: RuleData, *, quoted: bool) -> bool:
    """N X M Y: X and Y are words, not numbers, and the numerals count nothing."""
    if has_numeral(x) or has_numeral(y):
        return False
    if counted(x, data, nouns=False):
        return False
    return quoted or not counted(y, data, nouns=False)


def closest_aligned(bounds: frozenset[int], y_start: int, y_max: str, x_len: int
                     ) -> str | None:
    """The prefix of ``y_max`` ending on a word boundary whose length is closest to the
    first half's (parallel halves: 十严禁十不准, 两手抓两手硬), shorter on a tie."""
    best: str | None = None
    for n in range(1, len(y_max) + 1):
        if y_start + n in bounds and (best is None or abs(n - x_len) < abs(len(best) - x_len)):
            best = y_max[:n]
    return best


def chain(doc: Words, data: RuleData, end: int, last: int) -> int:
    """Extend N X M Y by further parallel links (一岗一责一清单, 三重一大一公开)."""
    for _ in range(3):
        m = RE_LINK.match(doc.text, end)
        if m is None or fixed_at(doc.text, end, data):
            break
        y = closest_aligned(doc.bounds, m.end(1), m.group(2), last)
        if y is None or has_numeral(y) or counted(y, data, nouns=False):
            break
        end, last = m.end(1) + len(y), len(y)
    return end


def fixed_at(text: str, pos: int, data: RuleData) -> bool:
    """Whether a word whose numeral counts nothing (一体, 一直) starts at ``pos``."""
    return text[pos:pos + 2] in data.fixed or text[pos:pos + 3] in data.fixed


def headed(doc: Words, data: RuleData, after: int) -> str | None:
    """X of N个X / N项X outside quotes: a formulation head ending on a boundary."""
    text = doc.text
    for n in data.head_lengths:
        head = text[after:after + n]
        if len(head) == n and head in data.heads and after + n in doc.bounds:
            return head
    return None


def big(doc: Words, data: RuleData, numeral: str, after: int) -> str | None:
    """X of N大X outside quotes: the next word, a content word that numerals do not count
    (三大攻坚战, not 六大类 or 十九大以来)."""
    if numeral in ("一", "双") or after not in doc.bounds:
        return None
    x = doc.token_at(after)
    if (x is None or not RE_HAN_WORD.fullmatch(x) or x in data.stopwords
            or counted(x, data, nouns=True)):
        return None
    return x


def quote_verdict(q: str, words: tuple[str, ...], data: RuleData, stop: frozenset[str]
                   ) -> Literal["pattern", "quoted", ""]:
    """What a quoted text is: a numbered formulation, a term of art, or neither."""
    if RE_PLUS.fullmatch(q) or quoted_numbered(q, data, words):
        return "pattern"
    if (quoted_term(q, list(words), data, stop)
            and background_idf().table.get(q, 99.0) >= MIN_QUOTED_IDF):
        return "quoted"
    return ""


def quoted_numbered(q: str, data: RuleData, words: Sequence[str] = ()) -> bool:
    """A quoted text shaped like a numbered formulation (quotes vouch for it). ``words``
    (the segmented quote, when known) decide what follows the numeral: in 三个区分开来 it
    is 区分, not the counted 区 (district)."""

    def x_counted(x: str) -> bool:
        offset = len(q) - len(x)
        pos = 0
        for w in words:
            if pos == offset:
                return w in data.measures or w in data.nouns or all_units(w, data.measures)
            pos += len(w)
        return counted(x, data, nouns=True)

    m = RE_QUOTED_CLASSIFIED.fullmatch(q)
    if m:
        x = m.group(3)
        return not x_counted(x) and not (m.group(2) == "大" and has_numeral(x))
    m = RE_QUOTED_NXMY.fullmatch(q)
    if m:
        return paired_ok(m.group(2), m.group(4), data, quoted=True)
    m = RE_QUOTED_NX.fullmatch(q)
    if m:
        x = m.group(2)
        return not has_numeral(x) and not x_counted(x)
    return False


def quoted_term(q: str, words: list[str], data: RuleData, stop: frozenset[str]) -> bool:
    """A quoted text that names a thing: short, one phrase, no speech or clause cues."""
    if not 2 <= len(q) <= MAX_QUOTED_CHARS or not RE_QUOTED_TERM.fullmatch(q):
        return False
    if not words or "".join(words) != q or len(words) > MAX_QUOTED_WORDS:
        return False
    first, last = words[0], words[-1]
    if first in data.quote_start or first in stop or last in data.quote_end:
        return False
    if any(w in data.quote_speech for w in words):
        return False
    return not all(w in stop for w in words)


def is_term(token: str, stop: frozenset[str], data: RuleData) -> bool:
    """A word TF-IDF may rank: two or more Han characters, not a stop word, not a number
    and not a run of units (余人次, 万余元)."""
    return (
        RE_HAN_WORD.fullmatch(token) is not None
        and token not in stop
        and RE_NUMERAL_WORD.fullmatch(token) is None
        and not all_units(token, data.measures)
    )


def all_units(word: str, measures: frozenset[str]) -> bool:
    """Whether ``word`` splits into measure words only (余人次 = 余 + 人次)."""
    if not word:
        return True
    return any(word[:n] in measures and all_units(word[n:], measures)
               for n in (3, 2, 1) if len(word) >= n)
