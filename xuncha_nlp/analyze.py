"""One call for one report: ``analyze(text_or_document) -> Analysis``.

The text is normalised ONCE and the same :class:`~xuncha_nlp.normalize.Normalized` is handed to
every extractor (statistics, key phrases, problem statements with their categories), so a
report costs one normalisation however many views of it are asked for. On top of the
extractors' results ``analyze`` adds what only the whole document tells: the script it was
written in (from the characters OpenCC had to convert), the artefacts that were repaired (by
kind of change), a title and the dates it mentions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, NoReturn, get_args

from .io import Document
from .normalize import _RE_HAN, HAN_RANGES, ChangeKind, Normalized, _converter, normalize
from .numbers import numeral_value

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from .phrases import Phrase
    from .problems import Problem
    from .stats import Stat

__all__ = ["SCRIPT_KINDS", "Analysis", "DateMention", "ScriptKind", "analyze", "find_dates"]

ScriptKind = Literal["simplified", "traditional", "mixed"]
SCRIPT_KINDS: tuple[str, ...] = get_args(ScriptKind)
CHANGE_KINDS: tuple[str, ...] = get_args(ChangeKind)
# Of the characters whose simplified and traditional forms differ, the share written in
# traditional form. A simplified report still has a few (著 in 著名, names, quoted titles);
# a traditional one a few simplified-looking characters that s2t maps by context (干, 里).
TRADITIONAL_BELOW = 0.05
TRADITIONAL_ABOVE = 0.95
TITLE_MAX_CHARS = 60
TOP_PHRASES = 5
MAIN_CATEGORIES = 3
_SENTENCE_END = "。；！？;!?"

# --- dates -----------------------------------------------------------------------------------
# Dates are numbers, not keywords, so the patterns live here. They run on normalised text
# (full-width digits are already half-width). Only dates that name at least a month count:
# a bare year (2024年以来) is a period, and 3月5日 without a year cannot be placed.
# The "no digit before the year" test comes after the year's first digit, not before it: a
# pattern that opens with a lookbehind is tried at every position, one that opens with 1 or 2
# lets re skip straight to those digits (about 3x faster over a report).
_RE_YMD = re.compile(
    r"((?:1(?<![0-9].)9|2(?<![0-9].)0)[0-9]{2}) ?年 ?([0-9]{1,2}) ?月(?: ?([0-9]{1,2}) ?[日号])?")
_RE_NUMERIC = re.compile(
    r"((?:1(?<![0-9.\-/].)9|2(?<![0-9.\-/].)0)[0-9]{2})([-./])([0-9]{1,2})\2([0-9]{1,2})"
    r"(?![0-9]|\.[0-9])")
_CN_DIGIT = "〇零一二三四五六七八九"
# Matched only where 年 stands four characters on (see _cn_dates): 一 … 九 are everywhere.
_RE_CN_YMD = re.compile(
    f"([{_CN_DIGIT}]{{4}})年([一二三四五六七八九十]{{1,2}})月(?:([一二三四五六七八九十]{{1,3}})[日号])?")


@dataclass(frozen=True)
class DateMention:
    """A date named in a report: ``iso`` is ``YYYY-MM-DD`` (``precision="day"``) or
    ``YYYY-MM`` (``"month"``); ``span`` is (start, end) in the ORIGINAL text and ``quote``
    the text there."""

    iso: str
    precision: Literal["day", "month"]
    span: tuple[int, int]
    quote: str

    def to_dict(self) -> dict[str, Any]:
        return {"iso": self.iso, "precision": self.precision, "span": list(self.span),
                "quote": self.quote}


def _iso(year: int, month: int, day: int | None) -> str | None:
    try:
        date(year, month, day or 1)
    except ValueError:  # 2023年13月, 2月30日: not a date
        return None
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def _cn_dates(text: str) -> Iterator[re.Match[str]]:
    """``_RE_CN_YMD.finditer(text)``, tried only four characters before each 年 (a match
    holds one 年, there; and it ends in 月, 日 or 号, so none can start inside the last)."""
    i = text.find("年", 4)
    while i >= 0:
        m = _RE_CN_YMD.match(text, i - 4)
        if m is not None:
            yield m
            i = text.find("年", m.end() + 4)
        else:
            i = text.find("年", i + 1)


def _date_candidates(text: str) -> list[tuple[int, int, str | None]]:
    found: list[tuple[int, int, str | None]] = []
    if "年" in text:
        for m in _RE_YMD.finditer(text):
            day = int(m.group(3)) if m.group(3) else None
            found.append((m.start(), m.end(), _iso(int(m.group(1)), int(m.group(2)), day)))
        for m in _cn_dates(text):
            # None for what is no numeral (十十, 二二): then no date either; 0: no day.
            y, mo, d = (numeral_value(g) if g else 0 for g in m.groups())
            found.append((m.start(), m.end(),
                          _iso(y, mo, d or None)
                          if isinstance(y, int) and isinstance(mo, int) and isinstance(d, int)
                          else None))
    for m in _RE_NUMERIC.finditer(text):
        found.append((m.start(), m.end(),
                      _iso(int(m.group(1)), int(m.group(3)), int(m.group(4)))))
    return found


def find_dates(norm: Normalized) -> list[DateMention]:
    """Dates named in a normalised report (2024年3月5日, 2024-03-05, 2024.3.5, 2024年3月,
    二〇二四年三月五日), in text order, spans in ``norm.original``. Impossible dates (2023年2月30日)
    are left out."""
    if not isinstance(norm, Normalized):
        raise TypeError(f"find_dates() takes a Normalized (from xuncha_nlp.normalize), not "
                        f"{type(norm).__name__}")
    out: list[DateMention] = []
    for s, e, iso in sorted(_date_candidates(norm.text)):
        if iso is None:
            continue
        os_, oe = norm.original_span(s, e)
        precision: Literal["day", "month"] = "day" if iso.count("-") == 2 else "month"
        out.append(DateMention(iso, precision, (os_, oe), norm.original[os_:oe]))
    return out


# --- script and artefacts ---------------------------------------------------------------------
def _code_points(text: str) -> npt.NDArray[np.uint32]:
    import numpy as np

    # surrogatepass: Document.from_text accepts text with lone surrogates
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


_RE_SURROGATE = re.compile("[\ud800-\udfff]")


def _script(norm: Normalized, counts: Mapping[ChangeKind, tuple[int, int]] | None = None
            ) -> tuple[ScriptKind, float]:
    """The script a report was written in, and the share of its Han characters converted.

    Traditional characters are those t2s changed (the ``script`` changes of normalize);
    simplified ones those s2t would change in the original. Text with only characters common
    to both scripts counts as simplified.
    """
    import numpy as np

    found = norm.change_counts() if counts is None else counts
    traditional = found.get("script", (0, 0))[1]
    if not traditional:  # most reports: no need to count Han or simplified characters
        return "simplified", 0.0
    # Counted on code point arrays: a regex findall or a zip over the characters of a
    # traditional report cost more than converting it.
    codes = _code_points(norm.original)
    han = sum(int(np.count_nonzero((codes >= lo) & (codes <= hi))) for lo, hi in HAN_RANGES)
    if not han:
        return "simplified", 0.0
    original = norm.original
    try:
        converted = _converter("s2t").convert(original)
    except UnicodeEncodeError:  # lone surrogates: OpenCC takes UTF-8; U+FFFD keeps the length
        original = _RE_SURROGATE.sub("\ufffd", original)
        codes = _code_points(original)
        converted = _converter("s2t").convert(original)
    if len(converted) == len(original):
        simplified = int(np.count_nonzero(codes != _code_points(converted)))
    else:  # a phrase changed length: compare character by character
        conv = _converter("s2t")
        simplified = sum(1 for ch in original if _RE_HAN.match(ch) and conv.convert(ch) != ch)
    share = traditional / han
    ratio = traditional / (traditional + simplified)
    if ratio < TRADITIONAL_BELOW:
        return "simplified", share
    if ratio > TRADITIONAL_ABOVE:
        return "traditional", share
    return "mixed", share


def _artefacts(norm: Normalized,
               counts: Mapping[ChangeKind, tuple[int, int]] | None = None) -> dict[str, int]:
    found = norm.change_counts() if counts is None else counts
    out = dict.fromkeys(CHANGE_KINDS, 0)
    for kind, (n, _) in found.items():
        out[kind] = n
    return out


def _first_line_title(text: str) -> str | None:
    """The first non-empty line when it is short and does not read as a sentence."""
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if len(line) <= TITLE_MAX_CHARS and line[-1] not in _SENTENCE_END + "，,：:":
            return line
        return None
    return None


# --- the result ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Analysis:
    """Everything :func:`analyze` found in one report.

    ``document`` is the input (path, format, encoding, hash …), ``normalized`` the text after
    :func:`~xuncha_nlp.normalize` (``text`` for short); ``stats``, ``phrases`` and ``problems``
    are the extractors' results with spans in the ORIGINAL text; ``script`` is
    simplified/traditional/mixed and ``script_share`` the share of Han characters converted
    from traditional; ``artefacts`` counts the normalisation changes by kind; ``title`` is the
    document's declared title, else its first short line, else None; ``dates`` the dates it
    names.
    """

    document: Document
    normalized: Normalized
    stats: tuple[Stat, ...]
    phrases: tuple[Phrase, ...]
    problems: tuple[Problem, ...]
    script: ScriptKind
    script_share: float
    artefacts: dict[str, int]
    title: str | None
    dates: tuple[DateMention, ...]

    @property
    def text(self) -> str:
        """The normalised text."""
        return self.normalized.text

    def category_counts(self) -> dict[str, int]:
        """Problem categories by number of problem statements, most frequent first."""
        counts = Counter(p.classification.category for p in self.problems
                         if p.classification.category is not None)
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def key_stats(self) -> dict[str, float | int | None]:
        """The largest value named for each metric found (the total rather than a breakdown
        or a repeat, which a sum would double count); ``None`` when only redacted."""
        best: dict[str, float | int | None] = {}
        for s in self.stats:
            current = best.get(s.metric)
            if s.value is not None and (current is None or s.value > current):
                best[s.metric] = s.value
            elif s.metric not in best:
                best[s.metric] = None
        return best

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict: the document's fields (without its raw text), the normalised
        text, script, artefacts, title, dates and every extracted item."""
        doc = self.document.to_dict()
        doc.pop("text")
        return {
            "document": doc,
            "title": self.title,
            "script": self.script,
            "script_share": round(self.script_share, 6),
            "artefacts": dict(self.artefacts),
            "text": self.text,
            "dates": [d.to_dict() for d in self.dates],
            "stats": [s.to_dict() for s in self.stats],
            "phrases": [p.to_dict() for p in self.phrases],
            "problems": [p.to_dict() for p in self.problems],
        }

    def summary(self) -> dict[str, Any]:
        """One flat dict of scalars (str, int, float, bool or None) for a table row: counts,
        the top phrases and main problem categories (joined by ``；``), the first and last
        dates, and ``stat_<metric>`` for every metric (see :meth:`key_stats`)."""
        from .stats import METRICS

        doc = self.document
        key = self.key_stats()
        cats = self.category_counts()
        dates = sorted(d.iso for d in self.dates)
        row: dict[str, Any] = {
            "path": doc.path, "format": doc.format, "encoding": doc.encoding,
            "title": self.title, "size": doc.size, "sha256": doc.sha256,
            "chars": len(self.text), "script": self.script,
            "script_share": round(self.script_share, 6),
            "artefacts": sum(self.artefacts.values()),
            **{f"artefacts_{k}": v for k, v in self.artefacts.items()},
            "n_stats": len(self.stats), "n_phrases": len(self.phrases),
            "n_problems": len(self.problems), "n_dates": len(self.dates),
            "first_date": dates[0] if dates else None,
            "last_date": dates[-1] if dates else None,
            "top_phrases": "；".join(p.text for p in self.phrases[:TOP_PHRASES]),
            "main_categories": "；".join(list(cats)[:MAIN_CATEGORIES]),
        }
        for metric in METRICS:
            row[f"stat_{metric}"] = key.get(metric)
        return row


def _wrong_input(value: object) -> NoReturn:
    hint = (" (decode it first, e.g. with xuncha_nlp.read_text)"
            if isinstance(value, (bytes, bytearray, memoryview)) else "")
    raise TypeError(f"analyze() takes str or Document, not {type(value).__name__}{hint}")


def analyze(text_or_document: str | Document, *, title: str | None = None) -> Analysis:
    """Analyse one report: normalise it once, then extract statistics, key phrases, problem
    statements (classified), script, artefacts, title and dates.

    ``text_or_document`` is a ``str`` or a :class:`~xuncha_nlp.io.Document` (from
    :func:`~xuncha_nlp.read_text`). ``title`` overrides the title; without it the document's
    declared title is used, else the first line when it is short and not a sentence.
    Raises ``TypeError`` for any other input.
    """
    if title is not None and not isinstance(title, str):
        raise TypeError(f"analyze(): title must be str or None, not {type(title).__name__}")
    if isinstance(text_or_document, Document):
        doc = text_or_document
    elif isinstance(text_or_document, str):
        doc = Document.from_text(text_or_document, title=title)
    else:
        _wrong_input(text_or_document)
    return _analyze_many([doc], title)[0]


def _analyze_many(docs: Sequence[Document], title: str | None = None) -> list[Analysis]:
    """:func:`analyze` of several documents, their problem statements classified together
    (for batches: the model's fixed cost per call is paid once)."""
    from .phrases import extract_phrases_normalized
    from .problems import _problems_of_many
    from .stats import extract_stats_normalized

    norms = [normalize(doc.text) for doc in docs]
    problems = _problems_of_many(norms)
    out: list[Analysis] = []
    for doc, norm, found in zip(docs, norms, problems, strict=True):
        # Counted once from the passes: building norm.changes costs more than the rest.
        counts = norm.change_counts()
        script, share = _script(norm, counts)
        out.append(Analysis(
            document=doc,
            normalized=norm,
            stats=tuple(extract_stats_normalized(norm)),
            phrases=tuple(extract_phrases_normalized(norm)),
            problems=tuple(found),
            script=script,
            script_share=share,
            artefacts=_artefacts(norm, counts),
            title=title or doc.title or _first_line_title(norm.text),
            dates=tuple(find_dates(norm)),
        ))
    return out
