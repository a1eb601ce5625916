"""Statistics with their meaning: how many problems were found, clues handed over, units
inspected, how much money was recovered.

``extract_stats(text)`` normalises the text (traditional script, pinyin artefacts, doubled
commas …), finds every number that carries a counter, and gives it a metric from the
vocabulary of ``data/lexicons/metrics.tsv`` by the wordings of ``data/lexicons/stat_rules.tsv``
— data an analyst extends, not regexes in code. Each :class:`Stat` keeps the span and the
exact quote in the ORIGINAL text.

How it stays fast: the text is cut into sentences; a sentence is looked at only when it holds
a cue word of some metric (``'问题' in sentence``); one compiled regex finds its counted
numbers; each number is tried only against the rules of its counter and of the metrics cued in
that sentence, on short left/right windows. No rule ever scans the whole text.

Decisions (see ``../shared/design/metrics.md``):

* ``Stat.sentence`` and ``Stat.scope`` are NORMALISED text (clean simplified Chinese), so the
  same report in traditional script with artefacts gives the same values; ``span`` and
  ``quote`` point into the original.
* One number gives at most one statistic. A list item (发现问题763个、526个) or a breakdown
  (其中…方面问题30个) with no wording of its own takes the metric of its neighbour, and its
  quote reaches back to that neighbour's keyword.
* ``scope`` is the last inspection named earlier in the same sentence (第二轮巡察,
  城投公司专项巡察, 前六轮巡察); ``rounds`` and ``round_no`` statistics have none.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, TextIO, get_args

from . import resources
from .errors import LexiconError, XunchaError
from .normalize import Normalized, normalize, require_str
from .numbers import (
    NUMERAL,
    RANGE_SEPARATORS,
    Quantity,
    approximation_words,
    quantity_from_parts,
)

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

Metric = Literal[
    "problems_found", "problems_rectified", "rectification_rate", "clues", "coverage_rate",
    "units_inspected", "rounds", "round_no", "cases_filed", "persons_disciplined",
    "persons_accountable", "persons_judicial", "funds_recovered", "rules_revised",
    "persons_talked",
]
#: Every metric name, in the order of metrics.md. Names are stable API.
METRICS: tuple[str, ...] = get_args(Metric)

_RULES = "stat_rules.tsv"
_ORDINAL = "ordinal"
_ANY = "*"
_WINDOW = 80          # characters of context a rule may see on each side of a number
_CLAUSE = "，。；：！？,;:!?\n"
_MAGNITUDE_CHARS = "十百千万亿"


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


# --- the compiled lexicons ----------------------------------------------------------------------
@dataclass(frozen=True)
class _Rule:
    metric: str | None          # the metric given or blocked; None blocks every metric
    blocks: bool
    left: re.Pattern[str] | None
    right: re.Pattern[str] | None
    source: str                 # "stat_rules.tsv:57"
    example: str


@dataclass(frozen=True)
class _Scope:
    pattern: re.Pattern[str]
    trim: bool


@dataclass(frozen=True)
class _Engine:
    candidates: re.Pattern[str]
    ordinal_sep: re.Pattern[str]
    rules: dict[str, tuple[_Rule, ...]]         # counter -> positive rules, in file order
    blockers: dict[str, tuple[_Rule, ...]]      # counter -> blockers
    units: dict[str, str]                       # counter -> reported unit
    metric_counters: dict[str, frozenset[str]]
    cues: tuple[tuple[str, tuple[str, ...]], ...]
    formula: re.Pattern[str]
    scopes: tuple[_Scope, ...]
    scope_trim: re.Pattern[str]
    inherit_stop: re.Pattern[str]
    back_link: re.Pattern[str]
    forward_link: re.Pattern[str]
    all_rules: tuple[_Rule, ...] = field(default=())


def _words(classes: Mapping[str, tuple[str, ...]], name: str, where: str) -> str:
    try:
        words = classes[name]
    except KeyError:
        raise LexiconError(
            f"{where}: unknown word class <{name}>; stat_words.tsv defines "
            f"{', '.join(sorted(classes))}"
        ) from None
    return "(?:" + "|".join(map(re.escape, words)) + ")"


def _expander(classes: Mapping[str, tuple[str, ...]], counters: str) -> Any:
    """A function turning the rule shorthand (<NAME>, ~, ~~, …, <NUM>, <NC>, <ASPECT>) into regex."""
    w = approximation_words()
    after = "|".join(map(re.escape, w.after)) or "(?!)"
    counted = (f"(?:{NUMERAL})(?:{after})?[{_MAGNITUDE_CHARS}]*(?:{counters})")
    # A gap stays inside one clause and one list item (no 、), never steps over a counted
    # number, and takes a bracketed aside such as 县（市、区） as one piece.
    no_count = f"(?:[（(][^（）()]{{0,12}}[）)]|(?!{counted})[^{_CLAUSE}、（）()])"
    builtins = {
        "NUM": f"(?:{NUMERAL})",
        "NC": counted,
        "ASPECT": (f"(?:(?:{NUMERAL})(?:个|大)?(?:方面|大类|类|领域|板块)(?:的)?[、，,]?)"),
    }
    # Between a verb and its keyword a list of descriptors may stand (党的建设、作风建设方面).
    descriptor = f"(?:[（(][^（）()]{{0,12}}[）)]|(?!{counted})[^{_CLAUSE}（）()])"
    token = re.compile(r"<([A-Z_]+)>|~~|~|…|≈")

    def expand(pattern: str, where: str) -> str:
        def sub(m: re.Match[str]) -> str:
            text = m.group()
            if text == "~~":
                return no_count + "{0,16}?"
            if text == "~":
                return no_count + "{0,8}?"
            if text == "…":
                return "[^。；！？!?%\n]{0,30}?"
            if text == "≈":
                return descriptor + "{0,30}?"
            name = m.group(1)
            return builtins[name] if name in builtins else _words(classes, name, where)

        return token.sub(sub, pattern)

    return expand


def _compile(source: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(source)
    except re.error as exc:
        raise LexiconError(f"{where}: bad pattern ({exc}): {source!r}") from None


@cache
def _engine() -> _Engine:
    """Compile the shipped lexicons once per process."""
    classes: dict[str, tuple[str, ...]] = {}
    for name, words in resources.read_rows("stat_words.tsv", 2):
        if not re.fullmatch(r"[A-Z_]+", name) or name in classes:
            raise LexiconError(
                f"stat_words.tsv: class name {name!r} must be unique and upper-case letters/_"
            )
        split = [w for w in resources.split_variants(words)]
        classes[name] = tuple(sorted(set(split), key=lambda x: (-len(x), x)))

    units: dict[str, str] = {}
    for counter, reported in resources.read_rows("stat_counters.tsv", (1, 2)):
        units[counter] = reported or counter
    counter_alt = "|".join(map(re.escape, sorted(units, key=lambda c: (-len(c), c))))
    expand = _expander(classes, counter_alt)

    metric_counters: dict[str, frozenset[str]] = {}
    cues: list[tuple[str, tuple[str, ...]]] = []
    for metric, _label, counters, cue_words in resources.read_rows("metrics.tsv", 4):
        if metric not in METRICS:
            raise LexiconError(
                f"metrics.tsv: unknown metric {metric!r}; the vocabulary is {', '.join(METRICS)}"
            )
        allowed = frozenset(resources.split_variants(counters))
        unknown = allowed - set(units) - {_ORDINAL}
        if unknown:
            raise LexiconError(f"metrics.tsv: {metric}: unknown counters {sorted(unknown)}")
        metric_counters[metric] = allowed
        cues.append((metric, tuple(resources.split_variants(cue_words))))
    missing = set(METRICS) - set(metric_counters)
    if missing:
        raise LexiconError(f"metrics.tsv: no line for {', '.join(sorted(missing))}")

    rules: dict[str, list[_Rule]] = {}
    blockers: dict[str, list[_Rule]] = {}
    all_rules: list[_Rule] = []
    for lineno, (metric, counters, left, right, example) in _numbered_rows(_RULES, 5):
        where = f"{_RULES}:{lineno}"
        blocks = metric.startswith("!")
        target = metric[1:] if blocks else metric
        if target and target not in METRICS:
            raise LexiconError(
                f"{where}: unknown metric {metric!r}; use one of {', '.join(METRICS)}, "
                "'!' or '!metric'"
            )
        if not blocks and not target:
            raise LexiconError(f"{where}: empty metric")
        keys = (list(resources.split_variants(counters)) if counters != _ANY
                else [*units, _ORDINAL])
        for key in keys:
            if key not in units and key != _ORDINAL:
                raise LexiconError(f"{where}: unknown counter {key!r}")
        rule = _Rule(
            target or None, blocks,
            _compile(f"(?:{expand(left, where)})$", where) if left else None,
            _compile(expand(right, where), where) if right else None,
            where, example,
        )
        all_rules.append(rule)
        for key in keys:
            (blockers if blocks else rules).setdefault(key, []).append(rule)

    scopes: list[_Scope] = []
    for lineno, (pattern, trim, _example) in _numbered_rows("stat_scopes.tsv", 3):
        where = f"stat_scopes.tsv:{lineno}"
        if trim not in ("yes", "no"):
            raise LexiconError(f"{where}: trim must be yes or no, not {trim!r}")
        scopes.append(_Scope(_compile(expand(pattern, where), where), trim == "yes"))

    w = approximation_words()

    def alt(words: tuple[str, ...]) -> str:
        return "|".join(map(re.escape, words)) or "(?!)"

    ord_sep = "(?:、|和|及|与)"
    n = NUMERAL
    candidates = re.compile(
        f"(?P<ord>第(?P<olist>{n}(?:{ord_sep}第?{n})*)(?:轮)?"
        f"(?:{RANGE_SEPARATORS}第?(?P<o2>{n}))?(?:轮次|轮))"
        f"|(?P<first>首轮)"
        f"|百分之(?P<pn>{n})(?:{RANGE_SEPARATORS}(?:百分之)?(?P<pn2>{n}))?"
        f"(?P<ptail>{alt(w.tail)})?"
        f"|(?:(?P<before>{alt(w.before)})|(?P<bmag>{alt(w.before_magnitude)}))?"
        f"(?P<n1>{n})(?:{RANGE_SEPARATORS}(?P<n2>{n}))?(?P<after>{alt(w.after)})?"
        f"(?P<mag>[{_MAGNITUDE_CHARS}]*) ?(?P<ctr>{counter_alt})(?P<tail>{alt(w.tail)})?"
    )
    link_desc = f"[^{_CLAUSE}\\d]{{0,24}}"
    return _Engine(
        candidates=candidates,
        ordinal_sep=re.compile(f"{ord_sep}第?"),
        rules={k: tuple(v) for k, v in rules.items()},
        blockers={k: tuple(v) for k, v in blockers.items()},
        units=units,
        metric_counters=metric_counters,
        cues=tuple(cues),
        formula=re.compile(_words(classes, "FORMULA", "stat_words.tsv")),
        scopes=tuple(scopes),
        scope_trim=re.compile(_words(classes, "SCOPE_TRIM", "stat_words.tsv")),
        inherit_stop=re.compile(_words(classes, "INHERIT_STOP", "stat_words.tsv")),
        # 发现问题763个、526个 / ，其中…方面问题30个 / ，526个
        back_link=re.compile(
            f"(?:(?:、|和|及|以及|与|或)|[，；,]?(?:其中|包括|分别为|分别是)[：:，]?)"
            f"(?P<desc>{link_desc})|[，,]"
        ),
        # 对4家县属国有企业和11个县直部门同步开展巡察
        forward_link=re.compile(f"(?P<desc>{link_desc})(?:、|和|及|以及|与|或)"),
        all_rules=tuple(all_rules),
    )


def _numbered_rows(name: str, columns: int) -> list[tuple[int, tuple[str, ...]]]:
    """Rows of a lexicon with their line numbers, so errors and ``Stat.rule`` can cite them."""
    rows = resources.read_rows(name, columns)
    text = resources.lexicon_path(name).read_text(encoding="utf-8").splitlines()
    numbered: list[tuple[int, tuple[str, ...]]] = []
    it = iter(rows)
    for lineno, raw in enumerate(text, start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        numbered.append((lineno, next(it)))
    return numbered


@cache
def metric_labels() -> dict[str, str]:
    """Metric name → Chinese display label, from metrics.tsv."""
    return {row[0]: row[1] for row in resources.read_rows("metrics.tsv", 4)}


# --- finding -----------------------------------------------------------------------------------
@dataclass
class _Cand:
    start: int                  # in the sentence
    end: int
    num_start: int
    counter: str
    values: list[Quantity]
    metric: str | None = None
    q_start: int = 0
    q_end: int = 0
    rule: str = ""
    dead: bool | None = None
    excluded: dict[str, bool] = field(default_factory=dict)


def _candidates(eng: _Engine, sent: str) -> list[_Cand]:
    found: list[_Cand] = []
    for m in eng.candidates.finditer(sent):
        start, end = m.span()
        if m.group("ord") is not None:
            items = eng.ordinal_sep.split(m.group("olist"))
            quantities = [quantity_from_parts(x) for x in items]
            o2 = m.group("o2")
            if o2:
                quantities[-1] = quantity_from_parts(items[-1], o2)
            values = [q for q in quantities if q is not None]
            if len(values) == len(quantities):
                found.append(_Cand(start, end, start, _ORDINAL, values))
            continue
        if m.group("first") is not None:
            found.append(_Cand(start, end, start, _ORDINAL,
                               [Quantity(1, None, False, False, m.group("first"))]))
            continue
        if m.group("pn") is not None:
            q = quantity_from_parts(m.group("pn"), m.group("pn2"),
                                    approximate=m.group("ptail") is not None)
            if q is not None:
                found.append(_Cand(start, end, start, "%", [q]))
            continue
        n1 = m.group("n1")
        num_start = m.start("n1")
        approximate = bool(m.group("before") or m.group("after") or m.group("tail"))
        if m.group("bmag"):
            if n1[0] in _MAGNITUDE_CHARS:
                approximate = True
            else:
                start = num_start  # the 数 of 人数12人 is not an approximation
        q = quantity_from_parts(n1, m.group("n2"), mag=m.group("mag"), approximate=approximate)
        if q is not None:
            found.append(_Cand(start, end, num_start, m.group("ctr"), [q]))
    return found


def _dead(eng: _Engine, c: _Cand, left: str, right: str, sent: str) -> bool:
    if c.dead is None:
        c.dead = bool(eng.formula.match(sent, c.num_start))
        if not c.dead:
            for b in eng.blockers.get(c.counter, ()):
                if b.metric is None and _fits(b, left, right):
                    c.dead = True
                    break
    return c.dead


def _excluded(eng: _Engine, c: _Cand, metric: str, left: str, right: str) -> bool:
    if metric not in c.excluded:
        c.excluded[metric] = any(
            b.metric == metric and _fits(b, left, right) for b in eng.blockers.get(c.counter, ())
        )
    return c.excluded[metric]


def _fits(rule: _Rule, left: str, right: str) -> bool:
    return ((rule.left is None or rule.left.search(left) is not None)
            and (rule.right is None or rule.right.match(right) is not None))


def _windows(sent: str, c: _Cand) -> tuple[str, str, int]:
    lo = max(0, c.start - _WINDOW)
    # 发现问题 215 个: text converted from PDF keeps a space around Arabic numbers.
    return sent[lo:c.start].rstrip(" "), sent[c.end:c.end + _WINDOW], lo


def _classify(eng: _Engine, sent: str, c: _Cand, active: frozenset[str]) -> None:
    rules = eng.rules.get(c.counter)
    if not rules:
        return
    left, right, lo = _windows(sent, c)
    for rule in rules:
        metric = rule.metric
        if metric not in active or metric is None:
            continue
        lm = rm = None
        if rule.left is not None:
            lm = rule.left.search(left)
            if lm is None:
                continue
        if rule.right is not None:
            rm = rule.right.match(right)
            if rm is None:
                continue
        if _dead(eng, c, left, right, sent):
            return
        if _excluded(eng, c, metric, left, right):
            continue
        c.metric = metric
        c.rule = rule.source
        c.q_start = lo + lm.start() if lm is not None else c.start
        c.q_end = c.end + rm.end() if rm is not None else c.end
        return


def _accepts(eng: _Engine, c: _Cand, metric: str, sent: str) -> bool:
    if c.counter not in eng.metric_counters[metric]:
        return False
    left, right, _ = _windows(sent, c)
    return not _dead(eng, c, left, right, sent) and not _excluded(eng, c, metric, left, right)


def _inherit(eng: _Engine, sent: str, cands: list[_Cand]) -> None:
    """List items and breakdowns without a wording of their own take their neighbour's metric."""
    changed = True
    while changed:
        changed = False
        for i, c in enumerate(cands):
            if c.metric is not None:
                continue
            if i > 0:
                p = cands[i - 1]
                # from the end of the neighbour's quote: 对35个单位开展了巡察，其中市直部门12个
                link_start = max(p.end, p.q_end)
                m = (eng.back_link.fullmatch(sent, link_start, c.start)
                     if link_start <= c.start else None)
                if (p.metric is not None and m is not None
                        and not eng.inherit_stop.search(m.group("desc") or "")
                        and _accepts(eng, c, p.metric, sent)):
                    c.metric, c.rule = p.metric, f"{p.rule} (list item)"
                    c.q_start, c.q_end = p.q_start, c.end
                    changed = True
                    continue
            if i + 1 < len(cands):
                nx = cands[i + 1]
                m = eng.forward_link.fullmatch(sent, c.end, nx.start)
                if (nx.metric is not None and m is not None
                        and not eng.inherit_stop.search(m.group("desc"))
                        and _accepts(eng, c, nx.metric, sent)):
                    c.metric, c.rule = nx.metric, f"{nx.rule} (list item)"
                    c.q_start, c.q_end = c.start, nx.q_end
                    changed = True


_SCOPE_JOIN = re.compile(r"(?:和|及|以及|与|、)(?:\d+|[一二两三四五六七八九十]+)?轮?")


def _scopes(eng: _Engine, sent: str) -> list[tuple[int, str]]:
    """(end, name) of every scope named in the sentence, by end.

    Scopes joined by 和/及/、 (第十一、十二轮巡察和1轮国有企业专项巡察) make one scope.
    """
    found: list[tuple[int, int]] = []
    for scope in eng.scopes:
        for m in scope.pattern.finditer(sent):
            start = m.start()
            if scope.trim:
                for t in eng.scope_trim.finditer(sent, start, m.end() - 4):
                    start = max(start, t.end())
            found.append((start, m.end()))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and (start < merged[-1][1]
                       or _SCOPE_JOIN.fullmatch(sent, merged[-1][1], start)):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return [(end, sent[start:end]) for start, end in merged]


_SENTENCE = re.compile(r"[^。！？!?\n]+")
_LINE_CLOSERS = frozenset("。！？!?；;：:…”’」』）)】>》")
_WRAP_MIN_LINES = 5


def _wrapped_lines(text: str) -> list[int]:
    """Positions of the line breaks that merely wrap a sentence (text extracted from PDF).

    A web page keeps one paragraph per line and ends most lines with 。; a PDF export wraps
    at a fixed width, so most of its lines stop mid-sentence at nearly the same length. Only in
    such a text are breaks after a line of about that width treated as no break at all, so
    that 共发现问题 / 215个 split over two lines is still one statistic.
    """
    if text.count("\n") < _WRAP_MIN_LINES:
        return []
    lines = text.split("\n")
    body = [ln for ln in lines[:-1] if ln.strip()]
    open_lengths = sorted(len(ln) for ln in body if ln.rstrip()[-1] not in _LINE_CLOSERS)
    if len(open_lengths) < _WRAP_MIN_LINES or len(open_lengths) * 2 < len(body):
        return []
    width = open_lengths[len(open_lengths) // 2]
    breaks: list[int] = []
    pos = 0
    for ln, nxt in zip(lines, lines[1:]):
        pos += len(ln)
        if (ln.strip() and nxt.strip() and len(ln) >= 0.8 * width
                and ln.rstrip()[-1] not in _LINE_CLOSERS):
            breaks.append(pos)
        pos += 1
    return breaks


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
    eng = _engine()
    text = norm.text
    # Wrapped lines are joined for matching; ``shift`` maps joined positions back.
    breaks = _wrapped_lines(text)
    if breaks:
        text = "".join(text[a + 1 if i else 0:b] for i, (a, b) in
                       enumerate(zip([-1, *breaks], [*breaks, len(text)])))
        joined_at = [b - i for i, b in enumerate(breaks)]

        def shift(p: int) -> int:
            return p + bisect_right(joined_at, p)
    else:
        def shift(p: int) -> int:
            return p

    out: list[tuple[int, int, Stat]] = []
    for sm in _SENTENCE.finditer(text):
        sent = sm.group()
        active = frozenset(m for m, cues in eng.cues if any(cue in sent for cue in cues))
        if not active:
            continue
        cands = _candidates(eng, sent)
        if not cands:
            continue
        for c in cands:
            _classify(eng, sent, c, active)
        _inherit(eng, sent, cands)
        hits = [c for c in cands if c.metric is not None]
        if not hits:
            continue
        base = sm.start()
        scopes = _scopes(eng, sent)
        sentence = sent.strip()
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
            start = shift(base + c.q_start)
            end = shift(base + c.q_end - 1) + 1
            s, e = norm.original_span(start, end)
            unit = "轮" if c.counter == _ORDINAL else eng.units[c.counter]
            for k, q in enumerate(c.values):
                out.append((base + c.num_start, k, Stat(
                    metric, q.value, q.value_max, unit, q.approximate, q.redacted,
                    (s, e), norm.original[s:e], sentence, scope, c.rule,
                )))
    out.sort(key=lambda t: (t[0], t[1]))
    return [stat for _, _, stat in out]


def extract_stats(text: str) -> list[Stat]:
    """Every statistic in a report, each with its metric, value and place in ``text``.

    ``text`` may be traditional or simplified, with pinyin annotations, doubled commas,
    full-width digits: it is normalised first, and spans and quotes point into ``text`` as
    given. Returns ``[]`` when there is none. See :class:`Stat` and ``METRICS``.

    >>> [(s.metric, s.value, s.unit) for s in extract_stats("第二轮巡察发现问题763个，移交问题线索26件。")]
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


def stats_frame(stats_or_docs: object) -> pd.DataFrame:
    """A table with one row per statistic, for notebooks and exports.

    Accepts any of:

    * a list of :class:`Stat` (what :func:`extract_stats` returns) — ``doc_id`` is ``None``;
    * a mapping ``{doc_id: text_or_stats}`` — e.g. ``{path.name: path.read_text() …}``;
    * an iterable of ``(doc_id, text_or_stats)`` pairs — e.g. ``df[["id", "text"]].itertuples(index=False)``.

    A text (``str``) is run through :func:`extract_stats` (a ``Normalized`` through
    :func:`extract_stats_normalized`); a list of ``Stat`` is used as is. Columns, always the
    same and in this order: ``doc_id, metric, label, value, value_max, unit, approximate,
    redacted, scope, quote, start, end, sentence, rule``; ``value``/``value_max`` are nullable
    ``Float64`` (``<NA>`` when redacted or not a range), ``start``/``end`` the span in the
    original text. ``df.pivot_table(index="doc_id", columns="metric", values="value",
    aggfunc="sum")`` gives one row per document.
    """
    import pandas as pd

    rows: list[tuple[object, Stat]] = []
    if isinstance(stats_or_docs, str):
        raise TypeError(
            "stats_frame() takes statistics or documents, not one str; use "
            "stats_frame(extract_stats(text)) or stats_frame({'doc': text})"
        )
    if isinstance(stats_or_docs, Mapping):
        for doc_id, item in stats_or_docs.items():
            rows.extend(_doc_stats(doc_id, item))
    elif isinstance(stats_or_docs, Iterable):
        for item in stats_or_docs:
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
            f"(doc_id, text_or_stats) pairs, not {type(stats_or_docs).__name__}"
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

    Prints, per file, a table (file, metric, value, unit, flags, scope, quote) or with
    ``as_json`` one JSON object per statistic (``{"file": …, **Stat.to_dict()}``). A file that
    cannot be read or decoded is reported on ``err`` (default stderr) and the others still run.
    Returns the exit code: 0 when every file was read, 1 otherwise.
    """
    import json
    from pathlib import Path

    from .encoding import decode_bytes

    err = err if err is not None else sys.stderr
    status = 0
    for path in files:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            err.write(f"xuncha: {path}: cannot read ({exc.strerror or exc})\n")
            status = 1
            continue
        try:
            stats = extract_stats(decode_bytes(data, name=path).text)
        except XunchaError as exc:
            err.write(f"xuncha: {exc}\n")
            status = 1
            continue
        if as_json:
            for s in stats:
                out.write(json.dumps({"file": path, **s.to_dict()}, ensure_ascii=False) + "\n")
            continue
        out.write(f"==> {path} <== {len(stats)} statistics\n")
        for s in stats:
            value = _fmt(s.value) + (f"-{_fmt(s.value_max)}" if s.value_max is not None else "")
            flags = ("~" if s.approximate else "") + ("x" if s.redacted else "")
            quote = s.quote.replace("\n", " ")
            out.write(f"{s.metric:<20}{value:>14} {s.unit:<3}{flags:<3}"
                      f"{s.scope or '-':<16}{quote}\n")
    return status
