"""Finding counted numbers in normalised text and deciding what each one counts.

Pass 1 finds a numeral character followed by a counter; pass 2 reads the whole number in
place; numbers are grouped by sentence, tried against the rules of their counter and of the
metrics cued in that sentence, and list items or breakdowns inherit a neighbour's metric.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import pairwise

from ._stat_rules import MAGNITUDE_CHARS, ORDINAL, WINDOW, Engine, Gate, passes
from .numbers import Quantity, quantity_from_parts


# --- finding -----------------------------------------------------------------------------------
class Cand:
    """A counted number. Positions are in the (joined) normalised text; ``start`` includes an
    approximation word before the numeral. A plain slotted class: thousands are made per MB."""

    __slots__ = ("approximate", "counter", "dead", "end", "excluded", "match", "metric",
                 "num_start", "q_end", "q_start", "rule", "start", "window")

    def __init__(self, start: int, end: int, num_start: int, counter: str,
                 match: re.Match[str], approximate: bool) -> None:
        self.start, self.end, self.num_start, self.counter = start, end, num_start, counter
        self.match, self.approximate = match, approximate
        self.metric: str | None = None
        self.q_start = self.q_end = 0
        self.rule = ""
        self.dead: bool | None = None
        self.excluded: dict[str, bool] | None = None
        # (left, right, left's start, where left's clause starts, where right's clause ends)
        self.window: tuple[str, str, int, int, int] | None = None


_BACK_LIMIT = 40


def find_candidates(eng: Engine, text: str) -> list[Cand]:
    """Every counted number in the text, in order.

    Pass 1 scans for a numeral character followed by a counter (or 百分之, 首轮); pass 2 walks
    back over numeral characters to where the number starts and matches it there.
    """
    found: list[Cand] = []
    last_end = 0
    back = eng.back_chars
    before_last = eng.before_last
    match = eng.candidates.match
    for h in eng.hits.finditer(text):
        hs, he = h.span()
        if hs < last_end:
            continue
        m = None
        if hs == 0 or text[hs - 1] not in back:
            m = match(text, hs)  # the usual case: the number starts where the hit does
            if m is not None and m.end() < he:
                m = None
        if m is None:
            # 20至30人, 第十一、十二轮, 12.5万 after 第: walk back to where the number starts
            i = hs
            lo = max(last_end, hs - _BACK_LIMIT)
            while i > lo and text[i - 1] in back:
                i -= 1
            for s in range(i, hs + 1):
                m = match(text, s)
                if m is not None and m.end() >= he:
                    break
                m = None
        if m is None:
            continue
        start, end = m.span()
        first = text[start]
        if first == "第" or first == "首":  # 第N轮 / 首轮: the pass-2 alternatives begin so
            found.append(Cand(start, end, start, ORDINAL, m, False))
        elif first == "百" and m.group("pn") is not None:
            found.append(Cand(start, end, start, "%", m, m.group("ptail") is not None))
        else:
            after, tail, counter = m.group("after", "tail", "ctr")
            approximate = bool(after or tail)
            new_start = start
            if start and text[start - 1] in before_last:
                b = eng.before.search(text, max(0, start - 4), start)
                if b is not None:
                    approximate = True
                    new_start = b.start()
                else:
                    bm = eng.before_magnitude.search(text, max(0, start - 2), start)
                    if bm is not None and first in MAGNITUDE_CHARS:
                        approximate = True
                        new_start = bm.start()
            found.append(Cand(new_start, end, start, counter, m, approximate))
        last_end = end
    return found


def quantities(eng: Engine, c: Cand) -> list[Quantity]:
    """The number(s) a candidate states; several for a list of ordinals (第十一、十二轮)."""
    m = c.match
    if c.counter == ORDINAL:
        if m.group("first") is not None:
            return [Quantity(1, None, False, False, m.group("first"))]
        items = eng.ordinal_sep.split(m.group("olist"))
        quantities = [quantity_from_parts(x) for x in items]
        if m.group("o2"):
            quantities[-1] = quantity_from_parts(items[-1], m.group("o2"))
        return [q for q in quantities if q is not None]
    if m.group("pn") is not None:
        q = quantity_from_parts(m.group("pn"), m.group("pn2"), approximate=c.approximate)
    else:
        q = quantity_from_parts(m.group("n1"), m.group("n2"), mag=m.group("mag"),
                                approximate=c.approximate)
    return [] if q is None else [q]


# A positive rule unpacked for the hot loop: (left gate, right gate, left, right, reach,
# stays in its clause, metric, source).
FastRule = tuple[Gate, Gate, "re.Pattern[str] | None", "re.Pattern[str] | None", int, bool, str,
                 str]


@lru_cache(maxsize=1024)
def active_metrics(eng: Engine, cues: frozenset[str]) -> frozenset[str]:
    """The metrics opened by the cue words found in a sentence (memoised: cue sets repeat)."""
    return frozenset(metric for cue in cues for metric in eng.cue_metrics[cue])


@lru_cache(maxsize=4096)
def rules_for(eng: Engine, counter: str, active: frozenset[str]) -> tuple[FastRule, ...]:
    """The rules of a counter whose metric is cued, memoised: sentences repeat cue sets."""
    return tuple((r.left_gate, r.right_gate, r.left, r.right, r.reach, r.in_clause, r.metric,
                  r.source)
                 for r in eng.rules.get(counter, ()) if r.metric in active and r.metric)


class Sentence:
    """One sentence of the text and the candidates in it, with their context windows."""

    __slots__ = ("cands", "end", "eng", "start", "text")

    def __init__(self, eng: Engine, text: str, start: int, end: int, cands: list[Cand]):
        self.eng, self.text, self.start, self.end, self.cands = eng, text, start, end, cands

    def windows(self, c: Cand) -> tuple[str, str, int, int, int]:
        if c.window is None:
            lo = max(self.start, c.start - WINDOW)
            # 发现问题 215 个: text converted from PDF keeps a space around Arabic numbers.
            left = self.text[lo:c.start].rstrip(" ")
            right = self.text[c.end:min(self.end, c.end + WINDOW)]
            cut = max(left.rfind("，"), left.rfind("；")) + 1
            stop = right.find("，")
            semi = right.find("；", 0, stop if stop >= 0 else len(right))
            if semi >= 0:
                stop = semi
            c.window = (left, right, lo, cut, stop if stop >= 0 else len(right))
        return c.window

    def dead(self, c: Cand) -> bool:
        if c.dead is None:
            text, eng = self.text, self.eng
            c.dead = (text[c.num_start] in eng.formula_first
                      and eng.formula.match(text, c.num_start) is not None)
            blockers = eng.blockers.get(c.counter)
            if not c.dead and blockers is not None:
                left, right = self.windows(c)[:2]
                c.dead = blockers.fits(left, right)
        return c.dead

    def excluded(self, c: Cand, metric: str) -> bool:
        blockers = self.eng.metric_blockers.get((c.counter, metric))
        if blockers is None:
            return False
        if c.excluded is None:
            c.excluded = {}
        if metric not in c.excluded:
            left, right = self.windows(c)[:2]
            c.excluded[metric] = blockers.fits(left, right)
        return c.excluded[metric]

    def accepts(self, c: Cand, metric: str) -> bool:
        return (c.counter in self.eng.metric_counters[metric] and not self.dead(c)
                and not self.excluded(c, metric))

    def classify(self, c: Cand, rules: tuple[FastRule, ...]) -> None:
        """Give ``c`` the metric of the first of ``rules`` (those of its counter and of the
        metrics cued in this sentence) that fits its context."""
        if not rules:
            return
        full_left, full_right, lo, cut, stop = self.windows(c)
        clause_left, clause_right = full_left[cut:], full_right[:stop]
        for left_gate, right_gate, left_re, right_re, reach, in_clause, metric, source in rules:
            # a rule that cannot cross ，or ； is tested on the number's own clause only
            left, right, base = ((clause_left, clause_right, cut) if in_clause
                                 else (full_left, full_right, 0))
            if left_gate is not None and (left_gate not in left if isinstance(left_gate, str)
                                          else left_gate.search(left) is None):
                continue
            if right_gate is not None and (right_gate not in right if isinstance(right_gate, str)
                                           else right_gate.search(right) is None):
                continue
            lm = rm = None
            if left_re is not None:
                size = len(left)
                lm = left_re.search(left, size - reach if size > reach else 0)
                if lm is None:
                    continue
                # the latest start gives the tightest quote (修订完善制度58项, not from an
                # earlier verb of the sentence)
                nxt = left_re.search(left, lm.start() + 1)
                while nxt is not None:
                    lm, nxt = nxt, left_re.search(left, nxt.start() + 1)
            if right_re is not None:
                rm = right_re.match(right)
                if rm is None:
                    continue
            if self.dead(c):
                return
            if self.excluded(c, metric):
                continue
            c.metric, c.rule = metric, source
            c.q_start = lo + base + lm.start() if lm is not None else c.start
            c.q_end = c.end + rm.end() if rm is not None else c.end
            return

    def inherit(self) -> None:
        """List items and breakdowns without a wording of their own take a neighbour's metric."""
        eng, text, cands = self.eng, self.text, self.cands
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
                    m = (eng.back_link.fullmatch(text, link_start, c.start)
                         if p.metric is not None and link_start <= c.start else None)
                    if (m is not None and p.metric is not None
                            and not eng.inherit_stop.search(
                                "".join(m.group("pre", "desc", "part")[k] or "" for k in range(3)))
                            and self.accepts(c, p.metric)):
                        c.metric, c.rule = p.metric, f"{p.rule} (list item)"
                        c.q_start, c.q_end = p.q_start, c.end
                        changed = True
                        continue
                if i + 1 < len(cands):
                    nx = cands[i + 1]
                    m = (eng.forward_link.fullmatch(text, c.end, nx.start)
                         if nx.metric is not None else None)
                    if (m is not None and nx.metric is not None
                            and not eng.inherit_stop.search(m.group("desc"))
                            and self.accepts(c, nx.metric)):
                        c.metric, c.rule = nx.metric, f"{nx.rule} (list item)"
                        c.q_start, c.q_end = c.start, nx.q_end
                        changed = True

    def scopes(self) -> list[tuple[int, str]]:
        """(end, name) of every scope named in the sentence, by end.

        Scopes joined by 和/及/、 (第十一、十二轮巡察和1轮国有企业专项巡察) make one scope.
        """
        eng, text = self.eng, self.text
        found: list[tuple[int, int]] = []
        body = text[self.start:self.end]
        for scope in eng.scopes:
            if not passes(scope.gate, body):
                continue
            for m in scope.pattern.finditer(text, self.start, self.end):
                start = m.start()
                if scope.trim:
                    for t in eng.scope_trim.finditer(text, start, m.end() - 4):
                        start = max(start, t.end())
                found.append((start, m.end()))
        found.sort()
        merged: list[tuple[int, int]] = []
        for start, end in found:
            if merged and (start < merged[-1][1]
                           or _SCOPE_JOIN.fullmatch(text, merged[-1][1], start)):
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return [(end, text[start:end]) for start, end in merged]


_SCOPE_JOIN = re.compile(r"(?:和|及|以及|与|、)(?:\d+|[一二两三四五六七八九十]+)?轮?")
_SENTENCE_END = re.compile(r"[。！？!?\n]")
_LINE_CLOSERS = frozenset("。！？!?；;：:…”’」』）)】>》")
_WRAP_MIN_LINES = 5


def wrapped_lines(text: str) -> list[int]:
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
    for ln, nxt in pairwise(lines):
        pos += len(ln)
        if (ln.strip() and nxt.strip() and len(ln) >= 0.8 * width
                and ln.rstrip()[-1] not in _LINE_CLOSERS):
            breaks.append(pos)
        pos += 1
    return breaks


def sentences(eng: Engine, text: str, cands: list[Cand]) -> list[Sentence]:
    """Group the candidates by sentence (ended by 。！？ or a line break)."""
    ends = [m.start() for m in _SENTENCE_END.finditer(text)]
    groups: list[Sentence] = []
    for c in cands:
        k = bisect_right(ends, c.num_start)
        if groups and groups[-1].end == (ends[k] if k < len(ends) else len(text)):
            groups[-1].cands.append(c)
            continue
        start = ends[k - 1] + 1 if k else 0
        end = ends[k] if k < len(ends) else len(text)
        groups.append(Sentence(eng, text, start, end, [c]))
    return groups


