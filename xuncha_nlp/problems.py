"""Find the statements of a report that describe a problem, and classify each.

Feedback lists problems (巡察发现，该局党组落实…不到位；一是…；二是…); work summaries
mostly report achievements and plans that merely mention problems (督促整改不到位的单位,
防止走过场, 推动解决群众反映的问题, 发现问题763个). A statement is a problem when a deficiency
cue (不到位, 不力, 流于形式, 违规…, 存在…问题; ``problem_cues.tsv``) is said of its subject:

- a cue governed by a target verb (整治, 解决, 督促 …) as a noun phrase (…不到位的单位,
  …问题) or following a prevent verb (防止, 力戒 …) names work to do, not a finding;
- a span opened by 针对/围绕 … up to 问题 names the target of a measure;
- a statement that opens with a plan (要, 将进一步, 加强 …) is a measure, unless its clause
  ends in a deficiency (推动高质量发展办法不多);
- a statement reporting the problem fixed (已整改, 整改到位, 取得成效) is not one, unless a
  contrast (但, 仍) reopens it; a negated fix (未整改到位) is a finding;
- a count (发现问题763个, 查处违规问题12起) is a statistic, not a finding.

Inside a list opened by a findings heading (主要问题：, 巡察发现：) a weaker cue suffices.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from . import resources
from .classify import Classification, Classifier, Engine
from .errors import LexiconError
from .model import Model
from .normalize import Normalized, normalize, require_str
from .sentences import split_pieces
from .statement import _TRAILING, lead_in_length
from .triematch import TrieMatcher

_Found = tuple[int, int, tuple[str, ...], str]  # a statement's start, end, cues, marker

__all__ = ["Problem", "find_problems", "find_problems_normalized", "problem_cues"]

KINDS = ("pred", "noun", "ignore", "assert", "prevent", "target", "frame", "plan", "plan_start",
         "not_plan", "fixed", "negation", "contrast", "statistic", "lead_in", "connective",
         "lead_in_keep",
         "header", "plan_header")
GAP = "…"
_GAP_MAX = 15
_NOMINAL_AFTER = re.compile("的|问题|现象|行为|倾向|情况|等|方面|单位|干部|人员|事项")
_TITLE = re.compile("《[^《》\n]{0,60}》")
_COUNT = "[0-9零一二三四五六七八九十百千万两余多]+"
_COUNTER = "[个件条项起人次家]"
_FRAME_OPENER = re.compile("针对|围绕|聚焦|紧盯|着眼|解决")  # words that may open a frame
THRESHOLD = 2
LIST_THRESHOLD = 1


@dataclass(frozen=True)
class Problem:
    """A problem statement found in a text.

    ``text`` is exactly ``original[span[0]:span[1]]`` of the text given to
    :func:`find_problems`; ``statement`` the same statement normalised (what was classified);
    ``cues`` the deficiency cues that made it a finding; ``marker`` the list marker that
    introduced it (一是, (二) …) or ``""``.
    """

    text: str
    span: tuple[int, int]
    statement: str
    classification: Classification
    cues: tuple[str, ...]
    marker: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "span": list(self.span), "statement": self.statement,
                "classification": self.classification.to_dict(), "cues": list(self.cues),
                "marker": self.marker}


@dataclass(frozen=True)
class _Cues:
    findings: TrieMatcher                        # pred and noun cues
    weight: dict[str, float]
    nouns: frozenset[str]
    gapped: tuple[tuple[re.Pattern[str], str, float, str], ...]  # (…, head or tail)
    verbs: TrieMatcher                           # assert / prevent / target / frame
    verb_kind: dict[str, str]
    fixed: TrieMatcher
    negations: tuple[str, ...]
    plan_starts: tuple[str, ...]
    plan_start_chars: frozenset[str]             # the first character of each plan start
    not_plans: tuple[str, ...]
    contrasts: tuple[str, ...]
    frame: re.Pattern[str]
    statistic: re.Pattern[str]
    # Words without which no clause can yield a cue: the pred/noun cues that carry a weight
    # and the head of each gapped cue; or else a negation AND a fixed cue (未整改到位). Most
    # sentences of a report have neither, and are settled by a scan or two.
    possible: TrieMatcher
    negation_any: TrieMatcher
    plan_any: TrieMatcher
    # Any word that can put a cue into a clause: a plain cue (weighted or not), the word a
    # gapped cue needs, or a fixed cue. A clause with none of them scores nothing, fires
    # nothing and reports no fix, so only its opening (plan or not) is left to judge.
    clause_any: TrieMatcher
    gapped_any: TrieMatcher                  # the word each gapped cue needs
    plan_header_any: TrieMatcher
    header_any: TrieMatcher


@cache
def problem_cues() -> dict[str, tuple[str, ...]]:
    """The cue words of ``problem_cues.tsv`` by kind (for inspection and tests)."""
    out: dict[str, list[str]] = {k: [] for k in KINDS}
    for row in resources.read_rows("problem_cues.tsv", (2, 3)):
        cue, kind, weight = row
        if kind not in out:
            raise LexiconError(f"problem_cues.tsv: cue {cue!r} has unknown kind {kind!r}; "
                               f"known kinds: {', '.join(KINDS)}")
        if weight and kind not in ("pred", "noun"):
            raise LexiconError(f"problem_cues.tsv: only pred and noun cues take a weight "
                               f"({cue!r} is {kind})")
        out[kind].append(cue)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _cues() -> _Cues:
    by_kind = problem_cues()
    weight: dict[str, float] = {}
    gapped: list[tuple[re.Pattern[str], str, float, str]] = []
    plain: list[str] = []
    necessary: list[str] = []
    for cue, kind, w in resources.read_rows("problem_cues.tsv", (2, 3)):
        if kind == "ignore":
            weight[cue] = 0.0
            plain.append(cue)
            continue
        if kind not in ("pred", "noun"):
            continue
        try:
            value = float(w) if w else 2.0
        except ValueError:
            raise LexiconError(f"problem_cues.tsv: cue {cue!r} has weight {w!r}; use 1 or 2"
                               ) from None
        if GAP in cue:
            head, _, tail = cue.partition(GAP)
            pattern = re.compile(
                f"{re.escape(head)}([^，。；：,;:]{{1,{_GAP_MAX}}}?){re.escape(tail)}")
            gapped.append((pattern, cue, value, head or tail))
            necessary.append(head or tail)
        else:
            weight[cue] = value
            plain.append(cue)
            if value:
                necessary.append(cue)
    verb_kind: dict[str, str] = {}
    for kind in ("assert", "prevent", "target", "frame"):
        for cue in by_kind[kind]:
            verb_kind.setdefault(cue, kind)
    frames = "|".join(map(re.escape, by_kind["frame"])) or "(?!)"
    first, stat_verbs = _first_class(sorted(by_kind["statistic"], key=len, reverse=True))
    # (?:verb)A|(?:verb)B as [first characters of the verbs](?:(?:verb tail)A|(?:verb tail)B):
    # the same alternatives tried in the same order, but opening with one class, which re
    # skips to in C instead of trying both alternatives at every character.
    statistic = re.compile(
        f"{first}(?:(?:{stat_verbs})[^，。；：]{{0,12}}?问题(?:线索)?{_COUNT}{_COUNTER}"
        f"|(?:{stat_verbs})[^，。；：]{{0,6}}?{_COUNT}{_COUNTER}(?:方面)?[^，。；：]{{0,8}}?问题)")
    return _Cues(
        findings=TrieMatcher(plain), weight=weight, nouns=frozenset(by_kind["noun"]),
        gapped=tuple(gapped), verbs=TrieMatcher(verb_kind), verb_kind=verb_kind,
        fixed=TrieMatcher(by_kind["fixed"]),
        negations=tuple(sorted(by_kind["negation"], key=len, reverse=True)),
        plan_starts=tuple(sorted(by_kind["plan_start"], key=len, reverse=True)),
        plan_start_chars=frozenset(w[0] for w in by_kind["plan_start"] if w),
        not_plans=by_kind["not_plan"], contrasts=by_kind["contrast"],
        frame=re.compile(f"(?:{frames})[^。；！？\n]{{0,80}}?(?:问题|现象|短板|弱项|漏洞)"),
        statistic=statistic,
        possible=TrieMatcher(necessary), negation_any=TrieMatcher(by_kind["negation"]),
        plan_any=TrieMatcher(by_kind["plan"]),
        clause_any=TrieMatcher([*plain, *(g[3] for g in gapped), *by_kind["fixed"]]),
        gapped_any=TrieMatcher([g[3] for g in gapped]),
        plan_header_any=TrieMatcher(by_kind["plan_header"]),
        header_any=TrieMatcher(by_kind["header"]))


def _first_class(words: Sequence[str]) -> tuple[str, str]:
    """(class, alternation) such that ``class(?:alternation)`` matches what ``w1|w2|…``
    does, trying the words in the same order: the class takes the first character and each
    alternative checks it by a look-behind before matching the rest of its word."""
    if not words:
        return "(?!)", "(?!)"
    chars = "".join(sorted({re.escape(w[0]) for w in words}))
    tails = "|".join(f"(?<={re.escape(w[0])}){re.escape(w[1:])}" for w in words)
    return f"[{chars}]", tails


# --- judging one statement ----------------------------------------------------------------------
class _Verdict(NamedTuple):  # one per judged sentence: a tuple is cheapest
    score: float
    cues: tuple[str, ...]
    plan: bool


def _masked(spans: Sequence[tuple[int, int]], s: int, e: int) -> bool:
    return any(a <= s and e <= b for a, b in spans)


def _negated(text: str, pos: int, negations: Sequence[str]) -> str:
    """The negation word ending right before ``pos`` (at most one character between)."""
    for gap in (0, 1):
        end = pos - gap
        for neg in negations:
            if end - len(neg) >= 0 and text.startswith(neg, end - len(neg)):
                return neg
    return ""


def _judge(statement: str) -> _Verdict:
    cues = _cues()
    masks = [m.span() for m in _TITLE.finditer(statement)] if "《" in statement else []
    if _FRAME_OPENER.search(statement):
        masks.extend(m.span() for m in cues.frame.finditer(statement))
    if "问题" in statement:
        masks.extend(m.span() for m in cues.statistic.finditer(statement))
    # What no clause can hold when the whole statement lacks it (each clause is a slice).
    scope = _Scope(cues.plan_any.search(statement), cues.fixed.search(statement),
                   tuple(g for g in cues.gapped if g[3] in statement)
                   if cues.gapped_any.search(statement) else ())
    total = 0.0
    fired: list[str] = []
    fixed_at = -1
    reopened = False
    for k, (start, clause, marker) in enumerate(split_pieces(statement, clauses=True)):
        body = clause[len(marker):] if marker else clause
        score, found, plan, fixed = _judge_clause(body, start + len(marker), masks, cues,
                                                  scope)
        if k == 0 and plan:
            return _PLAN  # the later clauses cannot change that verdict
        if fixed:
            fixed_at, reopened = k, False
            total, fired = 0.0, []  # a fix cancels what came before
        elif fixed_at >= 0 and body.lstrip().startswith(cues.contrasts):
            reopened = True
        if fixed_at < 0 or reopened:
            total += score
            fired.extend(found)
    return _Verdict(total, tuple(dict.fromkeys(fired)), False)


class _Scope(NamedTuple):  # built once per judged statement: a tuple is cheapest
    """What a statement holds at all: plan words, fixed cues, and the gapped cues whose
    needed word occurs in it."""

    plan: bool
    fixed: bool
    gapped: tuple[tuple[re.Pattern[str], str, float, str], ...]


_PLAN = _Verdict(0.0, (), True)


def _judge_clause(text: str, base: int, masks: list[tuple[int, int]], cues: _Cues,
                  scope: _Scope) -> tuple[float, list[str], bool, bool]:
    """(score, cues, is a plan, reports a fix) of one clause: ``text`` is its body (after
    any list marker), starting at ``base`` in the statement; ``scope`` that of the
    statement."""
    plan_any, fixed_any, gapped = scope
    if plan_any and cues.plan_any.search(text):
        return 0.0, [], True, False
    stripped = text.lstrip()
    # str.startswith with a tuple tests every word in C, still dozens of tests: the first
    # character settles most clauses
    plan_word = (stripped[:1] in cues.plan_start_chars
                 and stripped.startswith(cues.plan_starts)
                 and not stripped.startswith(cues.not_plans))
    if not cues.clause_any.search(text):
        return 0.0, [], plan_word, False
    weight = cues.weight
    # Leftmost-longest matches come sorted by start and never overlap: the sort below is
    # needed only once a gapped or negated cue is added.
    found: list[tuple[int, int, str, float]] = []
    for m in cues.findings.finditer(text):
        cue = m.group()
        s, e = m.span()
        found.append((s, e, cue, weight[cue]))
    added = False
    for pattern, cue, w, needed in gapped:
        if needed not in text:
            continue
        for m in pattern.finditer(text):
            if not m.group(1).startswith("的"):  # 存在的问题 is "the problems", not a finding
                found.append((m.start(), m.end(), cue, w))
                added = True
    fixed = False
    if fixed_any:
        for s, e, cue in cues.fixed.findall(text):
            neg = _negated(text, s, cues.negations)
            if neg:
                found.append((s - len(neg), e, neg + cue, 2.0))
                added = True
            elif not (masks and _masked(masks, base + s, base + e)):
                fixed = True
    score = 0.0
    fired: list[str] = []
    if added:
        found.sort(key=lambda f: (f[0], f[0] - f[1]))
    verbs = cues.verbs.findall(text) if found else []
    reach = -1
    for s, e, cue, w in found:
        if e <= reach:
            continue  # inside a longer cue already counted (尚未 in 尚未整改到位)
        reach = e
        if w == 0 or (masks and _masked(masks, base + s, base + e)):
            continue
        governor = ""
        for vs, ve, verb in verbs:
            if ve <= s:
                governor = cues.verb_kind[verb]
            elif vs >= s:
                break
        if governor == "prevent":
            continue
        if governor in ("target", "frame") and (
                cue in cues.nouns or _NOMINAL_AFTER.search(text, e) is not None):
            continue
        score += w
        fired.append(cue)
    if plan_word:
        # a measure (加强…, 推动…) unless the clause ends in a deficiency
        ends_in_cue = any(e >= len(text.rstrip(_TRAILING)) for _, e, _, _ in found)
        if not ends_in_cue:
            return 0.0, [], True, fixed
    return score, fired, False, fixed


# --- documents ------------------------------------------------------------------------------------
def _heading_kind(body: str, cues: _Cues) -> str:
    """"problems" or "plans" for a heading line or lead-in that opens a list, else ""."""
    core = body.rstrip(_TRAILING)
    if len(core) > 40:
        return ""
    if cues.plan_header_any.search(core):
        return "plans"
    if cues.header_any.search(core):
        return "problems"
    return ""


def find_problems_normalized(norm: Normalized, *, engine: Engine | None = None,
                             model: Model | str | os.PathLike[str] | None = None
                             ) -> list[Problem]:
    """:func:`find_problems` on text already normalised with :func:`normalize` (spans refer
    to ``norm.original``)."""
    if not isinstance(norm, Normalized):
        raise TypeError(
            f"find_problems_normalized() takes a Normalized, not {type(norm).__name__}")
    return _problems_of_many([norm], engine=engine, model=model)[0]


def _problems_of_many(norms: Sequence[Normalized], *, engine: Engine | None = None,
                      model: Model | str | os.PathLike[str] | None = None
                      ) -> list[list[Problem]]:
    """:func:`find_problems_normalized` of several reports, their statements classified in
    one call (the model's fixed cost per call is then paid once, not once per report)."""
    classifier = Classifier(engine=engine, model=model)  # a bad engine or model fails here
    founds = [_detect(norm.text) for norm in norms]
    statements = [norm.text[s:e] for norm, found in zip(norms, founds, strict=True)
                  for s, e, _, _ in found]
    if not statements:
        return [[] for _ in norms]
    results = classifier._classify_clean(statements)
    out: list[list[Problem]] = []
    at = 0
    for norm, found in zip(norms, founds, strict=True):
        out.append(_problems(norm, found, results[at:at + len(found)]) if found else [])
        at += len(found)
    return out


def _problems(norm: Normalized, found: list[_Found], results: list[Classification]
              ) -> list[Problem]:
    problems: list[Problem] = []
    for (s, e, cues, marker), result in zip(found, results, strict=True):
        os_, oe = norm.original_span(s, e)
        problems.append(Problem(norm.original[os_:oe], (os_, oe), norm.text[s:e], result,
                                cues, marker))
    return problems


def find_problems(text: str, *, engine: Engine | None = None,
                  model: Model | str | os.PathLike[str] | None = None) -> list[Problem]:
    """The problem statements of a report, in order, each with its span in ``text`` and its
    classification (``engine``/``model`` as for :func:`~xuncha_nlp.classify`).

    Works on simplified or traditional text: the text is normalised first and spans are
    mapped back to the text as given.
    """
    require_str(text, "find_problems()")
    return find_problems_normalized(normalize(text), engine=engine, model=model)


_NO_CUE = _Verdict(0.0, (), False)


def _verdict(core: str, cues: _Cues) -> _Verdict:
    """:func:`_judge`, skipped for the many sentences holding no word that a cue needs.

    Without such a word no clause scores and no cue fires, so the verdict can only be
    "not a finding" (whether it reads as a plan then makes no difference to the caller).
    """
    if not cues.possible.search(core) and not (
            cues.negation_any.search(core) and cues.fixed.search(core)):
        return _NO_CUE
    return _judge(core)


def _line_start(text: str, pos: int) -> bool:
    """Whether only spaces stand between the previous line break and ``pos``."""
    if pos == 0:
        return True
    k = pos - 1
    while k >= 0 and text[k] in " \t\u3000":
        k -= 1
    return k >= 0 and text[k] == "\n"


def _detect(text: str) -> list[_Found]:
    """(start, end, cues, marker) of every problem statement in normalised ``text``."""
    cues = _cues()
    out: list[_Found] = []
    context = ""  # "problems" or "plans" while a list opened by a heading lasts
    carried = False  # a lead-in (巡视组指出，…) governs its sentence up to the full stop
    # Plain (start, text, marker) tuples: a report has dozens of sentences, a batch millions.
    for start, unit, marker in split_pieces(text, semicolons=True):
        body = unit[len(marker):] if marker else unit
        lead = lead_in_length(body)
        led = bool(lead) or carried
        carried = led and unit.rstrip().endswith(("；", ";"))
        rest = body[lead:] if lead else body
        core = rest.strip(_TRAILING)
        verdict = _verdict(core, cues) if core else _NO_CUE
        if (not core or verdict.score == 0) and (heading := _heading_kind(body, cues)):
            context = heading  # 主要问题： / 一、存在的主要问题 / 二、整改措施
            continue
        if not core:
            if lead:
                context = "problems"  # 巡察发现：
            continue
        if not marker and not lead and _line_start(text, start):
            context = ""  # a plain new paragraph ends the list
        if verdict.plan:
            continue
        needed = LIST_THRESHOLD if (context == "problems" or led) else THRESHOLD
        if verdict.score >= needed and verdict.cues:
            at = start + len(marker) + lead + (len(rest) - len(rest.lstrip(_TRAILING)))
            out.append((at, at + len(core), verdict.cues, marker))
    return out
