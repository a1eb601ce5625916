"""Decode report bytes whose encoding nobody wrote down.

Chinese reports arrive as UTF-8 (with or without BOM), GB18030/GBK/GB2312, Big5 or UTF-16.
GB18030 decodes almost any byte string without error, so "it decoded" proves little; we
decode with every plausible codec and keep the one whose text consists of common Chinese
characters, which a wrong codec turns into rare ones.
"""

from __future__ import annotations

import codecs
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
_CANDIDATES = ("gb18030", "cp950", "big5hkscs", "utf-16-le", "utf-16-be")
_SAMPLE = 64 * 1024


@dataclass(frozen=True)
class Decoded:
    """Decoded text and the codec that produced it."""

    text: str
    encoding: str


@cache
def _common_chars() -> frozenset[str]:
    return resources.read_words("common_chars.txt")


def _score(text: str) -> float:
    """Share of Han characters that are common, minus a penalty for control characters."""
    common = _common_chars()
    han = [c for c in text if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"]
    controls = sum(1 for c in text if c < " " and c not in "\n\r\t")
    private = sum(1 for c in text if "\ue000" <= c <= "\uf8ff")
    if not han:
        ascii_share = sum(1 for c in text if c.isascii()) / max(len(text), 1)
        return ascii_share - (controls + private) / max(len(text), 1)
    return sum(1 for c in han if c in common) / len(han) - (controls + private) / len(text)


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
    if b"\x00" not in data:
        try:
            return Decoded(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            pass
    best: Decoded | None = None
    best_score = 0.5  # below this every candidate is judged garbage
    sample = data[:_SAMPLE]
    for codec in _CANDIDATES:
        if codec.startswith("utf-16") and (b"\x00" not in sample or len(data) % 2):
            continue
        try:
            # A sample cut mid-character must not disqualify the codec.
            text = codecs.getincrementaldecoder(codec)("strict").decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        score = _score(text)
        if score > best_score + 1e-9:
            best, best_score = Decoded(text, codec), score
    if best is None:
        raise ReadError(
            f"{name}: not text in any supported encoding (UTF-8, UTF-16, GB18030, Big5); "
            "is it a binary file?"
        )
    try:
        return Decoded(data.decode(best.encoding), best.encoding)
    except UnicodeDecodeError as exc:
        raise ReadError(f"{name}: looks like {best.encoding} but byte {exc.start} is invalid "
                        f"({exc.reason})") from None
