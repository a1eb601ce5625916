"""The text layer of a PDF, with its lines joined back into paragraphs.

Extraction is done by pypdf (``benchmarks/bench_readers.py`` compares it with
pdfminer.six: the same text from our Chinese test PDFs, three to six times faster). A PDF
only knows lines, and Chinese lines break mid-word: "发现问" / "题36个". :func:`join_lines`
rebuilds paragraphs from the lines alone, so it works whatever produced them: a line that
reaches the right margin continues on the next one, unless it ends a sentence and the next
line opens a numbered item; a line that stops short ends its paragraph. Page numbers and
running headers/footers repeated on many pages are dropped, so that a sentence running
over a page break is joined too.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from itertools import pairwise
from typing import Any

from . import resources
from .errors import ReadError

__all__ = ["join_lines", "read_pdf"]

# Characters a Chinese typesetter sets full width (two columns of a monospaced line).
_RE_WIDE = re.compile(
    "[\u1100-\u115f\u2018-\u201d\u2026\u2014\u00b7\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff"
    "\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)
# A line ending here ends a sentence or announces a list ("存在以下问题：").
_RE_SENTENCE_END = re.compile("[。！？；：!?;:…][”’」』）)】〕]*$")
# A line starting like this opens a heading or a numbered item.
_NUM = "一二三四五六七八九十百零〇"
_RE_ITEM_START = re.compile(
    f"^(?:[{_NUM}]+[、.．]|[（(][{_NUM}\\d]+[）)]|\\d{{1,3}}[、.．](?!\\d)|[①-⑳]"
    f"|第[{_NUM}\\d]+[章节条部分篇]|[{_NUM}]是|[（(]?[A-Za-z][)）.、])"
)
# Latin words are never broken over lines, so a line break between two is a space; a
# number broken over lines (character-wrapping typesetters do it) is one number.
_RE_LATIN_END = re.compile("[A-Za-z]$")
_RE_LATIN_START = re.compile("^[A-Za-z]")
_RE_PAGE_NUMBER = re.compile(
    r"^(?:[-—–·•\s]*\d{1,4}[-—–·•\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    re.I,
)
_RE_DIGITS = re.compile(r"\d+")
# How close to the widest line (in columns, a Chinese character being two) a line must come
# to count as reaching the right margin: justified lines differ by a character or so. A
# line that stops mid-sentence may fall shorter by the paragraph's first-line indent (two
# characters) and still continue.
_FULL_SLACK = 2
_LOOSE_SLACK = 8
_MIN_AGREE = 0.6  # a margin narrower than this share of the widest line is not believed
_MIN_FULL = 40  # columns: a lone widest line this long is taken as a full line
_MIN_PAGE_LINES = 5
_EDGE = 2  # page numbers are looked for in the first and last 2 lines of a page
_MAX_HEAD = 40  # characters: a longer line is text, not a running head
_MIN_TEXT_CHARS = 1
_MAX_BAD_SHARE = 0.3


def read_pdf(data: bytes, *, name: str) -> tuple[str, str | None]:
    """(text, title) of the PDF whose bytes are ``data``; ``name`` labels errors."""
    if b"%PDF-" not in data[:1024]:
        raise ReadError(f"{name}: not a PDF file (it starts with {data[:16]!r})")
    import pypdf

    _quiet_pypdf()
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            _decrypt(reader, name)
        pages = []
        for number, page in enumerate(reader.pages, start=1):
            try:
                pages.append(page.extract_text() or "")
            except Exception as exc:  # a damaged content stream fails in many ways
                raise ReadError(f"{name}: corrupt PDF: page {number} cannot be read "
                                f"({exc or type(exc).__name__})") from None
    except ReadError:
        raise
    except Exception as exc:  # pypdf reports damage with many exception types
        raise ReadError(f"{name}: corrupt or truncated PDF ({exc or type(exc).__name__})"
                        ) from None
    text = join_lines(pages)
    if len("".join(text.split())) < _MIN_TEXT_CHARS:
        raise ReadError(_no_text_reason(name, reader))
    _check_readable(text, name)
    return text, _metadata_title(reader)


@cache
def _quiet_pypdf() -> None:
    # pypdf logs damage it repairs as warnings; without a handler Python prints them on
    # stderr, and the library must not print. A NullHandler keeps them reaching any
    # handler the application configures.
    logging.getLogger("pypdf").addHandler(logging.NullHandler())


def _decrypt(reader: Any, name: str) -> None:
    try:
        opened = reader.decrypt("")  # many PDFs are encrypted only against editing
    except Exception as exc:  # e.g. pypdf's DependencyError when AES needs 'cryptography'
        raise ReadError(f"{name}: encrypted PDF that cannot be opened ({exc}); "
                        "remove the protection first") from None
    if not opened:
        raise ReadError(f"{name}: password-protected PDF; remove the password first")


def _no_text_reason(name: str, reader: Any) -> str:
    pages = len(reader.pages)
    if _has_images(reader):
        return (f"{name}: scanned PDF: no text layer on any of its {pages} page(s), only "
                "images; run OCR first (e.g. ocrmypdf) and read the result")
    return (f"{name}: PDF has no text layer on any of its {pages} page(s) (blank or "
            "drawings only); if it is a scan, run OCR first")


def _has_images(reader: Any) -> bool:
    try:
        for page in reader.pages:
            resources_ = page.get("/Resources")
            xobjects = resources_.get_object().get("/XObject") if resources_ else None
            if not xobjects:
                continue
            for ref in xobjects.get_object().values():
                if ref.get_object().get("/Subtype") == "/Image":
                    return True
    except Exception:  # only used to word the message: a damaged page means "unknown"
        return False
    return False


@cache
def _common_chars() -> frozenset[str]:
    return resources.read_words("common_chars.txt")


def _check_readable(text: str, name: str) -> None:
    """Refuse a text layer that is noise: fonts without a Unicode map give private-use
    characters, controls, or random rare characters instead of the text."""
    chars = [c for c in text if not c.isspace()]
    bad = sum(1 for c in chars
              if c < " " or "\ue000" <= c <= "\uf8ff" or c == "\ufffd")
    han = [c for c in chars if "\u3400" <= c <= "\u9fff"]
    rare = sum(1 for c in han if c not in _common_chars())
    if bad > len(chars) * _MAX_BAD_SHARE or (len(han) >= 20 and rare > len(han) / 2):
        raise ReadError(f"{name}: the PDF's text layer is unreadable (its fonts map to no "
                        "known characters); treat it as a scan: run OCR first")


def _metadata_title(reader: Any) -> str | None:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:  # a damaged info dictionary only costs us the title
        return None
    return str(title) if title else None


def _width(line: str) -> int:
    return len(line) + len(_RE_WIDE.findall(line))


def _margin(widths: Sequence[int]) -> int | None:
    """The width of a full line, or None if the lines do not show it.

    The widest line that another line nearly matches, so that one overlong line (a URL, a
    table row) cannot set it, as long as that width is at least _MIN_AGREE of the widest;
    failing that, the widest line itself if it is long enough to be a full line.
    """
    if not widths:
        return None
    ordered = sorted(widths, reverse=True)
    for wide, next_wide in pairwise(ordered):
        if wide < ordered[0] * _MIN_AGREE:
            break
        if next_wide >= wide - _FULL_SLACK:
            return wide
    return ordered[0] if ordered[0] >= _MIN_FULL else None


def _furniture(pages: list[list[str]]) -> set[tuple[int, int]]:
    """(page, line) positions of page numbers and of running heads and feet.

    A page number is a line like "— 3 —" or "第3页 共9页" among the first or last two
    lines of a page. A running head or foot is a short first or last line that recurs
    (digits aside) on at least three pages and half of them.
    """
    drop: set[tuple[int, int]] = set()
    for p, lines in enumerate(pages):
        n = len(lines)
        drop.update((p, i) for i in {*range(min(_EDGE, n)), *range(max(0, n - _EDGE), n)}
                    if _RE_PAGE_NUMBER.match(lines[i]))
    edges: list[tuple[int, int, str]] = []  # (page, line, key) of each page's first and last
    for p, lines in enumerate(pages):
        left = [i for i in range(len(lines)) if (p, i) not in drop]
        if left:
            edges.extend((p, i, _head_key(lines[i])) for i in {left[0], left[-1]})
    per_key = Counter(key for _, key in {(p, key) for p, _, key in edges})
    drop.update((p, i) for p, i, key in edges
                if key and per_key[key] >= 3 and per_key[key] * 2 >= len(pages))
    return drop


def _head_key(line: str) -> str:
    """What a running head looks like on every page ("" for lines too long to be one)."""
    return _RE_DIGITS.sub("#", line) if len(line) <= _MAX_HEAD else ""


def join_lines(pages: Sequence[str]) -> str:
    """Join the lines of extracted PDF pages into paragraphs, one paragraph per line.

    ``pages`` holds the text of each page with a line break after every printed line.
    Lines are stripped; page numbers and running heads are dropped (see module doc).
    """
    page_lines = [[s.strip() for s in page.splitlines() if s.strip()] for page in pages]
    drop = _furniture(page_lines)
    body = [[(line, _width(line)) for i, line in enumerate(lines) if (p, i) not in drop]
            for p, lines in enumerate(page_lines)]
    overall = _margin([w for lines in body for _, w in lines])
    paragraphs: list[str] = []
    current = ""
    full = False  # whether the previous line reached the right margin
    for lines in body:
        # A page's own margin when it has lines enough to show one (pages may differ, e.g.
        # a landscape table page); the document's otherwise.
        own = _margin([w for _, w in lines]) if len(lines) >= _MIN_PAGE_LINES else None
        margin = own or overall
        for line, width in lines:
            if current and _continues(current, line, full=full):
                sep = (" " if _RE_LATIN_END.search(current) and _RE_LATIN_START.match(line)
                       else "")
                current += sep + line
            else:
                if current:
                    paragraphs.append(current)
                current = line
            full = margin is not None and (
                width >= margin - _FULL_SLACK
                or (width >= margin - _LOOSE_SLACK and not _RE_SENTENCE_END.search(line)))
    if current:
        paragraphs.append(current)
    return "\n".join(paragraphs)


def _continues(previous: str, line: str, *, full: bool) -> bool:
    """Whether ``line`` continues the paragraph whose text so far is ``previous``."""
    if not full:
        return False
    return not (_RE_SENTENCE_END.search(previous) and _RE_ITEM_START.match(line))
