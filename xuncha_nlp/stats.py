"""Statistics with their meaning: how many problems were found, clues handed over, units
inspected, how much money was recovered.

``extract_stats(text)`` normalises the text (traditional script, pinyin artefacts, doubled
commas …), finds every number that carries a counter, and gives it a metric from the
vocabulary of ``data/lexicons/metrics.tsv`` by the wordings of ``data/lexicons/stat_rules.tsv``
— data an analyst extends, not regexes in code. Each :class:`Stat` keeps the span and the
exact quote in the ORIGINAL text.

How it stays fast: one regex that starts with a plain character class finds the counted
numbers of the whole text; a sentence holding some is looked at only for the metrics whose cue
words it contains (``'问题' in sentence``); each number is tried only against the rules of its
counter and of those metrics, on short left/right windows, most rules failing a literal check
(``'线索' in left``) before any regex runs. No rule ever scans the whole text. The lexicons
are compiled in :mod:`xuncha_nlp._stat_rules`, the matching lives in
:mod:`xuncha_nlp._stat_match`.

Decisions (see ``../shared/design/metrics.md``):

* ``Stat.sentence`` and ``Stat.scope`` are NORMALISED text (clean simplified Chinese), so the
  same report in traditional script with artefacts gives the same values; ``span`` and
  ``quote`` point into the original.
* One number gives at most one statistic. A list item (发现问题763个、526个) or a breakdown
  (其中…方面问题30个) with no wording of its own takes the metric of its neighbour, and its
  quote reaches back to that neighbour's keyword.
* ``scope`` is the last inspection named earlier in the same sentence (第二轮巡察,
  城投公司专项巡察, 前六轮巡察); ``rounds`` and ``round_no`` statistics have none.
* There is no extractor object: the wordings are the shipped lexicon files, read once per
  process and never changed at run time; extending them is a data change (see the header of
  ``stat_rules.tsv``).
"""

from __future__ import annotations

import sys
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from ._stat_match import (
    active_metrics,
    find_candidates,
    quantities,
    rules_for,
    sentences,
    wrapped_lines,
)
from ._stat_rules import METRICS, ORDINAL, Metric, engine, metric_labels
from .errors import XunchaError
from .normalize import Normalized, normalize, require_str

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "METRICS",
    "Metric",
    "Stat",
    "cli_stats",
    "extract_stats",
    "extract_stats_normalized",
    "metric_labels",
    "stats_frame",
]


# --- the result ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Stat:
    """One statistic found in a report.

    ``metric`` is one of :data:`METRICS`; ``value`` the number (``int`` when whole, the lower
    bound of a range, ``None`` when redacted as xx/××), ``value_max`` the upper bound of a range
    (20至30人, 第五至八轮) else ``None``; ``unit`` the counter, simplified (个, 件, 人, 轮, %;
    money always 元, with 万/亿 scaled into the value); ``approximate`` true for 余/多/近/约/
    超过/左右/以上 …; ``redacted`` true for blanked figures. ``span`` is (start, end) in the
    ORIGINAL text and ``quote == original[start:end]``, holding the number and its keyword.
    ``sentence`` is the normalised sentence it stands in, ``scope`` the inspection named before
    it in that sentence (第二轮巡察, 城投公司专项巡察) or ``None``, ``rule`` the lexicon line
    that decided the metric.
    """

    metric: str
    value: int | float | None
    value_max: int | float | None
    unit: str
    approximate: bool
    redacted: bool
    span: tuple[int, int]
    quote: str
    sentence: str
    scope: str | None = None
    rule: str = ""

    @property
    def label(self) -> str:
        """The metric's Chinese display label (发现问题, 问题线索 …)."""
        return metric_labels()[self.metric]

    def to_dict(self) -> dict[str, Any]:
        return {"metric": self.metric, "value": self.value, "value_max": self.value_max,
                "unit": self.unit, "approximate": self.approximate, "redacted": self.redacted,
                "span": list(self.span), "quote": self.quote, "sentence": self.sentence,
                "scope": self.scope, "rule": self.rule}


def labelled(stats: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Stat dicts (:meth:`Stat.to_dict`) each with its metric's ``label`` added, as the
    HTTP service and the pipe answer them."""
    labels = metric_labels()
    return [{**s, "label": labels.get(s["metric"])} for s in stats]


# --- extraction -----------------------------------------------------------------------------------
def extract_stats_normalized(norm: Normalized) -> list[Stat]:
    """:func:`extract_stats` on text already normalised with :func:`~xuncha_nlp.normalize`.

    For pipelines that normalise once and run several extractors over ``norm.text``; spans
    still point into ``norm.original``.
    """
    if not isinstance(norm, Normalized):
        raise TypeError(
            f"extract_stats_normalized() takes a Normalized (from xuncha_nlp.normalize), not "
            f"{type(norm).__name__}; for a str use extract_stats()"
        )
    eng = engine()
    text = norm.text
    # Lines wrapped mid-sentence (PDF text) are joined for matching; joined_at maps back.
    breaks = wrapped_lines(text)
    joined_at = [b - i for i, b in enumerate(breaks)]
    if breaks:
        text = "".join(text[a + 1:b] for a, b in
                       zip([-1, *breaks], [*breaks, len(text)], strict=True))
    cands = find_candidates(eng, text)
    if not cands:
        return []

    out: list[Stat] = []
    for sent in sentences(eng, text, cands):
        body = text[sent.start:sent.end]
        active = active_metrics(eng, frozenset(eng.cue_words.findall(body)))
        if not active:
            continue
        for c in sent.cands:
            sent.classify(c, rules_for(eng, c.counter, active))
        sent.inherit()
        hits = [c for c in sent.cands if c.metric is not None]
        if not hits:
            continue
        scopes = sent.scopes()
        sentence = body.strip()
        for c in hits:
            metric = c.metric
            if metric is None:
                continue
            scope = None
            if metric not in ("rounds", "round_no"):
                for end, name in scopes:
                    if end > c.num_start:
                        break
                    scope = name
            start, end = c.q_start, c.q_end
            if joined_at:
                start += bisect_right(joined_at, start)
                end += bisect_right(joined_at, end - 1)
            s, e = norm.original_span(start, end)
            unit = "轮" if c.counter == ORDINAL else eng.units[c.counter]
            for q in quantities(eng, c):
                out.append(Stat(
                    metric, q.value, q.value_max, unit, q.approximate, q.redacted,
                    (s, e), norm.original[s:e], sentence, scope, c.rule,
                ))
    return out  # sentences and their candidates come in text order


def extract_stats(text: str) -> list[Stat]:
    """Every statistic in a report, each with its metric, value and place in ``text``.

    ``text`` may be traditional or simplified, with pinyin annotations, doubled commas,
    full-width digits: it is normalised first, and spans and quotes point into ``text`` as
    given. Returns ``[]`` when there is none. See :class:`Stat` and ``METRICS``.

    >>> text = "第二轮巡察发现问题763个，移交问题线索26件。"
    >>> [(s.metric, s.value, s.unit) for s in extract_stats(text)]
    [('round_no', 2, '轮'), ('problems_found', 763, '个'), ('clues', 26, '件')]
    """
    require_str(text, "extract_stats()")
    return extract_stats_normalized(normalize(text))


# --- tables ------------------------------------------------------------------------------------
_COLUMNS = ("doc_id", "metric", "label", "value", "value_max", "unit", "approximate",
            "redacted", "scope", "quote", "start", "end", "sentence", "rule")


def _doc_stats(doc_id: object, item: object) -> list[tuple[object, Stat]]:
    if isinstance(item, str):
        return [(doc_id, s) for s in extract_stats(item)]
    if isinstance(item, Normalized):
        return [(doc_id, s) for s in extract_stats_normalized(item)]
    if isinstance(item, Iterable):
        stats = list(item)
        for s in stats:
            if not isinstance(s, Stat):
                raise TypeError(
                    f"stats_frame(): document {doc_id!r} must be a text or a list of Stat, got "
                    f"an item of type {type(s).__name__}"
                )
        return [(doc_id, s) for s in stats]
    raise TypeError(
        f"stats_frame(): document {doc_id!r} must be a text (str), a Normalized or a list of "
        f"Stat, not {type(item).__name__}"
    )


# A document is a text (str), a Normalized or a list of Stat; checked at run time, so that
# mixed mappings such as {"a": text, "b": stats} type-check in callers' code too.
StatsOrDocs = Iterable[Stat] | Mapping[Any, Any] | Iterable[tuple[Any, Any]]


def stats_frame(stats_or_docs: StatsOrDocs) -> pd.DataFrame:
    """A table with one row per statistic, for notebooks and exports.

    Accepts any of:

    * a list of :class:`Stat` (what :func:`extract_stats` returns) — ``doc_id`` is ``None``;
    * a mapping ``{doc_id: text_or_stats}`` — e.g. ``{path.name: path.read_text() …}``;
    * an iterable of ``(doc_id, text_or_stats)`` pairs — e.g.
      ``df[["id", "text"]].itertuples(index=False)``.

    A text (``str``) is run through :func:`extract_stats` (a ``Normalized`` through
    :func:`extract_stats_normalized`); a list of ``Stat`` is used as is. Columns, always the
    same and in this order: ``doc_id, metric, label, value, value_max, unit, approximate,
    redacted, scope, quote, start, end, sentence, rule``; ``value``/``value_max`` are nullable
    ``Float64`` (``<NA>`` when redacted or not a range), ``start``/``end`` the span in the
    original text. ``df.pivot_table(index="doc_id", columns="metric", values="value",
    aggfunc="sum")`` gives one row per document.
    """
    import pandas as pd

    given: object = stats_or_docs  # checked at run time: notebooks pass anything
    rows: list[tuple[object, Stat]] = []
    if isinstance(given, str):
        raise TypeError(
            "stats_frame() takes statistics or documents, not one str; use "
            "stats_frame(extract_stats(text)) or stats_frame({'doc': text})"
        )
    if isinstance(given, Mapping):
        for doc_id, item in given.items():
            rows.extend(_doc_stats(doc_id, item))
    elif isinstance(given, Iterable):
        for item in given:
            if isinstance(item, Stat):
                rows.append((None, item))
            elif isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 2:
                rows.extend(_doc_stats(item[0], item[1]))
            else:
                raise TypeError(
                    "stats_frame() takes Stat objects, a {doc_id: text_or_stats} mapping or "
                    f"(doc_id, text_or_stats) pairs; got an item of type {type(item).__name__}"
                )
    else:
        raise TypeError(
            "stats_frame() takes a list of Stat, a {doc_id: text_or_stats} mapping or "
            f"(doc_id, text_or_stats) pairs, not {type(given).__name__}"
        )
    labels = metric_labels()
    data: dict[str, list[Any]] = {c: [] for c in _COLUMNS}
    for doc_id, s in rows:
        data["doc_id"].append(doc_id)
        data["metric"].append(s.metric)
        data["label"].append(labels.get(s.metric, s.metric))
        data["value"].append(s.value)
        data["value_max"].append(s.value_max)
        data["unit"].append(s.unit)
        data["approximate"].append(s.approximate)
        data["redacted"].append(s.redacted)
        data["scope"].append(s.scope)
        data["quote"].append(s.quote)
        data["start"].append(s.span[0])
        data["end"].append(s.span[1])
        data["sentence"].append(s.sentence)
        data["rule"].append(s.rule)
    frame = pd.DataFrame(data, columns=list(_COLUMNS))
    return frame.astype({
        "value": "Float64", "value_max": "Float64", "approximate": "bool", "redacted": "bool",
        "start": "int64", "end": "int64",
    })


# --- command line -------------------------------------------------------------------------------
def _fmt(v: int | float | None) -> str:
    if v is None:
        return "xx"
    return f"{v:,}" if isinstance(v, int) else f"{v:g}"


def cli_stats(files: list[str], as_json: bool, out: TextIO, err: TextIO | None = None) -> int:
    """The ``xuncha stats FILE... [--json]`` command.

    Prints, per file, a ``==> FILE <== N statistics`` line and a table (metric, value, unit,
    flags ``~`` approximate / ``x`` redacted, scope, quote), or with ``as_json`` one JSON object
    per statistic (``{"file": …, **Stat.to_dict()}``). Files are read with
    :func:`~xuncha_nlp.io.read_text` (txt in any Chinese encoding, docx, pdf, html). A file that
    cannot be read is reported on ``err`` (default stderr) and the others still run. Returns
    the exit code: 0 when every file was read, 1 otherwise.
    """
    import json

    from .io import read_text

    err = err if err is not None else sys.stderr
    status = 0
    for path in files:
        try:
            stats = extract_stats(read_text(path).text)
        except XunchaError as exc:
            err.write(f"xuncha: {exc}\n")
            status = 1
            continue
        if as_json:
            for s in stats:
                out.write(json.dumps({"file": path, **s.to_dict()}, ensure_ascii=False) + "\n")
            continue
        out.write(f"==> {path} <== {len(stats)} statistics\n")
        if stats:
            out.write(f"{'metric':<20}{'value':>14} {'unit':<3}{'~x':<3}{'scope':<16}quote\n")
        for s in stats:
            value = _fmt(s.value) + (f"-{_fmt(s.value_max)}" if s.value_max is not None else "")
            flags = ("~" if s.approximate else "") + ("x" if s.redacted else "")
            quote = s.quote.replace("\n", " ")
            out.write(f"{s.metric:<20}{value:>14} {s.unit:<3}{flags:<3}"
                      f"{s.scope or '-':<16}{quote}\n")
    return status
