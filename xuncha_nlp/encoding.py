"""Decode report bytes whose encoding nobody wrote down.

Chinese reports arrive as UTF-8 (with or without BOM), GB18030/GBK/GB2312, Big5 or UTF-16.
GB18030 decodes almost any byte string without error, so "it decoded" proves little; we
decode with every plausible codec and keep the one whose letters are common Chinese
characters (or ASCII), which a wrong codec turns into rare characters, kana, Hangul or Yi.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cache

from . import resources
from .errors import ReadError

__all__ = ["Decoded", "decode_bytes"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Tried in this order; on a tie in score the earlier wins (GB18030 is the commoner source).
# UTF-8 is a candidate too, for text that is UTF-8 except for a few damaged bytes.
_CANDIDATES = ("utf-8", "gb18030", "cp950", "big5hkscs", "utf-16-le", "utf-16-be")
_SAMPLE = 64 * 1024
_MIN_SCORE = 0.5  # below this every candidate is judged garbage
# A file cut mid-character or with a stray byte is still the report: in files of at least
# _MIN_DAMAGED bytes, tolerate one undecodable sequence per 200 bytes (a stray byte inside
# a UTF-8 character breaks up to four), replaced by U+FFFD, which normalize() removes.
_MAX_DAMAGE = 1 / 200
_MIN_DAMAGED = 1000
_RE_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
_RE_ASCII_ALNUM = re.compile("[0-9A-Za-z]")
_RE_WIDE = re.compile("[^\x00-\x7f]")
# Punctuation, spaces and symbols outside ASCII that real Chinese text uses; neutral.
_RE_NEUTRAL = re.compile(
    "[\u00a0-\u00bf\u00d7\u00f7\u2000-\u2bff\u3000-\u303f\u30fb\ufe10-\ufe1f"
    "\ufe30-\ufe6f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\uffe0-\uffee]"
)
_MARK = "\udfff"  # a lone surrogate: no decoder produces one from valid input


@dataclass(frozen=True)
class Decoded:
    """Decoded text and the codec that produced it."""

    text: str
    encoding: str


@cache
def _common_chars() -> frozenset[str]:
    return resources.read_words("common_chars.txt")


@cache
def _common_pattern() -> re.Pattern[str]:
    # One character class of ~4,000 characters: counting with it runs in C, not per character.
    chars = re.escape("".join(sorted(_common_chars())))
    return re.compile(f"[{chars}\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def _score(text: str) -> float:
    """How much ``text`` looks like real text, from 0 to 1.

    The share of letters that are common Han characters (or full-width digits and Latin)
    or ASCII letters and digits. Punctuation, symbols and spaces are neutral; everything
    else counts against: rare Han characters, kana, Hangul and Yi (what a wrong codec makes
    of the bytes), private-use and replacement characters. A control character counts five
    times, since text files have none. The ASCII share cannot rescue the non-ASCII part
    (random bytes are half ASCII): the score is at most the share of common characters
    among the non-ASCII letters. Counting only Han characters, as before, let 'セ近ǖ诡'
    (Big5 read as GB18030) score 1.0.
    """
    ascii_good = len(_RE_ASCII_ALNUM.findall(text))
    controls = len(_RE_CONTROL.findall(text))
    wide_good = len(_common_pattern().findall(text))
    wide_bad = len(_RE_WIDE.findall(text)) - len(_RE_NEUTRAL.findall(text)) - wide_good
    bad = wide_bad + 5 * controls
    total = ascii_good + wide_good + bad
    if not total:
        return 0.0
    score = (ascii_good + wide_good) / total
    if wide_good + wide_bad:
        score = min(score, wide_good / (wide_good + bad))
    return score


@cache
def _marking_errors() -> str:
    """Name of a codec error handler that marks each bad byte sequence with a lone surrogate.

    Unlike "replace", the mark cannot be confused with a U+FFFD already in the text; unlike
    "surrogateescape", it also works for UTF-16.
    """
    def mark(exc: UnicodeError) -> tuple[str, int]:
        if not isinstance(exc, UnicodeDecodeError):
            raise exc
        return _MARK, exc.end

    codecs.register_error("xuncha_nlp.mark", mark)
    return "xuncha_nlp.mark"


def _decode_lossy(data: bytes, codec: str, *, final: bool) -> tuple[str, int]:
    """``data`` decoded with U+FFFD for bad bytes, and how many bad sequences there were.

    An incomplete character at the very end (a file cut short) is not counted as damage.
    """
    decoder = codecs.getincrementaldecoder(codec)(_marking_errors())
    text = decoder.decode(data, final=False)
    damage = text.count(_MARK)
    if damage:
        text = text.replace(_MARK, "\ufffd")
    if final and decoder.getstate()[0]:
        text += "\ufffd"
    return text, damage


def decode_bytes(data: bytes, *, name: str = "<bytes>") -> Decoded:
    """Decode ``data``, detecting UTF-8/16/32, GB18030 and Big5.

    Raises :class:`ReadError` (naming ``name``) when no codec gives plausible text, e.g. for
    a binary file.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"decode_bytes() takes bytes, not {type(data).__name__}")
    data = bytes(data)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), codec)
            except UnicodeDecodeError as exc:
                raise ReadError(f"{name}: has a {codec} byte-order mark but is not valid "
                                f"{codec}: {exc.reason} at byte {exc.start}") from None
    if not data:
        return Decoded("", "utf-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        # Valid UTF-8 is almost never an accident; short BOM-less UTF-16 is the exception,
        # and it gives itself away with control characters.
        if not _RE_CONTROL.search(text):
            return Decoded(text, "utf-8")
    sample = data[:_SAMPLE]
    best: str | None = None
    # First pass: codecs that decode the sample without error. Second pass, only if none
    # does: codecs with a trace of damage (a stray byte now and then), so that a damaged
    # UTF-8 file is not mistaken for binary; short data gets no such allowance.
    allowances = (0,) if len(sample) < _MIN_DAMAGED else (0, int(len(sample) * _MAX_DAMAGE))
    for allowance in allowances:
        best_score = _MIN_SCORE
        for codec in _CANDIDATES:
            # BOM-less UTF-16 needs an even length but NOT a NUL byte: Chinese text without
            # ASCII has none (巡察 is E1 5D DF 5B in UTF-16-LE).
            if codec.startswith("utf-16") and len(data) % 2:
                continue
            if allowance:
                text, damage = _decode_lossy(sample, codec, final=False)
                if damage > allowance:
                    continue
            else:
                try:  # strict fails at the first bad byte: cheap for the wrong codecs
                    text = codecs.getincrementaldecoder(codec)().decode(sample, final=False)
                except UnicodeDecodeError:
                    continue
            score = _score(text)
            if score > best_score + 1e-9:
                best, best_score = codec, score
        if best is not None:
            break
    if best is None:
        raise ReadError(
            f"{name}: not text in any supported encoding (UTF-8, UTF-16, GB18030, Big5); "
            "is it a binary file?"
        )
    full, damage = _decode_lossy(data, best, final=True)
    if damage and (len(data) < _MIN_DAMAGED or damage > len(data) * _MAX_DAMAGE):
        raise ReadError(f"{name}: looks like {best} at the start but has {damage} invalid "
                        "byte sequences further on; is it several files joined together?")
    return Decoded(full, best)
