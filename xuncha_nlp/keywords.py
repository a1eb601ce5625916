"""The keyword engine of :func:`xuncha_nlp.classify`: transparent, no training.

Cue words per category, with weights and context rules, are read from
``data/lexicons/category_cues.tsv`` (its header explains the format). A statement's score for
a category is the sum of the weights of the cues found, cues in the lead clause counting
double (a chained statement is classified by its lead clause); context rules carry the
taxonomy's boundary rules (津补贴 with 财经纪律 → finance, 整改 of an earlier 巡察 finding →
rectification, …).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from . import resources
from .errors import LexiconError
from .taxonomy import categories
from .triematch import TrieMatcher

__all__ = ["KeywordScores", "keyword_scores"]

LEAD_FACTOR = 2.0
GAP = "…"
_GAP_CHARS = 12
_CLAUSE_END = re.compile("[，,；;：:。！？!?]")


@dataclass(frozen=True)
class _Rule:
    cue: str
    category: str
    weight: float
    requires: tuple[str, ...]
    unless: tuple[str, ...]


@dataclass(frozen=True)
class _Lexicon:
    matcher: TrieMatcher
    plain: dict[str, tuple[tuple[str, float], ...]]
    gapped: tuple[tuple[re.Pattern[str], str, str, float], ...]
    rules: tuple[_Rule, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class KeywordScores:
    """Raw keyword scores of one statement: ``scores[label]`` and the cues behind each."""

    scores: dict[str, float]
    evidence: dict[str, tuple[str, ...]]


def _split(field: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in field.split("|") if v.strip())


@cache
def _lexicon() -> _Lexicon:
    labels = tuple(c.id for c in categories("L2"))
    known = set(labels)
    plain: dict[str, list[tuple[str, float]]] = {}
    gapped: list[tuple[re.Pattern[str], str, str, float]] = []
    rules: list[_Rule] = []
    for cue, cat, weight_text, requires, unless in resources.read_rows(
            "category_cues.tsv", (3, 5)):
        if cat not in known:
            raise LexiconError(
                f"category_cues.tsv: cue {cue!r} names unknown category {cat!r}; valid: "
                f"{', '.join(labels)}")
        try:
            weight = float(weight_text)
        except ValueError:
            weight = -1.0
        if not weight > 0:
            raise LexiconError(
                f"category_cues.tsv: cue {cue!r} has weight {weight_text!r}; use a positive "
                "number")
        if requires or unless:
            rules.append(_Rule(cue, cat, weight, _split(requires), _split(unless)))
        elif GAP in cue:
            head, _, tail = cue.partition(GAP)
            if not head or not tail:
                raise LexiconError(
                    f"category_cues.tsv: gapped cue {cue!r} needs words on both sides of …")
            pattern = re.compile(
                f"{re.escape(head)}[^，,；;：:。！？!?]{{0,{_GAP_CHARS}}}?{re.escape(tail)}")
            gapped.append((pattern, cue, cat, weight))
        else:
            plain.setdefault(cue, []).append((cat, weight))
    return _Lexicon(TrieMatcher(plain), {k: tuple(v) for k, v in plain.items()},
                    tuple(gapped), tuple(rules), labels)


def keyword_labels() -> tuple[str, ...]:
    """The categories the keyword engine can return (the shipped taxonomy's L2 ids)."""
    return _lexicon().labels


def keyword_scores(statement: str) -> KeywordScores:
    """Score an already prepared statement (see :mod:`xuncha_nlp.statement`)."""
    lex = _lexicon()
    ends = [m.end() for m in _CLAUSE_END.finditer(statement)]
    hits: list[tuple[int, str, str, float]] = []  # (position, cue, category, weight)
    for s, _e, cue in lex.matcher.findall(statement):
        for cat, w in lex.plain[cue]:
            hits.append((s, cue, cat, w))
    for pattern, cue, cat, w in lex.gapped:
        m = pattern.search(statement)
        if m:
            hits.append((m.start(), cue, cat, w))
    for rule in lex.rules:
        pos = statement.find(rule.cue)
        if pos < 0:
            continue
        if rule.requires and not any(r in statement for r in rule.requires):
            continue
        if any(u in statement for u in rule.unless):
            continue
        hits.append((pos, rule.cue, rule.category, rule.weight))
    scores: dict[str, float] = {}
    evidence: dict[str, dict[str, float]] = {}
    if hits:
        lead = bisect_right(ends, min(h[0] for h in hits))
        for pos, cue, cat, w in hits:
            gain = w * (LEAD_FACTOR if bisect_right(ends, pos) == lead else 1.0)
            scores[cat] = scores.get(cat, 0.0) + gain
            per = evidence.setdefault(cat, {})
            per[cue] = per.get(cue, 0.0) + gain
    return KeywordScores(
        scores,
        {cat: tuple(sorted(per, key=lambda c: (-per[c], c))) for cat, per in evidence.items()})


def rank(scores: dict[str, float], labels: Sequence[str]) -> list[tuple[str, float]]:
    """Labels by descending score, ties broken by taxonomy order, zero scores left out."""
    order = {label: i for i, label in enumerate(labels)}
    return sorted(((k, v) for k, v in scores.items() if v > 0),
                  key=lambda kv: (-kv[1], order.get(kv[0], len(order))))
