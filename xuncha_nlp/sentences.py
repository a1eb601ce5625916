"""Split Chinese report text into sentences, list items and clauses, keeping spans.

Reports rarely come as tidy sentences: feedback lists problems as 一是…；二是…, headings
carry (一) or 一、, quoted speech contains full stops, and brackets hold statistics. The
splitters here work on any ``str`` (usually ``normalize(text).text``) and return
:class:`Segment` objects whose ``start``/``end`` index that same string, so a caller can map
them back to the original with ``Normalized.original_span``.

Rules, in short:

- sentences end after 。！？ (with any closing quotes or brackets that follow) and at line
  breaks; with ``semicolons=True`` also after ；.
- a list marker (一是, 二是, (一), 1., 1、, ①, 第一，, 其一，, 首先，…) starts a new segment
  when it stands at the start of a line or after punctuation; its text is kept in
  ``Segment.marker``.
- nothing splits inside a quotation (“…” ‘…’ 「…」 『…』) or a bracket (（…）) unless the pair
  is implausibly long (a long quotation is a speech, whose sentences are split as usual).
- clauses additionally end after ，；： outside quotes and brackets; 、 joins list words and
  never splits.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from .normalize import require_str

__all__ = ["Segment", "split_clauses", "split_sentences", "strip_marker"]

# --- named fragments, compiled once ------------------------------------------------------
HAN_NUM = "一二三四五六七八九十"
CIRCLED = "\u2460-\u2473\u3251-\u325f"  # ①-⑳ ㉑-㉟
OPENERS = {"“": "”", "‘": "’", "「": "」", "『": "』", "（": "）", "(": ")", "【": "】",
           "〔": "〕"}
CLOSERS = {v: k for k, v in OPENERS.items()}
QUOTE_MAX = 200  # a longer "quotation" is a speech or a lost closing mark: split inside it
SPACE = " \t\u3000\u00a0"
# A list marker may follow these (or the start of a line): it then begins a new item.
MARKER_LEFT = "，,；;：:。！？!?、 \t\u3000\n”’」』）)"

_MARKER_FRAGMENTS = {
    # 一是 二是 … 十是 (also 其一是 is rare enough to ignore)
    "shi": f"[{HAN_NUM}]{{1,2}}是(?![的否为非])",
    # (一) （二） (1) （12）
    "paren": f"[（(](?:[{HAN_NUM}]{{1,3}}|[0-9]{{1,2}})[）)]",
    # 一、 二、 : only at the start of a line or after a full stop, semicolon or colon
    "dun": f"[{HAN_NUM}]{{1,3}}、",
    # 1. 1、 1） 1．: same restriction; never the 1.3 of 1.3万
    "arabic": "[0-9]{1,2}(?:[.．、]|[）)])(?![0-9])",
    "circled": f"[{CIRCLED}]",
    # 第一， 其一， 首先， 其次， 再次， 最后， 一方面， 另一方面，
    "ordinal": (f"(?:第[{HAN_NUM}]{{1,2}}|其[{HAN_NUM}]{{1,2}}|首先|其次|再次|最后|另一方面|一方面)"
                "(?=[，,：:])"),
}
_STRICT_LEFT = "。；;：:！？!?\n"  # where 一、 and 1. may start an item
_RE_MARKER = re.compile("|".join(f"(?P<{k}>{v})" for k, v in _MARKER_FRAGMENTS.items()))
_RE_MARKER_TAIL = re.compile(f"[，,：:{SPACE}]*")
_RE_PAIRS = re.compile("[“”‘’「」『』（）()【】〔〕\"\n]")


def _ends(marks: str) -> re.Pattern[str]:
    """A run of ``marks`` with any closing quotes or brackets after it, or a line break.

    Written to open with one character class, ``[marks\\n]`` (a line break then ends the
    match at once): re then skips to the candidates in C, where ``[marks]+…|\\n`` is tried
    in full at every character of a report.
    """
    return re.compile(f"[{marks}\n](?:(?<=\n)|[{marks}]*[”’」』）)\"]*)")


_RE_SENT_END = _ends("。！？!?")
_RE_SENT_END_SEMI = _ends("。！？!?；;")
_RE_CLAUSE_END = _ends("。！？!?；;，,：:")
_NEXT_QUOTE = "“‘「『\n"
_RE_MARKER_GATE = re.compile(f"[{HAN_NUM}0-9（(第其首最再另一{CIRCLED}]")
_BLANK = SPACE + "\n"  # trimmed from both ends of every segment
# The gate, narrowed to characters right after one of MARKER_LEFT or a space (or at the
# start): no other can open an item (_marker_starts looks past spaces), and 一 or a digit
# inside a word is common. (The lookbehind follows the gate character so that re still skips
# ahead to gate characters.)
_RE_MARKER_GATE_LEFT = re.compile(
    _RE_MARKER_GATE.pattern + f"(?<![^{re.escape(MARKER_LEFT + SPACE)}].)")


@dataclass(frozen=True)
class Segment:
    """A sentence, list item or clause: ``source[start:end] == text``.

    ``marker`` is the list marker that opens the segment (``"一是"``, ``"（二）"``,
    ``"3."``, ``"①"``, ``"第一，"`` …) or ``""``; ``body`` is the text after it.
    """

    start: int
    end: int
    text: str
    marker: str = ""

    @property
    def body(self) -> str:
        return self.text[len(self.marker):]

    @property
    def body_start(self) -> int:
        return self.start + len(self.marker)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "marker": self.marker}


def strip_marker(text: str) -> str:
    """The list marker at the very start of ``text`` (with the comma or space after it),
    or ``""``. ``text[len(strip_marker(text)):]`` is the item's body."""
    require_str(text, "strip_marker()")
    return _marker_at(text, 0, line_start=True)


def split_sentences(text: str, *, semicolons: bool = False) -> list[Segment]:
    """Sentences and list items of ``text``, in order, with spans into ``text``.

    Empty and whitespace-only pieces are dropped; each segment is trimmed of surrounding
    whitespace. ``semicolons=True`` also ends a segment after ；, which suits feedback
    that chains separate problems with semicolons.
    """
    require_str(text, "split_sentences()")
    ends = _RE_SENT_END_SEMI if semicolons else _RE_SENT_END
    return _split(text, 0, len(text), ends)


def split_clauses(text: str, start: int = 0, end: int | None = None) -> list[Segment]:
    """Clauses of ``text[start:end]``: pieces ended by ，；：。！？ or a line break outside
    quotes and brackets. Spans index ``text`` itself, so clauses of a sentence from
    :func:`split_sentences` are found with ``split_clauses(text, s.start, s.end)``."""
    require_str(text, "split_clauses()")
    stop = len(text) if end is None else end
    if not 0 <= start <= stop <= len(text):
        raise ValueError(f"span ({start}, {end}) is outside the text of length {len(text)}")
    return _split(text, start, stop, _RE_CLAUSE_END)


# --- internals ------------------------------------------------------------------------------
def _protected(text: str, start: int, end: int) -> tuple[list[int], list[int]]:
    """Top-level (start, end) of quotation and bracket pairs, as two sorted lists.

    Pairs are matched with a stack that forgives a missing closing mark: a closer pops
    back to its nearest matching opener. Pairs never cross a line break, and pairs longer
    than QUOTE_MAX are not protected.
    """
    starts: list[int] = []
    ends: list[int] = []
    stack: list[tuple[str, int]] = []
    straight_open = -1
    for m in _RE_PAIRS.finditer(text, start, end):
        c = m.group()
        i = m.start()
        if c == "\n":
            stack.clear()
            straight_open = -1
            continue
        if c == '"':
            if straight_open < 0:
                straight_open = i
            else:
                _add_pair(starts, ends, straight_open, i + 1)
                straight_open = -1
            continue
        if c in OPENERS:
            stack.append((c, i))
            continue
        opener = CLOSERS[c]
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == opener:
                pos = stack[depth][1]
                del stack[depth:]
                if not stack:
                    _add_pair(starts, ends, pos, i + 1)
                break
    return starts, ends


def _add_pair(starts: list[int], ends: list[int], s: int, e: int) -> None:
    if e - s > QUOTE_MAX:
        return
    while starts and starts[-1] >= s:  # an enclosing pair replaces the pairs inside it
        starts.pop()
        ends.pop()
    starts.append(s)
    ends.append(e)


def _inside(starts: list[int], ends: list[int], pos: int) -> bool:
    """Whether ``pos`` lies strictly inside a protected pair (after its opener, before its
    closer)."""
    k = bisect_right(starts, pos) - 1
    return k >= 0 and starts[k] < pos < ends[k] - 1


def _marker_at(text: str, pos: int, *, line_start: bool) -> str:
    m = _RE_MARKER.match(text, pos)
    if m is None:
        return ""
    kind = m.lastgroup
    if kind in ("dun", "arabic") and not line_start:
        return ""
    tail = _RE_MARKER_TAIL.match(text, m.end())
    end = tail.end() if tail else m.end()
    if end >= len(text) or text[end] == "\n":
        return ""  # a marker with nothing after it on its line opens no item
    return text[pos:end]


def _marker_starts(text: str, start: int, end: int,
                   starts: list[int], ends: list[int]) -> list[tuple[int, str]]:
    """(position, marker) of every list marker that opens an item within [start, end)."""
    found: list[tuple[int, str]] = []
    for m in _RE_MARKER_GATE_LEFT.finditer(text, start, end):
        pos = m.start()
        j = pos - 1
        while j >= 0 and text[j] in SPACE:
            j -= 1
        left = "\n" if j < 0 else text[j]
        line_start = left == "\n"
        if not (line_start or left in MARKER_LEFT) or (starts and _inside(starts, ends, pos)):
            continue
        marker = _marker_at(text, pos, line_start=line_start or left in _STRICT_LEFT)
        if marker and pos + len(marker) <= end:
            found.append((pos, marker))
    return found


def _cuts_outside(text: str, start: int, end: int, ends_re: re.Pattern[str],
                  p_starts: list[int], p_ends: list[int]) -> list[int]:
    """Where the sentence (or clause) ends of ``text[start:end]`` cut, skipping the ends
    inside a protected pair."""
    cuts: list[int] = []
    # The ends come in text order, so the last pair opened at or before each end (what
    # _inside looks up by bisection) is found by walking forward once.
    k, n = 0, len(p_starts)
    for m in ends_re.finditer(text, start, end):
        pos = m.start()
        while k < n and p_starts[k] <= pos:
            k += 1
        if k and p_starts[k - 1] < pos < p_ends[k - 1] - 1:
            g = m.group()
            if g != "\n":
                # “…。”“…。”: a quotation that is a sentence of its own still ends there
                after = m.end()
                if not (g[-1] in CLOSERS and (after >= end or text[after] in _NEXT_QUOTE)):
                    continue
        cuts.append(m.end())
    return cuts


# (start, text, marker) of a segment: a Segment's fields as a plain tuple.
Piece = tuple[int, str, str]


def split_pieces(text: str, *, clauses: bool = False, semicolons: bool = False) -> list[Piece]:
    """:func:`split_sentences` (or with ``clauses=True`` :func:`split_clauses`) of the whole
    of ``text`` as (start, text, marker) tuples, for loops that go through every sentence of
    many reports (problem detection): a tuple costs a fraction of a :class:`Segment`."""
    ends = _RE_CLAUSE_END if clauses else _RE_SENT_END_SEMI if semicolons else _RE_SENT_END
    return _pieces(text, 0, len(text), ends)


def _split(text: str, start: int, end: int, ends_re: re.Pattern[str]) -> list[Segment]:
    return [Segment(s, s + len(body), body, marker)
            for s, body, marker in _pieces(text, start, end, ends_re)]


def _pieces(text: str, start: int, end: int, ends_re: re.Pattern[str]) -> list[Piece]:
    p_starts, p_ends = _protected(text, start, end)
    if not p_starts:  # nothing protected (most clauses): every end cuts
        cuts = [m.end() for m in ends_re.finditer(text, start, end)]
    else:
        cuts = _cuts_outside(text, start, end, ends_re, p_starts, p_ends)
    marker_at: dict[int, str] = {}
    for pos, marker in _marker_starts(text, start, end, p_starts, p_ends):
        marker_at[pos] = marker
        cuts.append(pos)
    if marker_at:
        cuts.sort()
    cuts.append(end)
    out: list[Piece] = []
    prev = start
    for cut in cuts:
        if cut <= prev:
            continue
        piece = text[prev:cut]
        body = piece.strip(_BLANK)
        if body:
            s = prev + len(piece) - len(piece.lstrip(_BLANK)) if piece[0] in _BLANK else prev
            marker = marker_at.get(s, "") if marker_at else ""
            if len(marker) > len(body):
                # 第一， + space, split at its comma: the marker's tail lies past the clause
                marker = body
            out.append((s, body, marker))
        prev = cut
    return out
