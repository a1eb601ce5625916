"""Turn messy published text into clean simplified Chinese, remembering where every
character came from.

``normalize`` runs a fixed sequence of small passes. Each pass either rewrites the text
without changing its length (width, script) or records a sorted list of edits (deletions
and replacements). Nothing per character is done in Python: the offset map is the list of
edits itself, walked back with ``bisect`` when a caller asks for an original span, and the
change list is only materialised when ``Normalized.changes`` is first read.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, get_args

from . import resources

if TYPE_CHECKING:
    import opencc

__all__ = ["SCRIPTS", "Change", "ChangeKind", "Normalized", "Script", "normalize"]

Script = Literal["t2s", "tw2s", "tw2sp", "hk2s"]
SCRIPTS: tuple[str, ...] = get_args(Script)
ChangeKind = Literal[
    "script", "pinyin", "punctuation", "width", "whitespace", "garbage", "furniture"
]

# --- character classes, built once from named fragments --------------------------------
# CJK ideographs: Extension A, the URO, compatibility ideographs, Extensions B–H.
HAN_RANGES: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
HAN = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in HAN_RANGES)
# Full-width punctuation proper (，。、；：？！（）【】《》「」 …): never wants a space beside it.
# (Not ．, which may be a decimal point that the width pass only converts between digits.)
FW_PUNCT = "\u3001-\u303f\uff01-\uff0d\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
# Counts as Chinese for deciding whether a space between two characters is an artefact.
CJK_LIKE = HAN + FW_PUNCT + "\u2018\u2019\u201c\u201d\u2014\u2026\u00b7"
HSPACE = " \t\u00a0\u3000"
# Rarer spaces are turned into a plain space by the first pass, so later passes can scan for
# the four above with a small, fast character class.
EXOTIC_SPACE = "\u1680\u2000-\u200a\u202f\u205f"
HSPACE_SET = frozenset(" \t\u00a0\u3000")
_HSPACE_CHARS = "".join(sorted(HSPACE_SET))
MARKS = ",，、;；:：。!！?？"
ASCII_MARKS = ",;:?!"
# Strongest first: the mark a reader expects when several clash (,。 → 。, 、, → 、).
MARK_RANK = {"？": 0, "！": 0, "。": 1, "；": 2, "：": 3, "、": 4, "，": 5}
TO_FULL = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！"})
GARBAGE_SYMBOLS = r"!#$%&*+,\-./:;<=>?@\\^_`|~"
TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PLAIN_VOWEL = str.maketrans(
    {**dict.fromkeys("āáǎà", "a"), **dict.fromkeys("ēéěè", "e"), **dict.fromkeys("īíǐì", "i"),
     **dict.fromkeys("ōóǒò", "o"), **dict.fromkeys("ūúǔù", "u"), **dict.fromkeys("ǖǘǚǜ", "ü"),
     **dict.fromkeys("ńňǹ", "n"), "ḿ": "m"}
)
SYLLABLE = (
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|iao|ian|uai|uan|üan|van|ang|eng|ing|ong|ai|ei|ui|ao|ou|iu|ie|üe"
    r"|ue|ve|er|an|en|in|un|ün|vn|ia|ua|uo|a|o|e|i|u|ü|v)|ng|n|m)[1-5]?"
)

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_CONTROLS = f"\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{ZERO_WIDTH}{EXOTIC_SPACE}"
# Runs are written X then X* rather than X+: re skips ahead at C speed only to a pattern
# whose first item is a plain character or class, and a repeat is neither.
_RE_CONTROL = re.compile(f"[\\ud800-\\udfff{_CONTROLS}][\\ud800-\\udfff{_CONTROLS}]*")
# Without the surrogate range the class scans twice as fast; surrogates are found by encoding.
_RE_CONTROL_BMP = re.compile(f"[{_CONTROLS}]")
_RE_EXOTIC_SPACE = re.compile(f"[{EXOTIC_SPACE}]")
_RE_GARBAGE_CONTROL = re.compile("[\\ud800-\\udfff\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]")
_RE_CR = re.compile("\r\n?")
_RE_FFFD = re.compile(f"[{GARBAGE_SYMBOLS}]{{0,4}}(?:\ufffd[{GARBAGE_SYMBOLS}]{{0,4}})+")
# The same runs found from their first U+FFFD (a literal, so re skips ahead at C speed) and
# then widened back over at most four symbols; _RE_FFFD itself tries every position.
_RE_FFFD_ON = re.compile(f"\ufffd[{GARBAGE_SYMBOLS}]{{0,4}}(?:\ufffd[{GARBAGE_SYMBOLS}]{{0,4}})*")
_GARBAGE_CHARS = frozenset(c for c in map(chr, range(0x21, 0x7F))
                           if re.fullmatch(f"[{GARBAGE_SYMBOLS}]", c))
# Only brackets holding lowercase Latin letters, tone marks, digits and separators can be
# pinyin; the narrow class keeps ordinary brackets (社区) out of the Python-level check.
_PINYIN_CHARS = f"a-zü{TONE_VOWELS}\u0300-\u030c1-5 '\\-"


def _bracket(opening: str, *, after_han: bool = False) -> re.Pattern[str]:
    """A bracket opened by ``opening`` (a character or a class) round pinyin-like text,
    capturing the text; with ``after_han``, only right after a Han character (the lookbehind
    comes after the bracket, so that the pattern still starts with it and scans fast)."""
    behind = f"(?<=[{HAN}]{opening})" if after_han else ""
    return re.compile(f"{opening}{behind}([{_PINYIN_CHARS}]{{1,30}})[)）]")


_RE_BRACKET = _bracket("[(（]")
# Literal-first versions of the same pattern: they scan at memchr speed where brackets are rare.
_RE_ASCII_BRACKET = _bracket("\\(")
_RE_FW_BRACKET = _bracket("（")
_RE_ASCII_BRACKET_AFTER_HAN = _bracket("\\(", after_han=True)
_RE_FW_BRACKET_AFTER_HAN = _bracket("（", after_han=True)
_RE_BRACKET_AFTER_HAN = _bracket("[(（]", after_han=True)
# A Han character or a symbol (neither space nor letter nor digit).
_RE_HAN_OR_SYMBOL = re.compile(f"[{HAN}]|[^\\s\\w]")
_LAST_CHAR = operator.itemgetter(slice(-1, None))
_RE_PINYIN = re.compile(f"{SYLLABLE}(?:[ '\\-]?{SYLLABLE}){{0,3}}")
_RE_HAN = re.compile(f"[{HAN}]")
_WIDE = "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff05\u3000\uff0e"
_RE_WIDTH = re.compile(f"[{_WIDE}]")
_WIDENED = "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff05\u3000"  # what _WIDTH maps
_RE_WIDEN = re.compile(f"[{_WIDENED}][{_WIDENED}]*")
# One scan of the input tells whether the control and width passes have anything to do
# (passes between them only delete characters or put in spaces and line breaks).
_RE_CONTROL_OR_WIDE = re.compile(f"[{_CONTROLS}{_WIDE}]")
_RE_FW_POINT = re.compile("(?<=[0-9\uff10-\uff19])\uff0e(?=[0-9\uff10-\uff19])")
_WIDTH = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)},
     **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
     **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
     "\uff05": "%", "\u3000": " "}
)
# A run: an ASCII mark alone, or two or more marks, spaces allowed between them. Written
# to start with one character class (not an alternation), because only then does re skip
# ahead at C speed to a mark, and with possessive repeats (spaces and marks never overlap,
# so nothing is lost) so that a lone full-width mark, the commonest case, fails fast.
_NEXT_MARK = f"(?:[{MARKS}]|[{HSPACE}]++[{MARKS}])"
_MORE_MARKS = f"(?:[{HSPACE}]*+[{MARKS}])*+"
_RE_MARKS = re.compile(f"[{MARKS}](?:{_NEXT_MARK}|(?<=[{ASCII_MARKS}])){_MORE_MARKS}")
_RE_FW_MARKS = re.compile(f"[{MARKS}]{_NEXT_MARK}{_MORE_MARKS}")
# For _punctuation_fast: the same runs with the spaces after them, so that one look at
# the runs tells whether a space touches one on the right.
_RE_MARKS_SPLIT = re.compile(f"({_RE_MARKS.pattern}[{HSPACE}]*+)")
_RE_FW_MARKS_SPLIT = re.compile(f"({_RE_FW_MARKS.pattern}[{HSPACE}]*+)")
_RE_HSPACE = re.compile(f"[{HSPACE}][{HSPACE}]*")
_RE_SPACES = re.compile("  *")
_RE_BLANK_LINES = re.compile(f"\n(?:[{HSPACE}]*\n)+")
_RE_CJK_LIKE = re.compile(f"[{CJK_LIKE}]")
_RE_FW_PUNCT = re.compile(f"[{FW_PUNCT}]")
_CLOSERS = f"{HAN}”’」』）)》〉"
_RE_CLOSERS = re.compile(f"[{_CLOSERS}]")
# Neither a closer nor full-width punctuation (where a run of marks collapses regardless).
_RE_NOT_CLOSER = re.compile(f"[^{_CLOSERS}{FW_PUNCT}]")
_RE_KEY_DROP = re.compile(f"[{HSPACE}\u200b][{HSPACE}\u200b]*")
_RE_EXACT_DROP = re.compile(
    f"[{HSPACE}【】\\[\\]（）()〔〕<>《》|｜/·•.,，、:：;；!！?？\"'“”‘’\\-—_]+"
)

FURNITURE_MAX_LINE = 80


# --- results ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One edit made by :func:`normalize`.

    ``span`` is the (start, end) of the edited text in the ORIGINAL string, ``before`` is
    ``original[start:end]`` and ``after`` what the pass put in its place.
    """

    kind: ChangeKind
    span: tuple[int, int]
    before: str
    after: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "span": list(self.span), "before": self.before,
                "after": self.after}


# The pass records below are built once or twice per call, so they are named tuples and
# slotted classes: a frozen dataclass costs more to build than some passes cost to run.
class _Edits(NamedTuple):
    """A pass that changed lengths: its edits, sorted and non-overlapping.

    ``ins``/``ine`` are edit bounds in the pass's input, ``outs``/``oute`` in its output.
    A replacement of equal length maps character for character; any other maps every output
    character to the whole input range it replaced.
    """

    kinds: list[ChangeKind]
    ins: list[int]
    ine: list[int]
    outs: list[int]
    oute: list[int]
    after: list[str]

    def back_char(self, i: int) -> tuple[int, int]:
        k = bisect_right(self.outs, i) - 1
        if k < 0:
            return i, i + 1
        os_, oe = self.outs[k], self.oute[k]
        if i < oe:
            is_, ie = self.ins[k], self.ine[k]
            if oe - os_ == ie - is_:
                j = is_ + i - os_
                return j, j + 1
            return is_, ie
        j = self.ine[k] + i - oe
        return j, j + 1

    def back_pos(self, p: int) -> int:
        k = bisect_right(self.outs, p) - 1
        if k < 0:
            return p
        os_, oe = self.outs[k], self.oute[k]
        if p < oe:
            is_, ie = self.ins[k], self.ine[k]
            return is_ + (p - os_ if oe - os_ == ie - is_ else 0)
        return self.ine[k] + p - oe


class _Rewrite(NamedTuple):
    """A pass that kept every length (width, script): before and after, diffed lazily."""

    kind: ChangeKind
    before: str
    after: str

    def back_char(self, i: int) -> tuple[int, int]:
        return i, i + 1

    def back_pos(self, p: int) -> int:
        return p


class _Lazy:
    """A pass whose text came from a fast C-level split and join. Its edits are worked out
    from that split (``resolve(*data)``) only when a span is mapped or ``changes`` is read:
    the same edits as the general pass, which property tests check."""

    __slots__ = ("_edits", "chars", "count", "data", "kind", "resolve")

    def __init__(self, resolve: Callable[..., list[_Edit]], data: tuple[Any, ...],
                 kind: ChangeKind, count: int, chars: int) -> None:
        self.resolve = resolve  # a module-level function, so that Normalized pickles
        self.data = data
        self.kind = kind
        self.count = count  # edits, known from the fast path without finding them
        self.chars = chars  # characters they removed
        self._edits: _Edits | None = None

    @property
    def edits(self) -> _Edits:
        if self._edits is None:
            self._edits = _record(self.resolve(*self.data))
        return self._edits

    def back_char(self, i: int) -> tuple[int, int]:
        return self.edits.back_char(i)

    def back_pos(self, p: int) -> int:
        return self.edits.back_pos(p)


_Pass = _Edits | _Rewrite | _Lazy
# What a fast path gives: the text, how many edits and removed characters, and the function
# and data that work out its edits when they are asked for.
_Fast = tuple[str, int, int, Callable[..., list["_Edit"]], tuple[Any, ...]]


@dataclass(frozen=True)
class Normalized:
    """The result of :func:`normalize`: clean text plus the way back to the original.

    ``original_span(start, end)`` maps any span of ``text`` to the span of ``original`` it
    came from; ``changes`` lists every edit, each with its kind and original span.
    """

    text: str
    original: str
    _passes: tuple[_Pass, ...] = field(default=(), repr=False, compare=False)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of ``original`` that ``text[start:end]`` came from.

        A non-empty span maps to the range from the origin of its first character to the end
        of the origin of its last one, so deleted artefacts inside are covered and deleted
        artefacts after it are not. An empty span maps to an empty span at the insertion point.
        """
        start, end = _check_span(start, end, len(self.text))
        moves = self._moves
        # Clean simplified text, or text only converted, maps to itself.
        return _back_span(moves, start, end) if moves else (start, end)

    @cached_property
    def _moves(self) -> tuple[_Pass, ...]:
        # What original_span walks back through: the passes that moved characters, lazy
        # ones resolved once (callers map hundreds of spans per report).
        return tuple(step.edits if isinstance(step, _Lazy) else step
                     for step in self._passes if not isinstance(step, _Rewrite))

    def original_text(self, start: int, end: int) -> str:
        """``original`` at :meth:`original_span` of the span."""
        s, e = self.original_span(start, end)
        return self.original[s:e]

    @cached_property
    def changes(self) -> tuple[Change, ...]:
        """Every edit, in pass order then position, with its original span."""
        out: list[Change] = []
        for n, step in enumerate(self._passes):
            earlier = self._passes[:n]
            for kind, s, e, after in _edits_of(step):
                os_, oe = _back_span(earlier, s, e)
                out.append(Change(kind, (os_, oe), self.original[os_:oe], after))
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "original": self.original,
                "changes": [c.to_dict() for c in self.changes]}

    def change_counts(self) -> dict[ChangeKind, tuple[int, int]]:
        """Per kind, (number of changes, characters they replaced): cheap counts for
        summaries, without building Change objects or mapping spans back.

        Characters are counted in each pass's own input, which equals the original span
        except where an edit covers characters an earlier pass already removed.
        """
        counts: dict[ChangeKind, tuple[int, int]] = {}
        for step in self._passes:
            if isinstance(step, _Lazy):  # counted by the fast path; finding edits is slower
                n, chars = counts.get(step.kind, (0, 0))
                counts[step.kind] = (n + step.count, chars + step.chars)
                continue
            if isinstance(step, _Edits) and step.kinds.count(step.kinds[0]) == len(step.kinds):
                kind = step.kinds[0]  # a pass of one kind (most): counted in C
                n, chars = counts.get(kind, (0, 0))
                counts[kind] = (n + len(step.kinds), chars + sum(step.ine) - sum(step.ins))
                continue
            for kind, s, e, _ in _edits_of(step):
                n, chars = counts.get(kind, (0, 0))
                counts[kind] = (n + 1, chars + e - s)
        return counts


def require_str(value: object, func: str) -> None:
    """Raise ``TypeError`` naming ``func`` and the type unless ``value`` is a ``str``."""
    if isinstance(value, str):
        return
    hint = (" (decode it first, e.g. with xuncha_nlp.read_text)"
            if isinstance(value, (bytes, bytearray, memoryview)) else "")
    raise TypeError(f"{func} takes str, not {type(value).__name__}{hint}")


def _check_span(start: int, end: int, length: int) -> tuple[int, int]:
    try:
        start, end = operator.index(start), operator.index(end)
    except TypeError:
        raise TypeError(
            f"original_span takes integer offsets, got {type(start).__name__} and "
            f"{type(end).__name__}"
        ) from None
    if not 0 <= start <= end <= length:
        raise ValueError(
            f"span ({start}, {end}) is outside the normalised text: need 0 <= start <= end <= "
            f"{length}"
        )
    return start, end


def _back_span(passes: tuple[_Pass, ...], s: int, e: int) -> tuple[int, int]:
    """Map the span [s, e) of the last pass's output back through ``passes``."""
    if s == e:
        for step in reversed(passes):
            s = step.back_pos(s)
        return s, s
    lo, hi = s, e - 1
    for step in reversed(passes):
        lo = step.back_char(lo)[0]
        hi = step.back_char(hi)[1] - 1
    return lo, hi + 1


def _edits_of(step: _Pass) -> Iterator[tuple[ChangeKind, int, int, str]]:
    """(kind, start, end, after) of each edit, in the pass's input coordinates."""
    if isinstance(step, _Lazy):
        step = step.edits
    if isinstance(step, _Edits):
        yield from zip(step.kinds, step.ins, step.ine, step.after, strict=True)
        return
    for s, e in _diff_runs(step.before, step.after):
        yield step.kind, s, e, step.after[s:e]


# --- the passes ---------------------------------------------------------------------------
_Edit = tuple[int, int, str, ChangeKind]


def _record(edits: list[_Edit]) -> _Edits:
    """The pass record of sorted, non-overlapping, non-empty ``edits``."""
    starts, ends, after, kinds = map(list, zip(*edits, strict=True))
    # Output position of each edit: its input start shifted by what earlier ones changed.
    shifts = accumulate((len(a) - e + s for s, e, a in zip(starts, ends, after, strict=True)),
                        initial=0)
    outs = [s + d for s, d in zip(starts, shifts, strict=False)]
    oute = [o + len(a) for o, a in zip(outs, after, strict=True)]
    return _Edits(kinds, starts, ends, outs, oute, after)


def _apply(text: str, edits: list[_Edit]) -> tuple[str, _Edits | None]:
    """Apply sorted, non-overlapping edits; return the new text and the pass record."""
    if not edits:
        return text, None
    pieces: list[str] = []
    pos = 0
    for s, e, a, _ in edits:
        pieces += (text[pos:s], a)
        pos = e
    pieces.append(text[pos:])
    return "".join(pieces), _record(edits)


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-16-le")  # four times faster than UTF-8 at finding them
    except UnicodeEncodeError:
        return True
    return False


def _controls(text: str, *, bmp: bool) -> list[_Edit]:
    """``bmp``: whether the text holds a BMP control character (_odd_chars knows)."""
    edits: list[_Edit] = []
    if bmp or _has_surrogates(text):
        for m in _RE_CONTROL.finditer(text):
            run = m.group()
            # Odd spaces become one plain space; invisible characters and controls go.
            repl = " " if _RE_EXOTIC_SPACE.search(run) else ""
            kind: ChangeKind = "garbage" if _RE_GARBAGE_CONTROL.search(run) else "whitespace"
            edits.append((m.start(), m.end(), repl, kind))
    if "\r" in text:
        edits.extend((m.start(), m.end(), "\n", "whitespace") for m in _RE_CR.finditer(text))
        edits.sort()
    return edits


@cache
def _furniture_cues() -> tuple[re.Pattern[str] | None, tuple[str, ...], frozenset[str]]:
    contains, prefix, exact = [], [], []
    for cue, mode in resources.read_rows("furniture.tsv", 2):
        key = _RE_KEY_DROP.sub("", _width(cue))  # as _is_furniture widens a line
        if mode == "contains":
            contains.append(key)
        elif mode == "prefix":
            prefix.append(key)
        elif mode == "exact":
            exact.append(_RE_EXACT_DROP.sub("", key))
        else:
            from .errors import LexiconError

            raise LexiconError(
                f"furniture.tsv: unknown mode {mode!r} for cue {cue!r}; use contains, prefix "
                "or exact"
            )
    # One alternation scans a line once, at C speed, for every "contains" cue.
    longest_first = sorted(contains, key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, longest_first))) if contains else None
    return pattern, tuple(prefix), frozenset(exact)


def _is_furniture(stripped: str) -> bool:
    """Whether a line, stripped of whitespace and its line break, matches a cue."""
    key = _RE_KEY_DROP.sub("", _converter("t2s").convert(_width(stripped)))
    contains, prefix, exact = _furniture_cues()
    if contains is not None and contains.search(key):
        return True
    if key.lstrip("【[（(〔").startswith(prefix):
        return True
    return _RE_EXACT_DROP.sub("", key) in exact


def _line_bounds(text: str, *, from_end: bool) -> Iterator[tuple[int, int]]:
    """(start, end-including-newline) of each line, from one end of the text."""
    if from_end:
        end = len(text)
        while end > 0:
            nl = text.rfind("\n", 0, end - 1 if text[end - 1] == "\n" else end)
            yield nl + 1, end
            end = nl + 1
    else:
        start = 0
        while start < len(text):
            nl = text.find("\n", start)
            end = len(text) if nl < 0 else nl + 1
            yield start, end
            start = end


_SENTENCE_ENDS = ("。", "！", "？", "；", ".")


def _furniture_block(text: str, *, from_end: bool) -> tuple[list[tuple[int, int]], int]:
    """Furniture lines in the head (or tail) block, and where the body begins (ends).

    Furniture is sought only in the short lines before the first and after the last line
    of the report itself (long, or closed like a sentence), so titles, datelines and
    signatures among them are kept."""
    found: list[tuple[int, int]] = []
    for s, e in _line_bounds(text, from_end=from_end):
        stripped = text[s:e].strip()
        if not stripped:
            continue
        if len(stripped) > FURNITURE_MAX_LINE or stripped.endswith(_SENTENCE_ENDS):
            return found, (e if from_end else s)
        if _is_furniture(stripped):
            found.append((s, e))
    return found, (0 if from_end else len(text))


def _furniture(text: str) -> list[_Edit]:
    head, body_start = _furniture_block(text, from_end=False)
    tail, body_end = _furniture_block(text, from_end=True)
    if body_start >= len(text):
        # No body line at all: a short note or a list. Strip furniture only if some
        # non-furniture line survives, never the whole text.
        spans = head
        kept = sum(1 for s, e in _line_bounds(text, from_end=False)
                   if text[s:e].strip() and (s, e) not in set(spans))
        return [(s, e, "", "furniture") for s, e in spans] if kept else []
    spans = [sp for sp in head if sp[1] <= body_start] + sorted(
        sp for sp in tail if sp[0] >= body_end)
    return [(s, e, "", "furniture") for s, e in spans]


@cache
def _mojibake() -> tuple[re.Pattern[str], frozenset[str]] | None:
    """The pattern of known mojibake runs, and their first characters (a cheap gate)."""
    runs = [row[0] for row in resources.read_rows("garbage.tsv", 1)]
    if not runs:
        return None
    return re.compile("|".join(map(re.escape, runs))), frozenset(run[0] for run in runs)


def _fffd_runs(text: str) -> list[_Edit]:
    """The spans _RE_FFFD.finditer would give, found much faster."""
    edits: list[_Edit] = []
    last = 0
    for m in _RE_FFFD_ON.finditer(text):
        s = m.start()
        stop = max(last, s - 4)
        while s > stop and text[s - 1] in _GARBAGE_CHARS:
            s -= 1
        edits.append((s, m.end(), "", "garbage"))
        last = m.end()
    return edits


def _garbage(text: str) -> list[_Edit]:
    edits: list[_Edit] = []
    if "\ufffd" in text:
        edits.extend(_fffd_runs(text))
    moji = _mojibake()
    if moji is not None and any(c in text for c in moji[1]):
        edits.extend((m.start(), m.end(), "", "garbage") for m in moji[0].finditer(text))
        edits.sort()
        merged: list[_Edit] = []
        for ed in edits:
            if merged and ed[0] < merged[-1][1]:
                last = merged[-1]
                merged[-1] = (last[0], max(last[1], ed[1]), "", "garbage")
            else:
                merged.append(ed)
        edits = merged
    return edits


@lru_cache(maxsize=4096)
def _pinyin_kind(inner: str) -> int:
    """2 for a tone-marked pinyin annotation, 1 for a toneless single syllable, else 0."""
    word = unicodedata.normalize("NFC", inner)
    if word != word.lower():
        return 0
    toned = any(c in TONE_VOWELS for c in word) or any(c.isdigit() for c in word)
    plain = word.translate(PLAIN_VOWEL)
    if not _RE_PINYIN.fullmatch(plain):
        return 0
    if toned:
        return 2
    return 1 if " " not in plain and "'" not in plain and len(plain) >= 2 else 0


def _pinyin(text: str) -> list[_Edit]:
    if not _has_pinyin_bracket(text):
        return []
    # split() with one group gives [text, inner, text, inner, …] at C speed; positions follow
    # from the lengths (each match is one bracket, the inner text, one bracket).
    parts = _RE_BRACKET.split(text)
    kinds = list(map(_pinyin_kind, parts[1::2]))
    if not any(kinds):
        return []
    lengths = [len(p) + 2 if i % 2 else len(p) for i, p in enumerate(parts)]
    bounds = list(accumulate(lengths, initial=0))
    candidates: list[tuple[int, int, int, str]] = []
    for k, kind in enumerate(kinds):
        if not kind:
            continue
        s = bounds[2 * k + 1]
        before = parts[2 * k][-1:] or (text[s - 1] if s else "")
        if before in HSPACE_SET:
            before = _annotated_char(text, s)
        candidates.append((s, bounds[2 * k + 2], kind, before))
    # A page that annotates with tone marks also annotates neutral-tone syllables without
    # them; on a page with no tone-marked annotation, "(an)" is more likely a real bracket.
    annotated_page = any(kind == 2 and _RE_HAN.match(before) for _, _, kind, before in candidates)
    edits: list[_Edit] = []
    last_end = -1
    for s, e, kind, before in candidates:
        if kind == 1 and not annotated_page:
            continue
        # On an annotated page a tone-marked annotation is an artefact even when the
        # character it annotated was itself mangled into a symbol (琳{(diào)研).
        if s == last_end or _RE_HAN.match(before) or (
            kind == 2 and annotated_page and before and not before.isspace()
            and not before.isalnum()
        ):
            edits.append((s, e, "", "pinyin"))
            last_end = e
    return edits


def _pinyin_fast(text: str) -> _Fast | None:
    """The text without its pinyin annotations (and how many), found with a C-level split
    and join, on the common kind of annotated page: every pinyin-like bracket directly
    follows a Han character and is pinyin, and at least one of them has tones. There
    :func:`_pinyin` removes exactly the same brackets; it finds the edits later, on demand.
    Toned annotations after a symbol or another annotation are taken in a second split.
    None when the page is not of that kind (any pinyin-like bracket left in the output)."""
    ascii_pinyin = "(" in text and _RE_ASCII_BRACKET.search(text) is not None
    fw_pinyin = "（" in text and _RE_FW_BRACKET.search(text) is not None
    if not (ascii_pinyin or fw_pinyin):
        return text, 0, 0, _pinyin_edits, ()  # nothing pinyin-like, as the general pass finds
    # Literal-first patterns scan faster; either one alone splits like the general one
    # when the other kind of opening bracket never starts a match.
    if not fw_pinyin:
        splitter = _RE_ASCII_BRACKET_AFTER_HAN
    elif not ascii_pinyin:
        splitter = _RE_FW_BRACKET_AFTER_HAN
    else:
        splitter = _RE_BRACKET_AFTER_HAN
    parts = splitter.split(text)  # [text, inner, text, inner, …, text]
    if len(parts) == 1:
        return None
    texts, inners = parts[0::2], parts[1::2]
    distinct = set(inners)
    kinds = dict(zip(distinct, map(_pinyin_kind, distinct), strict=True))
    if not all(kinds.values()) or 2 not in kinds.values():
        return None
    out = "".join(texts)
    later: list[tuple[int, int]] = []
    if _has_pinyin_bracket(out):
        # Left over: annotations after another one (a chain) or after a symbol that the
        # scrape made of the annotated character (琳{(diào)研). The general pass removes
        # these when toned; any other kind, or anything still left, goes to it.
        pieces: list[str] = []
        done = 0
        for m in _RE_BRACKET.finditer(out):
            s = m.start()
            if not (s and _RE_HAN_OR_SYMBOL.match(out, s - 1)) or _pinyin_kind(m[1]) != 2:
                return None  # after a space, a letter or digit, the start of the text …
            pieces.append(out[done:s])
            later.append(m.span())
            done = m.end()
        pieces.append(out[done:])
        out = "".join(pieces)
        if _has_pinyin_bracket(out):
            return None
    return out, len(inners) + len(later), len(text) - len(out), _pinyin_edits, (
        texts, inners, later)


def _pinyin_edits(texts: list[str], inners: list[str], later: list[tuple[int, int]]
                  ) -> list[_Edit]:
    """:func:`_pinyin_fast`'s removals as edits: each annotation of its split (a bracket,
    the inner text, a bracket), then those it took from the split's output (``later``),
    placed back in the input."""
    edits: list[_Edit] = []
    pos = 0
    for t, inner in zip(texts, inners, strict=False):
        pos += len(t)
        edits.append((pos, pos + len(inner) + 2, "", "pinyin"))
        pos += len(inner) + 2
    if later:
        # Where each removal of the split lands in its output, and what was removed
        # up to it: a later bracket moves back by the removals before (or at) it.
        removed = list(accumulate((e - s for s, e, _, _ in edits), initial=0))
        landed = [s - r for (s, _, _, _), r in zip(edits, removed, strict=False)]
        for s, e in later:
            shift = removed[bisect_right(landed, s)]
            edits.append((s + shift, e + shift, "", "pinyin"))
        edits.sort()
    return edits


def _has_pinyin_bracket(text: str) -> bool:
    return bool(("(" in text and _RE_ASCII_BRACKET.search(text))
                or ("（" in text and _RE_FW_BRACKET.search(text)))


def _annotated_char(text: str, s: int) -> str:
    """The character a bracket at ``s`` annotates, as the text will read after the
    whitespace pass (which deletes a space before a full-width bracket or after full-width
    punctuation), so that running normalize twice changes nothing more."""
    before = text[s - 1] if s else ""
    if before and before in HSPACE:
        nearest = _neighbour(text, s - 1, -1)
        if text[s] == "（" or _RE_FW_PUNCT.match(nearest):
            return nearest
    return before


def _odd_chars(text: str) -> tuple[bool, bool]:
    """Whether the text holds BMP control characters, and full-width characters: one scan
    for both up to the first of either, then one for the other from there."""
    m = _RE_CONTROL_OR_WIDE.search(text)
    if m is None:
        return False, False
    pos = m.start()
    if _RE_CONTROL_BMP.match(text, pos):
        return True, _RE_WIDTH.search(text, pos) is not None
    return _RE_CONTROL_BMP.search(text, pos) is not None, True


def _width(text: str) -> str:
    if not _RE_WIDTH.search(text):
        return text
    if "\uff0e" in text:
        text = _RE_FW_POINT.sub(".", text)
    # translate() looks up every character in Python; on Chinese text it is far cheaper to
    # find the runs to widen and translate only those.
    return _RE_WIDEN.sub(_widen, text)


def _widen(m: re.Match[str]) -> str:
    return m.group().translate(_WIDTH)


def _neighbour(text: str, i: int, step: int) -> str:
    """The nearest non-space character from ``i`` in direction ``step`` ('' at the ends)."""
    n = len(text)
    while 0 <= i < n:
        c = text[i]
        if c not in HSPACE_SET:
            return c
        i += step
    return ""


@lru_cache(maxsize=1024)
def _collapse(run: str) -> str:
    """The one full-width mark a reader expects in place of a run of clashing marks."""
    full = [c.translate(TO_FULL) for c in run if c in MARKS]
    if len(full) == 1:
        return run.translate(TO_FULL)
    return min(full, key=lambda c: MARK_RANK.get(c, 9))


def _punctuation(text: str) -> list[_Edit]:
    edits: list[_Edit] = []
    append = edits.append
    han = _RE_HAN.match
    closers = _RE_CLOSERS.match
    fw = _RE_FW_PUNCT.match
    n = len(text)
    ascii_marks = any(c in text for c in ASCII_MARKS)
    for m in (_RE_MARKS if ascii_marks else _RE_FW_MARKS).finditer(text):
        s, e = m.span()
        left = text[s - 1] if s else ""
        if left in HSPACE_SET:
            left = _neighbour(text, s - 1, -1)
        if not (left and (closers(left) or fw(left))):
            right = text[e] if e < n else ""
            if right in HSPACE_SET:
                right = _neighbour(text, e, 1)
            if not (right and han(right)) or (left.isascii() and left.isalnum()):
                continue
        run = m.group()
        repl = _collapse(run)
        if repl != run:
            append((s, e, repl, "punctuation"))
    return edits


_WS_CHARS = " \t\u00a0\u3000\n"


def _punctuation_fast(text: str) -> _Fast | None:
    """:func:`_punctuation`'s text (with the number of runs changed and their characters)
    by a C-level split and join, on pages where no space touches a run, so every
    neighbour is the adjacent character and both ways decide alike. None otherwise (the
    general pass looks past spaces)."""
    ascii_marks = any(c in text for c in ASCII_MARKS)
    parts = (_RE_MARKS_SPLIT if ascii_marks else _RE_FW_MARKS_SPLIT).split(text)
    if len(parts) == 1:
        return text, 0, 0, _punctuation_edits, ()
    texts, runs = parts[0::2], parts[1::2]
    joined_runs = "".join(runs)
    # The character left of each run; a run at the very start has none, and "\n" stands
    # in there, as it decides like no character at all.
    lefts = ("" if texts[0] else "\n") + "".join(map(_LAST_CHAR, texts[:-1]))
    if _has_hspace(joined_runs) or _has_hspace(lefts):
        return None
    # Every run changes when it collapses (to one full-width mark), and after a Han
    # character, a closing bracket or full-width punctuation (nearly every run) it always
    # does; only the others need their right side looked at.
    new = list(map(_collapse, runs))
    kept = 0
    kept_chars = 0
    han = _RE_HAN.match
    for m in _RE_NOT_CLOSER.finditer(lefts):
        i = m.start()
        left = lefts[i]
        if not han(texts[i + 1][:1]) or (left.isascii() and left.isalnum()):
            new[i] = runs[i]
            kept += 1
            kept_chars += len(runs[i])
    if kept == len(runs):
        return text, 0, 0, _punctuation_edits, ()
    parts[1::2] = new
    return ("".join(parts), len(runs) - kept, len(joined_runs) - kept_chars,
            _punctuation_edits, (texts, runs, new))


def _punctuation_edits(texts: list[str], runs: list[str], new: list[str]) -> list[_Edit]:
    """:func:`_punctuation_fast`'s changed runs as edits (runs and texts alternate)."""
    edits: list[_Edit] = []
    pos = 0
    for t, run, repl in zip(texts, runs, new, strict=False):
        pos += len(t)
        if repl != run:
            edits.append((pos, pos + len(run), repl, "punctuation"))
        pos += len(run)
    return edits


def _has_hspace(text: str) -> bool:
    return any(c in text for c in _HSPACE_CHARS)


def _whitespace(text: str) -> list[_Edit]:
    n = len(text)
    lead = n - len(text.lstrip(_WS_CHARS))
    trail = n - len(text.rstrip(_WS_CHARS))
    if lead == n:
        return [(0, n, "", "whitespace")] if n else []
    edits: list[_Edit] = []
    if lead:
        edits.append((0, lead, "", "whitespace"))
    # Blank lines, spaces on them included: keep one paragraph break.
    edits.extend((m.start(), m.end(), "\n\n", "whitespace")
                 for m in _RE_BLANK_LINES.finditer(text, lead, n - trail) if m.group() != "\n\n")
    present = [c for c in _HSPACE_CHARS if c in text]
    if present:
        cjk, fw = _RE_CJK_LIKE.match, _RE_FW_PUNCT.match
        # A literal pattern scans several times faster than a class: use it when it can.
        runs = _RE_SPACES if present == [" "] else _RE_HSPACE
        for m in runs.finditer(text, lead, n - trail):
            s, e = m.span()
            left, right = text[s - 1], text[e]
            if left == "\n" or right == "\n":
                repl = ""
            elif "\t" in m.group():
                repl = "\t"  # a table cell boundary (read_text joins cells with TAB)
            elif fw(left) or fw(right) or (cjk(left) and cjk(right)):
                repl = ""
            else:
                repl = " "
            if repl != m.group():
                edits.append((s, e, repl, "whitespace"))
    if trail:
        edits.append((n - trail, n, "", "whitespace"))
    if len(edits) < 2:
        return edits
    # Runs of spaces inside a blank-line run are covered by it.
    edits.sort(key=lambda ed: (ed[0], -ed[1]))
    merged = [edits[0]]
    for ed in edits[1:]:
        if ed[0] >= merged[-1][1]:
            merged.append(ed)
    return merged


@cache
def _converter(config: str) -> opencc.OpenCC:
    import opencc

    return opencc.OpenCC(f"{config}.json")


class _Fixes(NamedTuple):
    pattern: re.Pattern[str]
    table: dict[str, str]
    anchor: str  # a character every fix contains ("" if none does)
    longest: int


@cache
def _script_fixes() -> _Fixes:
    table: dict[str, str] = {}
    for wrong, right in resources.read_rows("script_fixes.tsv", 2):
        if len(wrong) != len(right):
            from .errors import LexiconError

            raise LexiconError(
                f"script_fixes.tsv: {wrong!r} and {right!r} differ in length; a fix must keep "
                "the length"
            )
        table[wrong] = right
    words = sorted(table, key=len, reverse=True)
    common = set.intersection(*map(set, words)) if words else set()
    return _Fixes(re.compile("|".join(map(re.escape, words))), table,
                  min(common) if common else "", len(words[0]) if words else 0)


def _convert_lines(text: str, conv: opencc.OpenCC) -> list[_Edit]:
    """Edits for a conversion that changed the text's length (phrase tables such as tw2sp).

    Lines that kept their length change character for character; in the others,
    character-by-character conversion keeps positions, and the phrase-level result is aligned
    to it so that only the phrases that changed length map to whole ranges.
    """
    from difflib import SequenceMatcher

    edits: list[_Edit] = []
    base = 0
    for line in text.split("\n"):
        conv_line = conv.convert(line)
        if conv_line == line:
            pass
        elif len(conv_line) == len(line):
            edits.extend((base + s, base + e, conv_line[s:e], "script")
                         for s, e in _diff_runs(line, conv_line))
        else:
            singles = [conv.convert(c) for c in line]
            charwise = "".join(c if len(c) == 1 else o for c, o in zip(singles, line, strict=True))
            sm = SequenceMatcher(None, charwise, conv_line, autojunk=False)
            for tag, i1, i2, j1, j2 in sm.get_opcodes():
                if tag == "equal":
                    edits.extend((base + i1 + s, base + i1 + e, conv_line[j1 + s:j1 + e], "script")
                                 for s, e in _diff_runs(line[i1:i2], conv_line[j1:j2]))
                    continue
                if i1 == i2:  # a pure insertion is attached to the character before it
                    if i1 == 0:
                        i2, j2 = 1, j2 + 1
                    else:
                        i1, j1 = i1 - 1, j1 - 1
                edits.append((base + i1, base + i2, conv_line[j1:j2], "script"))
        base += len(line) + 1
    # Attaching an insertion to its neighbour can make it touch the edit before; merge them.
    merged: list[_Edit] = []
    for ed in edits:
        if merged and ed[0] < merged[-1][1]:
            s0, _e0, r0, k0 = merged[-1]
            overlap = merged[-1][1] - ed[0]
            merged[-1] = (s0, ed[1], r0[: len(r0) - overlap] + ed[2], k0)
        else:
            merged.append(ed)
    return merged


def _diff_runs(a: str, b: str) -> list[tuple[int, int]]:
    """(start, end) runs where two equal-length strings differ."""
    import numpy as np

    x = np.frombuffer(a.encode("utf-32-le"), dtype="<u4")
    y = np.frombuffer(b.encode("utf-32-le"), dtype="<u4")
    idx = np.flatnonzero(x != y)
    if not idx.size:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]])) + 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _fix_script(text: str) -> str:
    fixes = _script_fixes()
    if not fixes.table:
        return text
    if not fixes.anchor:
        return fixes.pattern.sub(lambda m: fixes.table[m.group()], text)
    # Every fix holds the anchor (著): search only around each occurrence of it, left to
    # right and without overlaps, as a search of the whole text would (the pattern starts
    # with many different characters, so re cannot skip ahead quickly on its own).
    i = text.find(fixes.anchor)
    if i < 0:
        return text
    pieces: list[str] = []
    done = 0
    while i >= 0:
        m = fixes.pattern.search(text, max(done, i - fixes.longest + 1), i + fixes.longest)
        if m is not None and m.start() <= i < m.end():
            pieces += (text[done:m.start()], fixes.table[m.group()])
            done = m.end()
        i = text.find(fixes.anchor, max(i + 1, done))
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


# --- the public function ------------------------------------------------------------------
def normalize(text: str, *, script: Script | None = "t2s") -> Normalized:
    """Clean a published report and keep the map back to it.

    Passes, in order: control characters and line ends; U+FFFD and mojibake runs; pinyin
    annotations after Han characters (監(jiān)督 → 監督); page furniture at the start and end;
    full-width digits and letters; clashing or ASCII punctuation between Chinese characters;
    spaces and blank lines; traditional → simplified with OpenCC (``script`` selects the
    config: ``"t2s"``, ``"tw2s"``, ``"tw2sp"``, ``"hk2s"``; ``None`` keeps the script).

    Never raises for a ``str``; idempotent; linear in the length of the text.
    """
    require_str(text, "normalize()")
    if script is not None and script not in SCRIPTS:
        raise ValueError(
            f"unknown script {script!r}; choose one of {', '.join(SCRIPTS)} or None"
        )
    return _normalize(text, script, fast=True)


def _normalize(text: str, script: Script | None, *, fast: bool) -> Normalized:
    """normalize() itself; ``fast=False`` forces the general passes (for tests that check the
    fast paths give the same result)."""
    original = text
    passes: list[_Pass] = []

    def edit(make: Callable[[str], list[_Edit]]) -> None:
        nonlocal text
        text, record = _apply(text, make(text))
        if record is not None:
            passes.append(record)

    def edit_fast(quick: Callable[[str], _Fast | None],
                  make: Callable[[str], list[_Edit]], kind: ChangeKind) -> None:
        # The fast way gives the general pass's text; its edits are worked out on demand.
        nonlocal text
        found = quick(text) if fast else None
        if found is None:
            edit(make)
            return
        out, count, chars, resolve, data = found
        if count:
            passes.append(_Lazy(resolve, data, kind, count, chars))
            text = out

    controls, wide = _odd_chars(text)
    edit(lambda t: _controls(t, bmp=controls))
    edit(_garbage)
    edit_fast(_pinyin_fast, _pinyin, "pinyin")
    edit(_furniture)
    widened = _width(text) if wide else text
    if widened != text:
        passes.append(_Rewrite("width", text, widened))
        text = widened
    edit_fast(_punctuation_fast, _punctuation, "punctuation")
    edit(_whitespace)

    if script is not None and text:
        conv = _converter(script)
        converted = conv.convert(text)
        if len(converted) != len(text):
            edit(lambda t: _convert_lines(t, conv))
            converted = text
        fixed = _fix_script(converted)
        if fixed != text:
            passes.append(_Rewrite("script", text, fixed))
            text = fixed

    return Normalized(text, original, tuple(passes))
