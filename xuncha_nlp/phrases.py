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

import json
import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from functools import cache
from typing import IO, TYPE_CHECKING, Any, Literal, get_args

from .errors import XunchaError
from .lexicon import Entry, Lexicon
from .normalize import Normalized, normalize, require_str
from .phrase_rules import (
    MEMO_LIMIT,
    MIN_TERM_IDF,
    NOT_AFTER,
    RE_CLASSIFIED,
    RE_HAN_WORD,
    RE_PAIRED,
    RE_PAIRED_SCAN,
    RE_PLUS,
    RE_QUOTE,
    RuleData,
    Words,
    background_idf,
    big,
    chain,
    closest_aligned,
    fixed_at,
    headed,
    is_term,
    jieba_words,
    paired_ok,
    quote_verdict,
    quoted_numbered,
    rule_data,
)
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
WEIGHTS: Mapping[str, float] = {"numbered": 3.0, "lexicon": 2.0, "quoted": 1.5, "tfidf": 1.0}
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
        # word -> static TF-IDF weight (0.0: never a term); lexicon surfaces and the words
        # with a weight (see _vocabulary).
        self._memo: dict[str, float] = {}
        self._useful: dict[str, Entry | float] = {}
        # (phrase, source) -> idf × weight × discount of the phrases found by other means.
        self._phrase_weights: dict[tuple[str, str], float] = {}
        # (quoted text, its words) -> "pattern", "quoted" or "" (neither).
        self._quotes: dict[tuple[str, tuple[str, ...]], Literal["pattern", "quoted", ""]] = {}

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = Lexicon.default()
        return self._lexicon

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
            row: dict[str, int] = {}
            doc = self._doc(normalize(text).text)
            if doc is not None:
                chosen.update(c.text for c in self._rank(doc, k, counts=row))
            rows[doc_id] = row
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

    def _doc(self, text: str) -> Words | None:
        return Words(text, self._segmenter) if text.strip() else None

    def _rank(self, doc: Words, k: int | None, counts: dict[str, int] | None = None
              ) -> list[_Candidate]:
        """Every candidate scored, best first; only the best ``k`` when ``k`` is given.
        ``counts``, when given, receives the count of every candidate."""
        data = rule_data()
        found: dict[str, _Candidate] = {}
        self._shaped(doc, data, found)
        self._quoted(doc, data, self._stop(), found)
        self._searched(doc, found)
        self._claim(doc, found)
        terms, term_counts, lexical = self._words(doc, found)
        log = math.log
        weights = self._phrase_weights
        scored: list[tuple[float, str]] = []
        for c in found.values():
            n = len(c.spans) + c.words
            if n > 0:
                w = weights.get((c.text, c.source))
                if w is None:
                    w = weights[(c.text, c.source)] = _static_weight(c.text, c.kind, c.source)
                c.score = (1.0 + log(n)) * w
                scored.append((c.score, c.text))
        for phrase, (entry, n) in lexical.items():
            w = weights.get((phrase, "lexicon"))
            if w is None:
                w = weights[(phrase, "lexicon")] = _static_weight(phrase, entry.kind, "lexicon")
            scored.append(((1.0 + log(n)) * w, phrase))
        scored.extend(terms)
        if counts is not None:
            counts.update((c.text, c.count) for c in found.values() if c.count > 0)
            counts.update((phrase, n) for phrase, (_, n) in lexical.items())
            counts.update((t, term_counts[t]) for _, t in terms)
        if k is not None and len(scored) > k:
            # Keep the k best and everything tied with the k-th, then order those fully.
            # (the k-th largest score: a sort in C beats heapq.nlargest's Python loop here)
            floor = sorted([st[0] for st in scored], reverse=True)[k - 1]
            scored = [st for st in scored if st[0] >= floor]
        text = doc.text

        def first(phrase: str) -> int:
            hit = found.get(phrase)
            if hit is not None:
                forms = hit.surfaces
            else:
                lex = lexical.get(phrase)
                forms = lex[0].surfaces if lex is not None else (phrase,)
            return min((i for f in forms if (i := text.find(f)) >= 0), default=len(text))

        # Equal scores (common among phrases found once): the one met first in the text
        # wins, as titles and opening paragraphs carry a report's main points.
        scored.sort(key=lambda st: -st[0])
        i = 0
        while i < len(scored):
            j = i + 1
            while j < len(scored) and scored[j][0] == scored[i][0]:
                j += 1
            if j - i > 1:
                scored[i:j] = sorted(scored[i:j], key=lambda st: (first(st[1]), st[1]))
            i = j
        if k is not None:
            scored = scored[:k]
        out: list[_Candidate] = []
        for score, text in scored:
            hit = found.get(text)
            if hit is None:
                lex = lexical.get(text)
                hit = (_Candidate(text, "term", "tfidf", (text,), [], term_counts[text], score)
                       if lex is None else
                       _Candidate(text, lex[0].kind, "lexicon", lex[0].surfaces, [], lex[1],
                                  score))
            out.append(hit)
        return out

    def _stop(self) -> frozenset[str]:
        return self._stopwords if self._stopwords is not None else rule_data().stopwords

    def _add_found(self, doc: Words, found: dict[str, _Candidate], phrase: str,
                   source: Source, kind: PhraseKind, at: int | None = None) -> None:
        if phrase in found or phrase in self.lexicon:
            return
        spans = doc.occurrences(phrase)
        if at is not None and (at, at + len(phrase)) not in spans:
            # jieba joined the quoted text with a neighbour: the quotes still delimit it.
            spans = sorted({*spans, (at, at + len(phrase))})
        if spans:
            found[phrase] = _Candidate(phrase, kind, source, (phrase,), spans)

    def _shaped(self, doc: Words, data: RuleData, found: dict[str, _Candidate]) -> None:
        """Numbered formulations found by their shape anywhere in the text."""
        text, bounds, lexicon = doc.text, doc.bounds, self.lexicon
        for m in RE_CLASSIFIED.finditer(text):
            start = m.start()
            if start and text[start - 1] == "十" and text[start] not in "十两双":
                start -= 1  # 十四个坚持
            if start not in bounds or (start and text[start - 1] in NOT_AFTER):
                continue
            word = doc.token_at(start)
            if word is not None and len(word) > m.end() - start and word in lexicon:
                continue  # 两个维护: a lexicon entry, counted as a word
            numeral = text[start:m.end() - 1]
            if text[m.end() - 1] == "大":
                phrase = big(doc, data, numeral, m.end())
            else:
                phrase = headed(doc, data, m.end())
            if phrase:
                self._add_found(doc, found, text[start:m.end()] + phrase, "pattern",
                                "numbered")
        idioms: frozenset[str] | None = None
        for scan in RE_PAIRED_SCAN.finditer(text):
            start = scan.start()
            if start not in bounds or (start and text[start - 1] in NOT_AFTER):
                continue
            word = doc.token_at(start)
            if word is not None and len(word) >= 4 and word in lexicon:
                continue  # 三会一课, 一岗双责: lexicon entries, counted as words
            pm = RE_PAIRED.match(text, start)
            if pm is None:
                continue
            y = closest_aligned(bounds, pm.end(3), pm.group(4), len(pm.group(2)))
            if (y is None or not paired_ok(pm.group(2), y, data, quoted=False)
                    or fixed_at(text, start, data) or fixed_at(text, pm.start(3), data)):
                continue
            end = chain(doc, data, pm.end(3) + len(y), len(y))
            phrase = text[start:end]
            if idioms is None:
                idioms = jieba_words().idioms
            if phrase not in idioms:
                self._add_found(doc, found, phrase, "pattern", "numbered")
        for plus in ("+", "＋"):
            i = text.find(plus)
            while i >= 0:
                # Search a small window around each plus sign instead of the whole text.
                lo = max(0, i - 2)
                for m in RE_PLUS.finditer(text[lo:i + 12]):
                    if m.start() + lo <= i < m.end() + lo and any(c in "NnXx" for c in m[0]):
                        self._add_found(doc, found, m[0], "pattern", "numbered")
                i = text.find(plus, i + 1)

    def _quoted(self, doc: Words, data: RuleData, stop: frozenset[str],
                found: dict[str, _Candidate]) -> None:
        """Quoted numbered formulations and terms of art."""
        text, lexicon, tokens, verdicts = doc.text, self.lexicon, doc.tokens, self._quotes
        if len(verdicts) > MEMO_LIMIT:
            verdicts.clear()
        for m in RE_QUOTE.finditer(text):
            inner = m.group(m.lastindex or 0)
            q = inner.strip()
            if not q or q in found or q in lexicon:
                continue
            at = m.start() + 1 + inner.index(q)
            inside = doc.token_range(at, at + len(q))
            words = tuple(tokens[inside.start:inside.stop])
            verdict = verdicts.get((q, words))
            if verdict is None:
                verdict = verdicts[(q, words)] = quote_verdict(q, words, data, stop)
            if verdict:
                self._add_found(doc, found, q, verdict, "numbered" if verdict == "pattern"
                                else "term", at)

    def _searched(self, doc: Words, found: dict[str, _Candidate]) -> None:
        """Lexicon forms jieba never yields as one word (they hold brackets or other
        non-word characters), found by plain search."""
        if self._unsegmentable is None:
            self._unsegmentable = tuple(
                s for s in self.lexicon.surfaces if not RE_HAN_WORD.fullmatch(s))
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

    def _claim(self, doc: Words, found: dict[str, _Candidate]) -> None:
        """Longest first, drop occurrences inside a longer found phrase; mark the words
        inside the remaining ones so that they are not counted on their own."""
        kept: list[tuple[int, int]] = []
        for c in sorted(found.values(), key=lambda c: -len(c.text)):
            c.spans = sorted(s for s in set(c.spans)
                             if not any(a <= s[0] and s[1] <= b for a, b in kept))
            kept.extend(c.spans)
        for a, b in kept:
            doc.claimed.update(doc.token_range(a, b))

    def _words(self, doc: Words, found: dict[str, _Candidate]
               ) -> tuple[list[tuple[float, str]], Counter[str], dict[str, tuple[Entry, int]]]:
        """Count the words outside claimed spans and score the TF-IDF candidates: ([(score,
        word)], word counts, lexicon phrase → (entry, words counted toward it)).

        A lexicon phrase already in ``found`` (a form found by search) gets its words added
        there; the others are kept as plain counts, a candidate being made only for the few
        that rank among the best (a report holds dozens)."""
        counts = Counter(doc.tokens)
        tokens = doc.tokens
        for i in doc.claimed:
            counts[tokens[i]] -= 1
        useful = self._vocabulary(counts.keys())
        terms: list[tuple[float, str]] = []
        lexical: dict[str, tuple[Entry, int]] = {}
        log = math.log
        for token in counts.keys() & useful.keys():
            n = counts[token]
            if n <= 0:
                continue
            what = useful[token]
            if isinstance(what, float):
                c = found.get(token)
                if c is None:
                    terms.append(((1.0 + log(n)) * what if n > 1 else what, token))
                else:  # a quoted term that is also a plain word elsewhere: one phrase
                    c.words += n
                continue
            phrase = what.phrase
            c = found.get(phrase)
            if c is not None:
                c.words += n
                continue
            seen = lexical.get(phrase)
            lexical[phrase] = (what, n) if seen is None else (seen[0], seen[1] + n)
        return terms, counts, lexical

    def _vocabulary(self, words: Set[str]) -> dict[str, Entry | float]:
        """Every word seen so far that matters: lexicon surface → its entry, possible term
        → its static TF-IDF weight. Classifies the words not seen before; a bounded memo
        of a pure function of the word, not configuration."""
        memo, useful = self._memo, self._useful
        if not useful:
            useful.update(self.lexicon.surfaces)
        if words <= memo.keys():  # the usual case once a corpus is under way; cheap
            return useful
        new = words - memo.keys()
        if new:
            if len(memo) + len(new) > MEMO_LIMIT:
                memo.clear()
                useful.clear()
                useful.update(self.lexicon.surfaces)
                self._phrase_weights.clear()
                self._quotes.clear()
                new = set(words)
            for word in new:
                w = self._classify(word)
                memo[word] = w
                if w:
                    useful[word] = w
        return useful

    def _classify(self, token: str) -> float:
        """The static TF-IDF weight of a word: idf × weight × discount (0.0: never a term)."""
        if token in self.lexicon:
            return 0.0
        data = rule_data()
        idf = background_idf()
        if not is_term(token, self._stop(), data) or idf.table.get(token, 99.0) < MIN_TERM_IDF:
            return 0.0
        return idf.table.get(token, idf.median) * WEIGHTS["tfidf"] * data.discount(
            token, "tfidf")

    def _word_spans(self, doc: Words, chosen: list[_Candidate]) -> None:
        """Collect the spans of the word occurrences of the phrases returned."""
        text, claimed, ends = doc.text, doc.claimed, doc.ends
        last = len(ends)
        for c in chosen:
            if not c.words:
                continue
            spans: list[tuple[int, int]] = []
            for surface in c.surfaces:
                n = len(surface)
                i = text.find(surface)
                while i >= 0 and len(spans) < c.words:
                    # An occurrence counts when it is one whole word outside claimed spans,
                    # exactly as the words were counted (so we can stop at that count).
                    # (Words.word_index, inlined: this runs for every occurrence.)
                    t = bisect_left(ends, i + n)
                    if (t < last and ends[t] == i + n and (ends[t - 1] if t else 0) == i
                            and t not in claimed):
                        spans.append((i, i + n))
                    i = text.find(surface, i + n)
                if len(spans) == c.words:
                    break
            c.spans = sorted([*c.spans, *spans])
            c.words = 0


# --- pure helpers ----------------------------------------------------------------------------
def _static_weight(text: str, kind: PhraseKind, source: Source) -> float:
    """idf × weight × discount of a phrase found by other means than as a TF-IDF word."""
    return _phrase_idf(text, source) * _weight(text, kind, source) * rule_data().discount(
        text, source)


def _phrase_idf(text: str, source: Source) -> float:
    """Background IDF of a found phrase. Lexicon entries and numbered formulations get at
    least the median: the background table counts general news, where 形式主义 or 一把手
    are merely uncommon, while the lexicon marks them as the domain's key terms; without
    the floor a known term would rank below any formulation the table has never seen."""
    idf = background_idf()
    value = idf.table.get(text, idf.median)
    return max(value, idf.median) if source in ("lexicon", "pattern") else value


def _weight(text: str, kind: PhraseKind, source: Source) -> float:
    # The lexicon files 两个维护 and 四个意识 under "political"; by shape they are numbered
    # formulations all the same and weigh as such.
    numbered = kind == "numbered" or (source == "lexicon" and _numbered_shape(text))
    return WEIGHTS["numbered" if numbered else source]


@cache
def _numbered_shape(phrase: str) -> bool:
    return quoted_numbered(phrase, rule_data())


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
    file (``{"file": ..., "phrases": [...]}``). Returns 0; 1 when a file failed (each
    failure reported on ``err``, the other files still done); 2 for a bad ``top_k``.
    """
    from .io import read_text

    try:
        k = _check_top_k(top_k)
    except (TypeError, ValueError) as exc:
        err.write(f"xuncha phrases: {exc}\n")
        return 2
    status = 0
    for path in files:
        try:
            phrases = extract_phrases(read_text(path).text, top_k=k)
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
