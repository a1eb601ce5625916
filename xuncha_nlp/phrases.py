"""Key phrases of a report: the formulations (提法) and terms an analyst looks for.

:func:`extract_phrases` ranks and deduplicates candidates from four sources:

1. ``lexicon``: entries of the domain lexicon (``phrases.tsv``) found as words, variants
   counted toward their canonical phrase;
2. ``pattern``: numbered formulations the lexicon has never seen, found by their shape
   (N个X, N项X, N大X, N X M Y such as 六围绕一加强 / 十严禁十不准 / 四梁八柱, 1+N), while
   counts (108家单位, 12个方面, 5次, 3个工作组) are left alone (see ``count_words.tsv`` and
   ``formulation_heads.tsv``);
3. ``quoted``: terms of art in quotation marks (“政治体检”, ‘一办两组’, 「…」) that look
   like terms, not speech or clauses (``quote_cues.tsv``);
4. ``tfidf``: other words ranked by TF-IDF against jieba's background IDF table, with the
   genre's stop words (``stopwords.tsv``), numbers and dates kept out.

A phrase contained in a longer phrase found in the same text (维护 in 两个维护) is listed
only for its occurrences outside the longer one. Work is done on normalised text
(:func:`xuncha_nlp.normalize`), so traditional input works; spans point into the original.
"""

from __future__ import annotations

import heapq
import importlib.util
import json
import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, get_args

from . import resources
from .errors import LexiconError, XunchaError
from .lexicon import Entry, Lexicon
from .normalize import Normalized, normalize, require_str
from .segment import Backend, Segmenter, default_segmenter

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PHRASE_KINDS",
    "SOURCES",
    "Phrase",
    "PhraseExtractor",
    "PhraseKind",
    "Source",
    "cli_phrases",
    "extract_phrases",
    "extract_phrases_normalized",
    "phrase_frame",
]

PhraseKind = Literal["political", "numbered", "inspection", "discipline", "organisation", "term"]
PHRASE_KINDS: tuple[str, ...] = get_args(PhraseKind)
Source = Literal["lexicon", "pattern", "quoted", "tfidf"]
SOURCES: tuple[str, ...] = get_args(Source)


@dataclass(frozen=True)
class Phrase:
    """One key phrase of a text.

    ``text`` is simplified (the lexicon's canonical form for lexicon entries); ``kind`` is
    the lexicon kind, ``"numbered"`` for a numbered formulation found by its shape, or
    ``"term"``; ``source`` says which of the four sources found it; ``count`` is the number
    of occurrences outside longer phrases and ``spans`` their (start, end) in the ORIGINAL
    text, so ``original[start:end]`` is the phrase as written (traditional, or a variant).
    """

    text: str
    kind: PhraseKind
    source: Source
    score: float
    count: int
    spans: tuple[tuple[int, int], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "kind": self.kind, "source": self.source,
                "score": self.score, "count": self.count,
                "spans": [list(s) for s in self.spans]}


# --- scoring -----------------------------------------------------------------------------
# score = (1 + ln count) × idf × weight × discount. The weights rank marked formulations
# first: numbered ones (lexicon kind "numbered" or found by shape) are the signature of the
# genre's discourse and what readers scan for; then other lexicon entries and quoted terms
# (the author marked them as terms); then plain TF-IDF words of the same frequency and
# rarity. A plain word still outranks a formulation when it is much more frequent.
WEIGHTS: Mapping[str, float] = {"numbered": 3.0, "lexicon": 1.5, "quoted": 1.5, "tfidf": 1.0}
# Words every report of the genre uses (genre_common.tsv, class genre) and names of places
# and units (class suffix) rank lower but are still found.
GENRE_WEIGHT = 0.35
NAME_WEIGHT = 0.5

# --- regexes, built once from named fragments -------------------------------------------
_HAN = "\u4e00-\u9fff\u3400-\u4dbf"
_NUM = "一二三四五六七八九十两双"
_ANY_NUM = _NUM + "〇零百千万亿几0-9"
# A numeral preceded by another numeral, 第 or 每 is part of a number or an ordinal.
_NOT_AFTER = frozenset("第每前〇零百千万亿几0123456789" + _NUM)
_N = "(?:十[一二三四五六七八九]?|[一二三四五六七八九两双])"
# Scans start with the numeral class (cheap) and leave context checks to Python: a leading
# look-behind or alternation makes the regex engine several times slower.
_RE_CLASSIFIED = re.compile(f"[{_NUM}][个项大]")
# N X M Y: the scan consumes only the numeral, so every numeral is tried as a start and
# one false start cannot hide a true one; the full shape is then matched there.
_RE_PAIRED_SCAN = re.compile(f"[{_NUM}](?=[{_HAN}]{{1,3}}?[{_NUM}])")
_RE_PAIRED = re.compile(f"([{_NUM}])([{_HAN}]{{1,3}}?)([{_NUM}])([{_HAN}]{{1,3}})")
_RE_LINK = re.compile(f"([{_NUM}])([{_HAN}]{{1,3}})")
_RE_PLUS = re.compile(
    r"(?<![A-Za-z0-9+＋])(?:\d{1,2}|[NnXx])(?:[+＋](?:\d{1,2}|[NnXx])){1,3}(?![A-Za-z0-9+＋])"
)
_RE_QUOTE = re.compile(
    "“([^“”\n]{1,24})”|‘([^‘’\n]{1,24})’|「([^「」\n]{1,24})」|『([^『』\n]{1,24})』"
    '|"([^"\n]{1,24})"'
)
_RE_HAN_WORD = re.compile(f"[{_HAN}]{{2,}}")
_RE_QUOTED_TERM = re.compile(f"[{_HAN}]+(?:[+＋·][{_HAN}]+)*")
_RE_QUOTED_NX = re.compile(f"({_N})([{_HAN}]{{1,4}})")
_RE_QUOTED_NXMY = re.compile(f"([{_NUM}])([{_HAN}]{{1,3}}?)([{_NUM}])([{_HAN}]{{1,3}})")
_RE_QUOTED_CLASSIFIED = re.compile(f"({_N})([个项大])([{_HAN}]{{1,6}})")
_RE_NUMERAL_WORD = re.compile(f"[第{_ANY_NUM}.%．]+[{_HAN}]?")
_NUMERAL_CHARS = frozenset(_ANY_NUM.replace("0-9", "0123456789"))

MAX_QUOTED_CHARS = 10
MAX_QUOTED_WORDS = 4
_MEMO_LIMIT = 200_000


# --- shipped data, read once per process ---------------------------------------------------
@dataclass(frozen=True)
class _Idf:
    table: Mapping[str, float]
    median: float


@cache
def _background_idf() -> _Idf:
    """jieba's background IDF table, read from its file (``import jieba.analyse`` would
    load it as an import side effect and pull in the whole analyser)."""
    path = _jieba_file("analyse", "idf.txt")
    table: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, value = line.partition(" ")
        if value:
            table[word] = float(value)
    if not table:
        raise LexiconError(f"{path}: the background IDF table is empty")
    values = sorted(table.values())
    return _Idf(table, values[len(values) // 2])


@dataclass(frozen=True)
class _JiebaWords:
    idioms: frozenset[str]
    names: frozenset[str]


@cache
def _jieba_words() -> _JiebaWords:
    """From jieba's dictionary: idioms and set phrases with a numeral (一心一意, 三令五申),
    shaped like numbered formulations but not formulations; and the words tagged as names
    of people, places and organisations (习近平, 河北, 国资委), which are entities rather
    than key phrases."""
    text = _jieba_file("dict.txt").read_text(encoding="utf-8")
    idioms: set[str] = set()
    names: set[str] = set()
    numerals = frozenset(_NUM)
    for word, tag in re.findall(r"^(\S+) \d+ (i|l|nr|nrfg|nrt|ns|nt)$", text, re.M):
        if tag in ("i", "l"):
            if numerals.intersection(word):
                idioms.add(word)
        else:
            names.add(word)
    return _JiebaWords(frozenset(idioms), frozenset(names))


def _jieba_file(*parts: str) -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise LexiconError("jieba is not installed; install it (pip install jieba) for its "
                           "dictionary and IDF table")
    path = Path(spec.origin).parent.joinpath(*parts)
    if not path.is_file():
        raise LexiconError(f"{path} is missing from the jieba installation; reinstall jieba")
    return path


@dataclass(frozen=True)
class _Data:
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
            or text in _jieba_words().names
        ):
            return NAME_WEIGHT
        return 1.0


@cache
def _data() -> _Data:
    counts = resources.read_rows("count_words.tsv", 2)
    classes = {"measure", "noun", "fixed"}
    for word, cls in counts:
        if cls not in classes:
            raise LexiconError(f"count_words.tsv: unknown class {cls!r} for {word!r}; "
                               f"choose one of {', '.join(sorted(classes))}")
    cues = resources.read_rows("quote_cues.tsv", 2)
    roles = {"start", "speech", "end"}
    for word, role in cues:
        if role not in roles:
            raise LexiconError(f"quote_cues.tsv: unknown role {role!r} for {word!r}; "
                               f"choose one of {', '.join(sorted(roles))}")
    heads = resources.read_words("formulation_heads.tsv")
    common = resources.read_rows("genre_common.tsv", 2)
    for word, cls in common:
        if cls not in ("genre", "suffix"):
            raise LexiconError(f"genre_common.tsv: unknown class {cls!r} for {word!r}; "
                               "choose one of genre, suffix")
    return _Data(
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


# --- working state of one extraction --------------------------------------------------------
@dataclass(slots=True)
class _Candidate:
    text: str
    kind: PhraseKind
    source: Source
    surfaces: tuple[str, ...]
    # Occurrences found by search (patterns, quotes, lexicon forms jieba cannot yield as
    # one word), as (start, end) in the normalised text; they claim the words inside them.
    spans: list[tuple[int, int]]
    # Occurrences counted as words outside every claimed span; their spans are only
    # collected for the phrases that are returned.
    words: int = 0
    score: float = 0.0

    @property
    def count(self) -> int:
        return len(self.spans) + self.words


class _Doc:
    """The segmented normalised text with its word boundaries."""

    def __init__(self, text: str, segmenter: Segmenter) -> None:
        self.text = text
        tokens: list[str] = []
        # Without HMM: its guesses at unknown words are mostly fragments (巡先, 及线) that
        # TF-IDF would rank as rare words; unknown stretches stay single characters.
        for _, piece in segmenter.cut_chunks(text, hmm=False):
            tokens.extend(piece)
        self.tokens = tokens
        self.ends = list(accumulate(map(len, tokens)))
        self.starts = [0, *self.ends[:-1]] if tokens else []
        # Indices of words inside a claimed span (see PhraseExtractor._claim).
        self.claimed: set[int] = set()
        self._bounds: frozenset[int] | None = None
        self._by_start: dict[int, str] | None = None

    @property
    def bounds(self) -> frozenset[int]:
        if self._bounds is None:
            self._bounds = frozenset(self.ends).union((0,))
        return self._bounds

    def token_at(self, start: int) -> str | None:
        if self._by_start is None:
            self._by_start = dict(zip(self.starts, self.tokens, strict=True))
        return self._by_start.get(start)

    def token_range(self, start: int, end: int) -> range:
        """Indices of the words lying within [start, end)."""
        i = bisect_left(self.starts, start)
        j = i
        while j < len(self.tokens) and self.ends[j] <= end:
            j += 1
        return range(i, j)

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


# --- the extractor ---------------------------------------------------------------------------
class PhraseExtractor:
    """Extract key phrases with a given lexicon, stop words and segmentation back-end.

    ``PhraseExtractor()`` uses the shipped lexicon and stop words and the default back-end;
    pass ``lexicon=Lexicon.default().extend([...])`` to add your own formulations,
    ``stopwords=`` to replace the stop-word set, ``backend="jieba"`` for the pure-Python
    reference segmenter. An extractor holds no per-text state and can be shared.
    """

    def __init__(
        self,
        *,
        lexicon: Lexicon | None = None,
        stopwords: Iterable[str] | None = None,
        backend: Backend | None = None,
    ) -> None:
        if lexicon is not None and not isinstance(lexicon, Lexicon):
            raise TypeError(f"lexicon must be a Lexicon, not {type(lexicon).__name__}")
        if isinstance(stopwords, str):
            raise TypeError("stopwords must be an iterable of words, not one string")
        words = None if stopwords is None else frozenset(stopwords)
        if words is not None and not all(isinstance(w, str) for w in words):
            raise TypeError("stopwords must all be str")
        self._lexicon = lexicon
        self._stopwords = words
        self._segmenter = (default_segmenter(backend) if lexicon is None
                           else Segmenter(lexicon, backend=backend))
        self._unsegmentable: tuple[str, ...] | None = None
        # word -> static TF-IDF weight (0.0: never a term), and the words with a weight.
        self._memo: dict[str, float] = {}
        self._weights: dict[str, float] = {}
        # (phrase, source) -> idf × weight × discount of the phrases found by other means.
        self._phrase_weights: dict[tuple[str, str], float] = {}

    @property
    def lexicon(self) -> Lexicon:
        return self._lexicon if self._lexicon is not None else Lexicon.default()

    @property
    def backend(self) -> Backend:
        return self._segmenter.backend

    def __repr__(self) -> str:
        return f"PhraseExtractor(backend={self.backend!r}, {len(self.lexicon)} lexicon entries)"

    # --- public ----------------------------------------------------------------------
    def extract(self, text: str, *, top_k: int | None = 20) -> list[Phrase]:
        """The ``top_k`` key phrases of ``text``, best first (``None``: all of them)."""
        require_str(text, "extract_phrases()")
        k = _check_top_k(top_k)
        return self._extract(normalize(text), k)

    def extract_normalized(self, norm: Normalized, *, top_k: int | None = 20) -> list[Phrase]:
        """As :meth:`extract` for a text already passed through :func:`normalize`."""
        if not isinstance(norm, Normalized):
            raise TypeError(f"extract_phrases_normalized() takes a Normalized (from "
                            f"xuncha_nlp.normalize), not {type(norm).__name__}")
        return self._extract(norm, _check_top_k(top_k))

    def frame(self, docs: Mapping[Any, str] | Iterable[str], *, top_k: int | None = 20
              ) -> pd.DataFrame:
        """Counts of key phrases per document: one row per document, one column per phrase.

        Columns are the union of every document's ``top_k`` phrases (``None``: all), ordered
        by the number of documents containing them, then total count; a cell is the
        phrase's count in that document, whether or not it made that document's top k.
        ``docs`` is a mapping doc_id → text (a dict or a pandas Series) or an iterable of
        texts (numbered from 0).
        """
        import pandas as pd

        k = _check_top_k(top_k)
        rows: dict[Any, dict[str, int]] = {}
        chosen: set[str] = set()
        for doc_id, text in _doc_items(docs):
            require_str(text, f"phrase_frame() (document {doc_id!r})")
            if doc_id in rows:
                raise ValueError(f"phrase_frame(): document id {doc_id!r} appears twice")
            ranked = self._ranked(normalize(text).text)
            rows[doc_id] = {c.text: c.count for c in ranked}
            chosen.update(c.text for c in (ranked if k is None else ranked[:k]))
        n_docs = Counter(p for row in rows.values() for p in row if p in chosen)
        total = Counter({p: sum(row.get(p, 0) for row in rows.values()) for p in chosen})
        columns = sorted(chosen, key=lambda p: (-n_docs[p], -total[p], p))
        return pd.DataFrame(
            [[row.get(p, 0) for p in columns] for row in rows.values()],
            index=pd.Index(list(rows), name="doc"),
            columns=pd.Index(columns, name="phrase"),
            dtype="int64",
        )

    # --- steps -----------------------------------------------------------------------
    def _extract(self, norm: Normalized, k: int | None) -> list[Phrase]:
        if k == 0:
            return []
        doc = self._doc(norm.text)
        if doc is None:
            return []
        chosen = self._rank(doc, k)
        self._word_spans(doc, chosen)
        return [
            Phrase(c.text, c.kind, c.source, round(c.score, 4), c.count,
                   tuple(norm.original_span(s, e) for s, e in c.spans))
            for c in chosen
        ]

    def _doc(self, text: str) -> _Doc | None:
        return _Doc(text, self._segmenter) if text.strip() else None

    def _ranked(self, text: str) -> list[_Candidate]:
        doc = self._doc(text)
        return [] if doc is None else self._rank(doc, None)

    def _rank(self, doc: _Doc, k: int | None) -> list[_Candidate]:
        """Every candidate scored, best first; only the best ``k`` when ``k`` is given."""
        data = _data()
        found: dict[str, _Candidate] = {}
        self._shaped(doc, data, found)
        self._quoted(doc, data, self._stop(), found)
        self._searched(doc, found)
        self._claim(doc, found)
        terms = self._words(doc, found)
        log = math.log
        weights = self._phrase_weights
        scored: list[tuple[float, str]] = []
        for c in found.values():
            n = len(c.spans) + c.words
            if n > 0:
                w = weights.get((c.text, c.source))
                if w is None:
                    idf = _background_idf()
                    w = weights[(c.text, c.source)] = (
                        idf.table.get(c.text, idf.median) * _weight(c)
                        * data.discount(c.text, c.source))
                c.score = (1.0 + log(n)) * w
                scored.append((c.score, c.text))
        scored.extend([((1.0 + log(n)) * w, t) for t, (n, w) in terms.items()])
        if k is not None and len(scored) > k:
            # Keep the k best and everything tied with the k-th, then order those fully.
            floor = heapq.nlargest(k, scored)[-1][0]
            scored = [st for st in scored if st[0] >= floor]
        scored.sort(key=lambda st: (-st[0], -len(st[1]), st[1]))
        if k is not None:
            scored = scored[:k]
        out: list[_Candidate] = []
        for score, text in scored:
            hit = found.get(text)
            out.append(hit if hit is not None else
                       _Candidate(text, "term", "tfidf", (text,), [], terms[text][0], score))
        return out

    def _stop(self) -> frozenset[str]:
        return self._stopwords if self._stopwords is not None else _data().stopwords

    def _add_found(self, doc: _Doc, found: dict[str, _Candidate], phrase: str,
                   source: Source, kind: PhraseKind, at: int | None = None) -> None:
        if phrase in found or phrase in self.lexicon:
            return
        spans = doc.occurrences(phrase)
        if at is not None and (at, at + len(phrase)) not in spans:
            # jieba joined the quoted text with a neighbour: the quotes still delimit it.
            spans = sorted({*spans, (at, at + len(phrase))})
        if spans:
            found[phrase] = _Candidate(phrase, kind, source, (phrase,), spans)

    def _shaped(self, doc: _Doc, data: _Data, found: dict[str, _Candidate]) -> None:
        """Numbered formulations found by their shape anywhere in the text."""
        text, bounds = doc.text, doc.bounds
        for m in _RE_CLASSIFIED.finditer(text):
            start = m.start()
            if start and text[start - 1] == "十" and text[start] not in "十两双":
                start -= 1  # 十四个坚持
            if start not in bounds or (start and text[start - 1] in _NOT_AFTER):
                continue
            numeral = text[start:m.end() - 1]
            if text[m.end() - 1] == "大":
                phrase = _big(doc, data, numeral, m.end())
            else:
                phrase = _headed(doc, data, m.end())
            if phrase:
                self._add_found(doc, found, text[start:m.end()] + phrase, "pattern",
                                "numbered")
        idioms: frozenset[str] | None = None
        for scan in _RE_PAIRED_SCAN.finditer(text):
            start = scan.start()
            if start not in bounds or (start and text[start - 1] in _NOT_AFTER):
                continue
            pm = _RE_PAIRED.match(text, start)
            if pm is None:
                continue
            y = _closest_aligned(bounds, pm.end(3), pm.group(4), len(pm.group(2)))
            if (y is None or not _paired_ok(pm.group(2), y, data, quoted=False)
                    or _fixed_at(text, start, data) or _fixed_at(text, pm.start(3), data)):
                continue
            end = _chain(doc, data, pm.end(3) + len(y), len(y))
            phrase = text[start:end]
            if idioms is None:
                idioms = _jieba_words().idioms
            if phrase not in idioms:
                self._add_found(doc, found, phrase, "pattern", "numbered")
        for plus in ("+", "＋"):
            i = text.find(plus)
            while i >= 0:
                # Search a small window around each plus sign instead of the whole text.
                lo = max(0, i - 2)
                for m in _RE_PLUS.finditer(text[lo:i + 12]):
                    if m.start() + lo <= i < m.end() + lo and any(c in "NnXx" for c in m[0]):
                        self._add_found(doc, found, m[0], "pattern", "numbered")
                i = text.find(plus, i + 1)

    def _quoted(self, doc: _Doc, data: _Data, stop: frozenset[str],
                found: dict[str, _Candidate]) -> None:
        """Quoted numbered formulations and terms of art."""
        text = doc.text
        for m in _RE_QUOTE.finditer(text):
            inner = m.group(m.lastindex or 0)
            q = inner.strip()
            if not q or q in found or q in self.lexicon:
                continue
            at = m.start() + 1 + inner.index(q)
            if _RE_PLUS.fullmatch(q) or _quoted_numbered(q, data):
                self._add_found(doc, found, q, "pattern", "numbered", at)
                continue
            words = [doc.tokens[i] for i in doc.token_range(at, at + len(q))]
            if _quoted_term(q, words, data, stop):
                self._add_found(doc, found, q, "quoted", "term", at)

    def _searched(self, doc: _Doc, found: dict[str, _Candidate]) -> None:
        """Lexicon forms jieba never yields as one word (they hold brackets or other
        non-word characters), found by plain search."""
        if self._unsegmentable is None:
            self._unsegmentable = tuple(
                s for s in self.lexicon.surfaces if not _RE_HAN_WORD.fullmatch(s))
        for surface in self._unsegmentable:
            if surface not in doc.text:
                continue
            spans = doc.occurrences(surface)
            entry = self.lexicon.lookup(surface)
            if not spans or entry is None:
                continue
            c = found.get(entry.phrase)
            if c is None:
                c = _Candidate(entry.phrase, entry.kind, "lexicon", entry.surfaces, [])
                found[entry.phrase] = c
            c.spans.extend(spans)

    def _claim(self, doc: _Doc, found: dict[str, _Candidate]) -> None:
        """Longest first, drop occurrences inside a longer found phrase; mark the words
        inside the remaining ones so that they are not counted on their own."""
        kept: list[tuple[int, int]] = []
        for c in sorted(found.values(), key=lambda c: -len(c.text)):
            c.spans = sorted(s for s in set(c.spans)
                             if not any(a <= s[0] and s[1] <= b for a, b in kept))
            kept.extend(c.spans)
        for a, b in kept:
            doc.claimed.update(doc.token_range(a, b))

    def _words(self, doc: _Doc, found: dict[str, _Candidate]) -> dict[str, tuple[int, float]]:
        """Count lexicon entries among the words outside claimed spans (into ``found``) and
        return the TF-IDF candidates: word → (count, idf × weight)."""
        counts = Counter(doc.tokens)
        tokens = doc.tokens
        for i in doc.claimed:
            counts[tokens[i]] -= 1
        weights, entries = self._vocabulary(counts.keys())
        for token in counts.keys() & entries.keys():
            n = counts[token]
            if n > 0:
                entry = entries[token]
                c = found.get(entry.phrase)
                if c is None:
                    c = found[entry.phrase] = _Candidate(entry.phrase, entry.kind, "lexicon",
                                                         entry.surfaces, [])
                c.words += n
        terms: dict[str, tuple[int, float]] = {}
        for token in counts.keys() & weights.keys():
            n = counts[token]
            if n > 0:
                c = found.get(token)
                if c is None:
                    terms[token] = (n, weights[token])
                else:
                    c.words += n
        return terms

    def _vocabulary(self, words: Iterable[str]
                    ) -> tuple[dict[str, float], Mapping[str, Entry]]:
        """The static TF-IDF weight of every word seen so far that may be a term, and the
        lexicon's surfaces; classifies the words not seen before. A bounded memo of a pure
        function of the word, not configuration."""
        memo = self._memo
        new = words - memo.keys() if isinstance(words, Set) else set(words) - memo.keys()
        if new:
            if len(memo) + len(new) > _MEMO_LIMIT:
                memo.clear()
                self._weights.clear()
                self._phrase_weights.clear()
                new = set(words)
            for word in new:
                w = self._classify(word)
                memo[word] = w
                if w:
                    self._weights[word] = w
        return self._weights, self.lexicon.surfaces

    def _classify(self, token: str) -> float:
        """The static TF-IDF weight of a word: idf × weight × discount (0.0: never a term)."""
        if token in self.lexicon:
            return 0.0
        data = _data()
        if not _is_term(token, self._stop(), data):
            return 0.0
        idf = _background_idf()
        return idf.table.get(token, idf.median) * WEIGHTS["tfidf"] * data.discount(
            token, "tfidf")

    def _word_spans(self, doc: _Doc, chosen: list[_Candidate]) -> None:
        """Collect the spans of the word occurrences of the phrases returned."""
        text, starts, ends, claimed = doc.text, doc.starts, doc.ends, doc.claimed
        for c in chosen:
            if not c.words:
                continue
            spans = list(c.spans)
            for surface in c.surfaces:
                n = len(surface)
                i = text.find(surface)
                while i >= 0:
                    # An occurrence counts when it is one whole word outside claimed spans,
                    # exactly as the words were counted.
                    t = bisect_left(starts, i)
                    if t < len(starts) and starts[t] == i and ends[t] == i + n and (
                            t not in claimed):
                        spans.append((i, i + n))
                    i = text.find(surface, i + n)
            c.spans = sorted(spans)
            c.words = 0


# --- pure helpers ----------------------------------------------------------------------------
def _weight(c: _Candidate) -> float:
    return WEIGHTS["numbered" if c.kind == "numbered" else c.source]


def _check_top_k(top_k: object) -> int | None:
    if top_k is None:
        return None
    if isinstance(top_k, bool) or not isinstance(top_k, int):
        raise TypeError(f"top_k must be an int or None, not {type(top_k).__name__}")
    if top_k < 0:
        raise ValueError(f"top_k must be >= 0 (or None for all phrases), got {top_k}")
    return top_k


def _doc_items(docs: object) -> list[tuple[Any, str]]:
    if isinstance(docs, (str, bytes)):
        raise TypeError("phrase_frame() takes a mapping doc_id -> text or an iterable of "
                        "texts, not a single string (wrap it in a list)")
    items = getattr(docs, "items", None)
    if callable(items):
        return list(items())
    if isinstance(docs, Iterable):
        return list(enumerate(docs))
    raise TypeError(f"phrase_frame() takes a mapping or an iterable of texts, not "
                    f"{type(docs).__name__}")


def _counted(word: str, data: _Data, *, nouns: bool) -> bool:
    """Whether ``word`` is (or starts with) something numerals count."""
    for n in (1, 2, 3):
        part = word[:n]
        if len(part) == n and (part in data.measures or (nouns and part in data.nouns)):
            return True
    return False


def _has_numeral(word: str) -> bool:
    return any(c in _NUMERAL_CHARS for c in word)


def _paired_ok(x: str, y: str, data: _Data, *, quoted: bool) -> bool:
    """N X M Y: X and Y are words, not numbers, and the numerals count nothing."""
    if _has_numeral(x) or _has_numeral(y):
        return False
    if _counted(x, data, nouns=False):
        return False
    return quoted or not _counted(y, data, nouns=False)


def _closest_aligned(bounds: frozenset[int], y_start: int, y_max: str, x_len: int
                     ) -> str | None:
    """The prefix of ``y_max`` ending on a word boundary whose length is closest to the
    first half's (parallel halves: 十严禁十不准, 两手抓两手硬), shorter on a tie."""
    best: str | None = None
    for n in range(1, len(y_max) + 1):
        if y_start + n in bounds and (best is None or abs(n - x_len) < abs(len(best) - x_len)):
            best = y_max[:n]
    return best


def _chain(doc: _Doc, data: _Data, end: int, last: int) -> int:
    """Extend N X M Y by further parallel links (一岗一责一清单, 三重一大一公开)."""
    for _ in range(3):
        m = _RE_LINK.match(doc.text, end)
        if m is None or _fixed_at(doc.text, end, data):
            break
        y = _closest_aligned(doc.bounds, m.end(1), m.group(2), last)
        if y is None or _has_numeral(y) or _counted(y, data, nouns=False):
            break
        end, last = m.end(1) + len(y), len(y)
    return end


def _fixed_at(text: str, pos: int, data: _Data) -> bool:
    """Whether a word whose numeral counts nothing (一体, 一直) starts at ``pos``."""
    return text[pos:pos + 2] in data.fixed or text[pos:pos + 3] in data.fixed


def _headed(doc: _Doc, data: _Data, after: int) -> str | None:
    """X of N个X / N项X outside quotes: a formulation head ending on a boundary."""
    text = doc.text
    for n in data.head_lengths:
        head = text[after:after + n]
        if len(head) == n and head in data.heads and after + n in doc.bounds:
            return head
    return None


def _big(doc: _Doc, data: _Data, numeral: str, after: int) -> str | None:
    """X of N大X outside quotes: the next word, a content word that numerals do not count
    (三大攻坚战, not 六大类 or 十九大以来)."""
    if numeral in ("一", "双") or after not in doc.bounds:
        return None
    x = doc.token_at(after)
    if (x is None or not _RE_HAN_WORD.fullmatch(x) or x in data.stopwords
            or _counted(x, data, nouns=True)):
        return None
    return x


def _quoted_numbered(q: str, data: _Data) -> bool:
    """A quoted text shaped like a numbered formulation (quotes vouch for it)."""
    m = _RE_QUOTED_CLASSIFIED.fullmatch(q)
    if m:
        x = m.group(3)
        return not _counted(x, data, nouns=True) and not (m.group(2) == "大" and
                                                           _has_numeral(x))
    m = _RE_QUOTED_NXMY.fullmatch(q)
    if m:
        return _paired_ok(m.group(2), m.group(4), data, quoted=True)
    m = _RE_QUOTED_NX.fullmatch(q)
    if m:
        x = m.group(2)
        return not _has_numeral(x) and not _counted(x, data, nouns=True)
    return False


def _quoted_term(q: str, words: list[str], data: _Data, stop: frozenset[str]) -> bool:
    """A quoted text that names a thing: short, one phrase, no speech or clause cues."""
    if not 2 <= len(q) <= MAX_QUOTED_CHARS or not _RE_QUOTED_TERM.fullmatch(q):
        return False
    if not words or "".join(words) != q or len(words) > MAX_QUOTED_WORDS:
        return False
    first, last = words[0], words[-1]
    if first in data.quote_start or first in stop or last in data.quote_end:
        return False
    if any(w in data.quote_speech for w in words):
        return False
    return not all(w in stop or len(w) == 1 for w in words)


def _is_term(token: str, stop: frozenset[str], data: _Data) -> bool:
    """A word TF-IDF may rank: two or more Han characters, not a stop word, not a number
    and not a run of units (余人次, 万余元)."""
    return (
        _RE_HAN_WORD.fullmatch(token) is not None
        and token not in stop
        and _RE_NUMERAL_WORD.fullmatch(token) is None
        and not _all_units(token, data.measures)
    )


def _all_units(word: str, measures: frozenset[str]) -> bool:
    """Whether ``word`` splits into measure words only (余人次 = 余 + 人次)."""
    if not word:
        return True
    return any(word[:n] in measures and _all_units(word[n:], measures)
               for n in (3, 2, 1) if len(word) >= n)


# --- module-level API -------------------------------------------------------------------------
@cache
def _default_extractor(backend: Backend | None) -> PhraseExtractor:
    return PhraseExtractor(backend=backend)


def extract_phrases(text: str, *, top_k: int | None = 20,
                    backend: Backend | None = None) -> list[Phrase]:
    """The key phrases of a report, best first: formulations from the domain lexicon,
    numbered formulations found by their shape, quoted terms of art and TF-IDF key terms.

    ``top_k`` limits the list (``None``: every phrase found). ``backend`` picks the
    segmenter (``"rjieba"``, the default when installed, or ``"jieba"``). Traditional
    input works; ``spans`` point into ``text`` as given. For a custom lexicon or stop
    words use :class:`PhraseExtractor`.
    """
    require_str(text, "extract_phrases()")
    return _default_extractor(backend).extract(text, top_k=top_k)


def extract_phrases_normalized(norm: Normalized, *, top_k: int | None = 20,
                               backend: Backend | None = None) -> list[Phrase]:
    """:func:`extract_phrases` for a text already normalised with :func:`normalize`
    (spans point into ``norm.original``), so a pipeline normalises once."""
    return _default_extractor(backend).extract_normalized(norm, top_k=top_k)


def phrase_frame(docs: Mapping[Any, str] | Iterable[str], *, top_k: int | None = 20,
                 backend: Backend | None = None) -> pd.DataFrame:
    """Phrase counts over a corpus: a pandas DataFrame with one row per document (index
    ``doc``) and one int column per key phrase (columns ``phrase``). See
    :meth:`PhraseExtractor.frame`."""
    return _default_extractor(backend).frame(docs, top_k=top_k)


def cli_phrases(files: Sequence[str], *, top_k: int = 20, as_json: bool = False,
                out: IO[str], err: IO[str]) -> int:
    """``xuncha phrases FILE... [--json] [--top-k N]``: print each file's key phrases.

    Text output is one phrase per line (rank, phrase, kind, source, count, score) under a
    ``==> FILE <==`` header when there are several files; ``--json`` writes one object per
    file (``{"file": ..., "phrases": [...]}``). Returns 0, or 1 when a file failed (each
    failure reported on ``err``).
    """
    from .encoding import decode_bytes

    k = _check_top_k(top_k)
    status = 0
    for path in files:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            err.write(f"xuncha: {path}: cannot read ({exc.strerror or exc})\n")
            status = 1
            continue
        try:
            phrases = extract_phrases(decode_bytes(data, name=str(path)).text, top_k=k)
        except XunchaError as exc:
            err.write(f"xuncha: {exc}\n")
            status = 1
            continue
        if as_json:
            record = {"file": str(path), "phrases": [p.to_dict() for p in phrases]}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            continue
        if len(files) > 1:
            out.write(f"==> {path} <==\n")
        for rank, p in enumerate(phrases, start=1):
            out.write(f"{rank:>3}  {p.text}\t{p.kind}\t{p.source}\t{p.count}\t{p.score:g}\n")
    return status
