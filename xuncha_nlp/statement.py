"""Preparing one problem statement for classification.

Both engines see the same text: normalised (simplified script, artefacts removed), without a
list marker (一是, (二), 3.) or a lead-in clause (巡察发现，/ 主要问题：) at its start, and
without trailing punctuation. The model additionally sees every number as ``0`` so that
years and counts do not become features.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from . import resources
from .normalize import normalize
from .sentences import strip_marker
from .triematch import TrieMatcher

__all__ = ["clean_text", "lead_in_length", "model_text", "statement_text"]

# Characters whose presence can never make normalize() change a text that is otherwise made
# only of them: Han characters, full-width punctuation that needs no repair, ASCII digits.
_SAFE = re.compile(
    "[\u4e00-\u9fff\u3400-\u4dbf0-9.%，。、；：？！“”‘’（）《》〈〉【】—…·「」『』〔〕-]*")
_CLASH = re.compile("[，。、；：？！]{2}")
_TRAILING = "，。、；：？！,.;:?! \t\n\u3000"
_RE_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


@cache
def _converter() -> object:
    import opencc

    return opencc.OpenCC("t2s.json")


@cache
def _risky_chars() -> frozenset[str]:
    """Characters that a later normalize() pass may rewrite even in clean simplified text:
    the ones the post-OpenCC fixes replace, and those that start a mojibake run."""
    chars: set[str] = set()
    for wrong, right in resources.read_rows("script_fixes.tsv", 2):
        chars.update(w for w, r in zip(wrong, right, strict=False) if w != r)
    for (run,) in resources.read_rows("garbage.tsv", 1):
        chars.update(run)
    return frozenset(chars)


def clean_text(text: str) -> str:
    """``normalize(text).text``, computed without the offset bookkeeping when the text has
    no artefact to repair (the common case when classifying in bulk).

    For such a text every pass of ``normalize`` but the script conversion is a no-op, and
    the conversion keeps the length, so the result is OpenCC's output itself; a property
    test checks this equivalence against ``normalize``.
    """
    if _SAFE.fullmatch(text) and not _CLASH.search(text):
        risky = _risky_chars()
        if risky.isdisjoint(text):
            converted: str = _converter().convert(text)  # type: ignore[attr-defined]
            if len(converted) == len(text) and risky.isdisjoint(converted):
                return converted
    return normalize(text).text


_LEAD_CLAUSE_MAX = 24  # characters of a lead-in clause before its lead-in word
_GAP_HEAD_MAX, _GAP_TAIL_MAX = 20, 10  # around the head of a gapped one (发现…问题：)


class _LeadIns(NamedTuple):
    pattern: re.Pattern[str]
    keep: tuple[str, ...]
    # A word every lead-in holds (a lead-in word, or the head of a gapped one) and how far
    # from its start a lead-in can end: most sentences hold no such word that near their
    # start, which one scan of a few dozen characters tells at a fraction of the full match.
    needed: TrieMatcher | None
    reach: int


@cache
def _lead_ins() -> _LeadIns:
    rows = resources.read_rows("problem_cues.tsv", (2, 3))
    tails = [cue for cue, kind, *_ in rows if kind == "lead_in" and "…" not in cue]
    gapped = [cue.split("…", 1) for cue, kind, *_ in rows if kind == "lead_in" and "…" in cue]
    connectives = [cue for cue, kind, *_ in rows if kind == "connective"]
    keep = tuple(cue for cue, kind, *_ in rows if kind == "lead_in_keep")
    clause = "[^，。；：！？,;:!?]"
    alternatives = []
    longest = 0
    if tails:
        words = "|".join(map(re.escape, sorted(tails, key=len, reverse=True)))
        # a short clause ending in a lead-in word, closed by a comma or colon
        alternatives.append(f"{clause}{{0,{_LEAD_CLAUSE_MAX}}}?(?:{words})[，：,:]")
        longest = _LEAD_CLAUSE_MAX + max(map(len, tails)) + 1
    for head, tail in gapped:
        # 巡视也发现一些问题： only with a colon, so a finding (发现…不到位问题，) is kept
        alternatives.append(
            f"{clause}{{0,{_GAP_HEAD_MAX}}}?{re.escape(head)}{clause}{{0,{_GAP_TAIL_MAX}}}?"
            f"{re.escape(tail)}[：:]")
        longest = max(longest, _GAP_HEAD_MAX + len(head) + _GAP_TAIL_MAX + len(tail) + 1)
    opener = ""
    if connectives:
        words = "|".join(map(re.escape, sorted(connectives, key=len, reverse=True)))
        opener = f"(?:(?:{words})[，,]?)?"
        longest += max(map(len, connectives)) + 1
    body = "|".join(alternatives) or "(?!)"
    needed_words = [*tails, *(head or tail for head, tail in gapped)]
    # A gapped cue with neither head nor tail (…) needs no word: no shortcut then.
    needed = TrieMatcher(needed_words) if needed_words and all(needed_words) else None
    return _LeadIns(re.compile(f"{opener}(?:{body})"), keep, needed, longest)


def lead_in_length(text: str, start: int = 0) -> int:
    """Length of a lead-in clause (巡察发现，/ 反馈指出，/ 存在的主要问题是：) at ``start``,
    or 0. A clause naming an earlier inspection or audit (上轮巡察…) is content, not a
    lead-in, and is kept."""
    lead = _lead_ins()
    if lead.needed is not None and not lead.needed.search(text, start, start + lead.reach):
        return 0
    m = lead.pattern.match(text, start)
    if m is None or any(k in m.group() for k in lead.keep):
        return 0
    return m.end() - start


def statement_text(clean: str) -> str:
    """The statement proper: ``clean`` without list marker, lead-in and trailing marks."""
    body = clean.strip()
    body = body[len(strip_marker(body)):]
    cut = lead_in_length(body)
    if cut and cut < len(body):
        body = body[cut:]
        body = body[len(strip_marker(body)):]
    return body.rstrip(_TRAILING)


def model_text(statement: str) -> str:
    """The text the model's features are taken from: numbers folded to ``0``."""
    return _RE_NUMBER.sub("0", statement)
