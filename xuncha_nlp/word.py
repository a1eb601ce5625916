"""The text of a Word .docx file: body paragraphs and tables, in reading order.

python-docx opens the package (so a main part under another name, or an .xlsx renamed
.docx, is handled or named correctly); the text is then taken from the XML ourselves,
because python-docx's ``Paragraph.text`` skips runs inside tracked insertions, content
controls, smart tags and simple fields, all common in official templates. Deleted text
(tracked deletions) is left out. Headers, footers, footnotes and text boxes are not read.

Output: one paragraph per line; a table row per line with its cells separated by TAB; the
paragraphs of one cell joined by a space.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .errors import ReadError

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

__all__ = ["read_docx"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _R = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}r"
# Elements that only wrap other content: descend into them.
_WRAPPERS = frozenset(
    f"{_W}{t}" for t in ("sdt", "sdtContent", "customXml", "hyperlink", "ins", "smartTag",
                         "fldSimple", "moveTo", "dir", "bdo")
)
# Run children and the text they stand for; w:delText (deleted text) is deliberately absent.
_RUN_TEXT = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-",
             f"{_W}softHyphen": "", f"{_W}ptab": "\t"}
_T = f"{_W}t"
# A .docx is a ZIP of XML; refuse archives that would expand to absurd sizes (zip bombs).
_MAX_XML_BYTES = 512 * 1024 * 1024
_TITLE_SEARCH = 50  # paragraphs searched for a heading to serve as the title
_RE_HEADING_STYLE = re.compile(r"^(?:title|heading\s*1|[标標][题題](?:\s*1)?)$", re.I)


def read_docx(data: bytes, *, name: str) -> tuple[str, str | None]:
    """(text, title) of the .docx file whose bytes are ``data``; ``name`` labels errors."""
    document = _open(data, name)
    try:
        body = document.element.body
        text = "\n".join(line for line in _block_lines(body) if line.strip())
        title = _title(document)
    except (ValueError, KeyError, AttributeError, TypeError) as exc:
        raise ReadError(f"{name}: corrupt .docx ({type(exc).__name__}: {exc})") from None
    return text, title


def _open(data: bytes, name: str) -> DocxDocument:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(f"{name}: an old Word 97-2003 (.doc) or WPS file named .docx; "
                        "save it as .docx")
    if not data.startswith(b"PK"):
        raise ReadError(f"{name}: not a .docx file (a .docx is a ZIP archive; this file "
                        f"starts with {data[:8]!r})")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(i.file_size for i in archive.infolist()
                           if i.filename.endswith((".xml", ".rels")))
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise ReadError(f"{name}: corrupt or truncated .docx ({exc})") from None
    if expanded > _MAX_XML_BYTES:
        raise ReadError(f"{name}: .docx would expand to {expanded / 2**20:.0f} MiB of XML; "
                        "refusing it as a likely zip bomb")
    import docx

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # a damaged package fails in many ways, all "corrupt"
        reason = str(exc) or type(exc).__name__
        raise ReadError(f"{name}: corrupt or not a Word .docx file ({reason})") from None


def _block_lines(parent: Any) -> Iterator[str]:
    """Lines of the paragraphs and tables directly under ``parent``, in document order."""
    for child in parent.iterchildren():
        tag = child.tag
        if tag == _P:
            yield _paragraph_text(child)
        elif tag == _TBL:
            yield from _table_lines(child)
        elif tag in _WRAPPERS:
            yield from _block_lines(child)


def _table_lines(table: Any) -> Iterator[str]:
    for row in _children(table, _TR):
        cells = [" ".join(s.strip() for s in _block_lines(cell) if s.strip())
                 for cell in _children(row, _TC)]
        # Merged-away (vMerge continuation) cells are empty: keep them so columns line up.
        line = "\t".join(cells).rstrip("\t")
        if line.strip():
            yield line


def _children(parent: Any, tag: str) -> Iterator[Any]:
    """Children of ``parent`` with ``tag``, looking through content controls."""
    for child in parent.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _paragraph_text(paragraph: Any) -> str:
    parts: list[str] = []
    stack = [iter(paragraph.iterchildren())]
    while stack:  # iterative: a hostile file can nest wrappers very deeply
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == _R:
            for item in child.iterchildren():
                if item.tag == _T:
                    parts.append(item.text or "")
                else:
                    parts.append(_RUN_TEXT.get(item.tag, ""))
        elif child.tag in _WRAPPERS:
            stack.append(iter(child.iterchildren()))
    return "".join(parts)


def _title(document: DocxDocument) -> str | None:
    title: str | None = document.core_properties.title
    if title and title.strip():
        return title.strip()
    # Style ids are read from the XML and named through one pass over the styles part:
    # python-docx's Paragraph.style searches the styles part anew for every paragraph.
    names: dict[str, str] | None = None
    for count, paragraph in enumerate(document.element.body.iterchildren(_P)):
        if count >= _TITLE_SEARCH:
            break
        style = paragraph.find(f"{_W}pPr/{_W}pStyle")
        style_id = style.get(f"{_W}val") if style is not None else None
        if not style_id:
            continue
        if names is None:
            names = {s.style_id: s.name or "" for s in document.styles if s.style_id}
        if _RE_HEADING_STYLE.match(names.get(style_id, style_id).strip()):
            text = _paragraph_text(paragraph).strip()
            if text:
                return text
    return None
