"""Read a report file of any supported type into a :class:`Document`.

``read_text`` picks the reader by file extension (or an explicit ``format=``): plain text in
UTF-8, UTF-16, GB18030 or Big5 (detected, see :mod:`xuncha_nlp.encoding`), Word ``.docx``,
the text layer of a PDF, or the main text of a saved web page. The text is decoded but not
normalised; pass it to :func:`xuncha_nlp.normalize`. Every failure a batch can meet (missing,
unreadable, too large, empty, binary, corrupt, scanned, unsupported) raises
:class:`~xuncha_nlp.errors.ReadError` with the path and the reason, so a batch can record it
and go on. The parsers for .docx, .pdf and .html are imported only when such a file is read.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from .errors import ReadError

__all__ = ["DEFAULT_MAX_BYTES", "EXTENSIONS", "FORMATS", "Document", "Format", "read_text"]

Format = Literal["txt", "docx", "pdf", "html"]
FORMATS: tuple[str, ...] = get_args(Format)
# File extension (lower case) -> format. .shtml is what many government sites serve.
EXTENSIONS: dict[str, Format] = {
    ".txt": "txt",
    ".docx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
}
# Formats users often have and what to do about them, for the "unsupported" message.
_CONVERT_HINTS = {
    ".doc": "save it as .docx",
    ".wps": "save it as .docx",
    ".rtf": "save it as .docx",
    ".odt": "save it as .docx",
    ".ofd": "export it as PDF",
    ".mht": "save the page as .html",
    ".mhtml": "save the page as .html",
}
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_MIB = 1024 * 1024

# Leading bytes of binary formats, to say what a wrongly named file really is.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx or .zip file?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (.doc, .xls or .wps?)"),
    (b"%PDF-", "a PDF file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an executable"),
)
# Controls other than TAB, LF, VT, FF, CR: real text has next to none.
_RE_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01

# Titles that authoring tools fill in by themselves and that say nothing about the report.
_TITLE_PREFIXES = re.compile(r"^(?:Microsoft (?:Word|PowerPoint|Excel) - )", re.I)
_TITLE_EXTENSION = re.compile(r"\.(?:docx?|wps|pdf|txt|rtf|html?)$", re.I)
_PLACEHOLDER_TITLE = re.compile(
    r"^(?:untitled|无标题|無標題|文档\d*|文檔\d*|document\d*|新建.*文档|PowerPoint 演示文稿)$", re.I
)


@dataclass(frozen=True, kw_only=True)
class Document:
    """A report's text as read from a file, before normalisation.

    ``path`` is the path given to :func:`read_text` (None for text that came from elsewhere),
    ``format`` one of :data:`FORMATS`, ``encoding`` the codec a txt or html file was decoded
    with (None for docx and pdf), ``title`` the title the file itself declares (HTML
    ``<title>``/``<h1>``, docx properties or first heading, PDF metadata) or None,
    ``size`` the file's length in bytes and ``sha256`` the hex digest of its bytes, which
    identifies the content whatever the file is called.
    """

    path: str | None
    text: str
    format: Format
    encoding: str | None
    title: str | None
    size: int
    sha256: str

    @classmethod
    def from_text(cls, text: str, *, title: str | None = None) -> Document:
        """A Document for text that did not come from a file (hashed as UTF-8)."""
        if not isinstance(text, str):
            raise TypeError(f"Document.from_text() takes str, not {type(text).__name__}")
        if title is not None and not isinstance(title, str):
            raise TypeError(f"title must be str or None, not {type(title).__name__}")
        data = text.encode("utf-8", errors="surrogatepass")
        return cls(path=None, text=text, format="txt", encoding=None, title=title,
                   size=len(data), sha256=hashlib.sha256(data).hexdigest())

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-safe dict."""
        return asdict(self)

    def __repr__(self) -> str:
        # The text can be megabytes: show its length, not its content.
        return (f"Document(path={self.path!r}, format={self.format!r}, "
                f"encoding={self.encoding!r}, title={self.title!r}, size={self.size}, "
                f"chars={len(self.text)}, sha256={self.sha256[:12]!r}…)")


def read_text(
    path: str | os.PathLike[str],
    *,
    format: Format | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> Document:
    """Read the report at ``path`` and return its text as a :class:`Document`.

    The reader is chosen by the file's extension (see :data:`EXTENSIONS`) unless ``format``
    names one of :data:`FORMATS`. Files larger than ``max_bytes`` (64 MiB by default; None
    for no limit) are refused before being read.

    Raises ``TypeError`` for a path that is not ``str`` or ``os.PathLike[str]``,
    ``ValueError`` for a bad ``format`` or ``max_bytes``, and :class:`ReadError` when the
    file cannot be read as a report: missing, a directory, not permitted, too large, empty,
    binary data named .txt, corrupt .docx or PDF, a scanned PDF without a text layer, an
    unsupported extension, or no text at all.
    """
    name = _check_path(path)
    if format is not None and format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)} or None, not {format!r}")
    if max_bytes is not None:
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int):
            raise TypeError(f"max_bytes must be int or None, not {type(max_bytes).__name__}")
        if max_bytes < 1:
            raise ValueError(f"max_bytes must be at least 1 (or None for no limit), not "
                             f"{max_bytes}")
    try:
        data = _read_bytes(name, format, max_bytes)
    except ReadError as exc:
        _name_reason(exc, name)
        raise
    return _document(data, name, format)


def _document(data: bytes, name: str, format: Format | None = None) -> Document:
    """The Document of a file's bytes, read as ``format`` or as its name's extension says
    (what read_text does once it has the bytes; the service reads uploads with it)."""
    try:
        fmt = format or _format_of(name)
        if not data:
            raise ReadError(f"{name}: empty file (0 bytes)")
        text, title, encoding = _extract(fmt, data, name)
        if not text.strip():
            raise ReadError(f"{name}: no text in this {fmt} file")
    except ReadError as exc:
        _name_reason(exc, name)
        raise
    return Document(path=name, text=text, format=fmt, encoding=encoding,
                    title=_clean_title(title), size=len(data),
                    sha256=hashlib.sha256(data).hexdigest())


def _name_reason(exc: ReadError, name: str) -> None:
    """Set ``path`` and ``reason`` of ``exc``: every reader words its message
    "<path>: <reason>"; expose both parts."""
    if exc.path is None:
        exc.path = name
        message = str(exc)
        exc.reason = message[len(name) + 2:] if message.startswith(f"{name}: ") else message


def _check_path(path: object) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"read_text() takes a path (str or os.PathLike), not "
                        f"{type(path).__name__}")
    name = os.fspath(path)
    if not isinstance(name, str):
        raise TypeError("read_text() takes a str path, not bytes; decode it with "
                        "os.fsdecode() first")
    if not name:
        raise ValueError("read_text() got an empty path")
    return name


def _format_of(name: str) -> Format:
    suffix = Path(name).suffix.lower()
    fmt = EXTENSIONS.get(suffix)
    if fmt is not None:
        return fmt
    supported = ", ".join(sorted(EXTENSIONS))
    what = f"files of type {suffix!r}" if suffix else "files without an extension"
    hint = _CONVERT_HINTS.get(suffix)
    hint = f" ({hint})" if hint else " (or pass format= to read_text)"
    raise ReadError(f"{name}: cannot read {what}; supported: {supported}{hint}")


def _read_bytes(name: str, format: Format | None, max_bytes: int | None) -> bytes:
    """The file's bytes, after the checks that need no content."""
    try:
        # stat before open: opening a FIFO or a device for reading could block forever.
        info = os.stat(name)
        if stat.S_ISDIR(info.st_mode):
            raise ReadError(f"{name}: is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(f"{name}: not a regular file")
        if format is None:
            _format_of(name)  # refuse an unsupported file before reading it
        if max_bytes is not None and info.st_size > max_bytes:
            raise ReadError(_too_large(name, info.st_size, max_bytes))
        with open(name, "rb") as f:
            # Read one byte past the limit: the file may have grown since stat.
            data = f.read(-1 if max_bytes is None else max_bytes + 1)
    except ReadError:
        raise
    except FileNotFoundError:
        raise ReadError(f"{name}: no such file") from None
    except PermissionError:
        raise ReadError(f"{name}: permission denied") from None
    except OSError as exc:
        raise ReadError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise ReadError(_too_large(name, len(data), max_bytes))
    return data


def _too_large(name: str, size: int, limit: int) -> str:
    return (f"{name}: file too large ({size / _MIB:.1f} MiB, {size:,} bytes); the limit is "
            f"{limit:,} bytes ({limit / _MIB:.1f} MiB): pass max_bytes=<bytes> to read_text() "
            "to raise it, or max_bytes=None for no limit")


def _extract(fmt: Format, data: bytes, name: str) -> tuple[str, str | None, str | None]:
    """(text, title, encoding) from the file's bytes, by the format's reader."""
    if fmt == "txt":
        text, encoding = _read_txt(data, name)
        return text, None, encoding
    if fmt == "html":
        from .html import read_html

        page = read_html(data, name=name)
        return page.text, page.title, page.encoding
    if fmt == "docx":
        from .word import read_docx

        text, title = read_docx(data, name=name)
        return text, title, None
    from .pdf import read_pdf

    text, title = read_pdf(data, name=name)
    return text, title, None


def _binary_kind(data: bytes) -> str | None:
    """What binary format ``data`` starts like ("a PDF file", …), or None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None


def _read_txt(data: bytes, name: str) -> tuple[str, str]:
    from .encoding import decode_bytes

    kind = _binary_kind(data)
    if kind is not None:
        raise ReadError(f"{name}: binary data, not text: this is {kind}")
    decoded = decode_bytes(data, name=name)
    # A decoding can win on score and still be mostly noise; text has next to no controls.
    controls = len(_RE_CONTROL.findall(decoded.text))
    if controls > max(1, len(decoded.text) * _MAX_CONTROL_SHARE):
        raise ReadError(f"{name}: binary data, not text ({controls} control characters in "
                        f"{len(decoded.text)} when decoded as {decoded.encoding})")
    return decoded.text, decoded.encoding


def _clean_title(title: str | None) -> str | None:
    """A declared title, or None when it is empty or an authoring tool's placeholder."""
    if title is None:
        return None
    title = " ".join(title.split())
    title = _TITLE_EXTENSION.sub("", _TITLE_PREFIXES.sub("", title)).strip()
    if not title or _PLACEHOLDER_TITLE.match(title):
        return None
    return title
