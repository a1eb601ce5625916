"""read_text(): every format and encoding, and every way a file can fail, as tables."""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from xuncha_nlp import io as xio
from xuncha_nlp.errors import ReadError, XunchaError
from xuncha_nlp.io import DEFAULT_MAX_BYTES, EXTENSIONS, FORMATS, Document, read_text

from .conftest import SEEDS, SEEDS_MISSING, seed_texts
from .io_fixtures import (
    GOV_PAGE,
    GOV_PAGE_LINES,
    GOV_PAGE_NOT,
    GOV_PAGE_TITLE,
    ONE_LINE,
    PDF_PARAGRAPHS,
    PDF_RUNNING_HEAD,
    REPORT,
    REPORT_TEXT,
    REPORT_TRAD,
    SHORT_BIG5,
    SHORT_GBK,
    TITLE,
    docx_expected_lines,
    truncated,
    write_blank_pdf,
    write_docx,
    write_encrypted_pdf,
    write_pdf,
    zip_bytes,
)

GB = {"gb18030"}
BIG5 = {"cp950", "big5hkscs"}
UTF16 = {"utf-16", "utf-16-le", "utf-16-be"}
# (id, text, bytes, accepted encodings)
TXT_CASES: list[tuple[str, str, bytes, set[str]]] = [
    ("utf8", REPORT_TEXT, REPORT_TEXT.encode("utf-8"), {"utf-8"}),
    ("utf8_bom", REPORT_TEXT, REPORT_TEXT.encode("utf-8-sig"), {"utf-8-sig"}),
    ("utf8_traditional", REPORT_TRAD, REPORT_TRAD.encode("utf-8"), {"utf-8"}),
    ("utf8_crlf", REPORT_TEXT.replace("\n", "\r\n"),
     REPORT_TEXT.replace("\n", "\r\n").encode("utf-8"), {"utf-8"}),
    ("gb18030", REPORT_TEXT, REPORT_TEXT.encode("gb18030"), GB),
    ("gbk", REPORT_TEXT, REPORT_TEXT.encode("gbk"), GB),
    ("gb18030_four_byte_chars", "䶮龑两位同志参加巡察。" + REPORT_TEXT,
     ("䶮龑两位同志参加巡察。" + REPORT_TEXT).encode("gb18030"), GB),
    ("gbk_long", REPORT_TEXT * 40, (REPORT_TEXT * 40).encode("gbk"), GB),
    ("gbk_20_chars", SHORT_GBK, SHORT_GBK.encode("gbk"), GB),
    ("gbk_traditional", REPORT_TRAD, REPORT_TRAD.encode("gbk"), GB),
    ("big5", REPORT_TRAD, REPORT_TRAD.encode("big5"), BIG5),
    ("cp950", REPORT_TRAD, REPORT_TRAD.encode("cp950"), BIG5),
    ("big5_long", REPORT_TRAD * 40, (REPORT_TRAD * 40).encode("big5"), BIG5),
    ("big5_20_chars", SHORT_BIG5, SHORT_BIG5.encode("big5"), BIG5),
    ("big5hkscs_chars", "香港邨屋" + REPORT_TRAD, ("香港邨屋" + REPORT_TRAD).encode("big5hkscs"),
     {"big5hkscs"}),
    ("utf16_bom_le", REPORT_TEXT, codecs.BOM_UTF16_LE + REPORT_TEXT.encode("utf-16-le"), UTF16),
    ("utf16_bom_be", REPORT_TEXT, codecs.BOM_UTF16_BE + REPORT_TEXT.encode("utf-16-be"), UTF16),
    ("utf16le_no_bom", REPORT_TEXT, REPORT_TEXT.encode("utf-16-le"), UTF16),
    ("utf16be_no_bom", REPORT_TEXT, REPORT_TEXT.encode("utf-16-be"), UTF16),
    ("utf16le_no_bom_traditional", REPORT_TRAD, REPORT_TRAD.encode("utf-16-le"), UTF16),
    ("ascii_only", "Inspection report 2023\n", b"Inspection report 2023\n", {"utf-8"}),
    pytest.param("utf16le_no_bom_one_line", ONE_LINE, ONE_LINE.encode("utf-16-le"), UTF16, id="utf16le_no_bom_one_line"),
    pytest.param("utf16be_no_bom_one_line", ONE_LINE, ONE_LINE.encode("utf-16-be"), UTF16, id="utf16be_no_bom_one_line"),
    pytest.param("big5_4_chars", "本輪巡察", "本輪巡察".encode("big5"), BIG5, id="big5_4_chars"),
]


def _ids(cases: list) -> list[str]:  # type: ignore[type-arg]
    return [c.id if hasattr(c, "id") else c[0] for c in cases]


@pytest.mark.parametrize(("case", "text", "data", "encodings"), TXT_CASES, ids=_ids(TXT_CASES))
def test_txt_encodings(tmp_path: Path, case: str, text: str, data: bytes,
                       encodings: set[str]) -> None:
    path = tmp_path / f"{case}.txt"
    path.write_bytes(data)
    doc = read_text(path)
    assert doc.text == text
    assert doc.encoding in encodings
    assert doc.format == "txt"
    assert doc.size == len(data)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.skipif(not SEEDS.is_dir(), reason=SEEDS_MISSING)
@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gb18030", "big5hkscs", "utf-16",
                                   "utf-16-le", "utf-16-be"])
def test_real_reports_in_every_encoding(tmp_path: Path, codec: str) -> None:
    """The published reports, re-encoded, come back exactly (those a codec can encode)."""
    tried = 0
    for name, text in seed_texts().items():
        try:
            data = text.encode(codec)
        except UnicodeEncodeError:
            continue
        path = tmp_path / f"{name}.txt"
        path.write_bytes(data)
        assert read_text(path).text == text, name
        tried += 1
    assert tried or codec == "big5hkscs"


# Text that is damaged but still the report: tolerated once encoding.py takes the fix.
@pytest.mark.parametrize(("case", "data", "must_contain"), [
    pytest.param("utf8_stray_byte", (REPORT_TEXT * 10).encode()[:601] + b"\xff"
                 + (REPORT_TEXT * 10).encode()[601:], REPORT[3],
                 id="utf8_stray_byte"),
    pytest.param("gbk_cut_mid_character", REPORT_TEXT.encode("gbk")[:-2], REPORT[2], id="gbk_cut_mid_character"),
])
def test_txt_damaged_but_readable(tmp_path: Path, case: str, data: bytes,
                                  must_contain: str) -> None:
    path = tmp_path / f"{case}.txt"
    path.write_bytes(data)
    assert must_contain in read_text(path).text


def test_docx_paragraphs_tables_tracked_changes_content_controls(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    write_docx(path)
    doc = read_text(path)
    assert doc.text.split("\n") == docx_expected_lines()
    assert "此句已删除" not in doc.text
    assert (doc.format, doc.encoding, doc.title) == ("docx", None, TITLE)


@pytest.mark.parametrize(("core_title", "heading", "expected"), [
    ("巡察整改报告（核心属性）", True, "巡察整改报告（核心属性）"),
    (None, True, TITLE),
    (None, False, None),
    ("Microsoft Word - 文档1.docx", False, None),
    ("  ", True, TITLE),
], ids=["core_properties", "first_heading", "none", "placeholder_dropped", "blank_core"])
def test_docx_title(tmp_path: Path, core_title: str | None, heading: bool,
                    expected: str | None) -> None:
    path = tmp_path / "t.docx"
    write_docx(path, core_title=core_title, heading=heading)
    assert read_text(path).title == expected


def test_pdf_paragraphs_rejoined_across_lines_and_pages(tmp_path: Path) -> None:
    path = tmp_path / "notice.pdf"
    pages = write_pdf(path)
    assert pages >= 3  # the layout must really break paragraphs over pages
    doc = read_text(path)
    assert doc.text.split("\n") == list(PDF_PARAGRAPHS)
    assert PDF_RUNNING_HEAD not in doc.text
    assert "—" not in doc.text
    assert (doc.format, doc.encoding, doc.title) == ("pdf", None, TITLE)


@pytest.mark.parametrize(("declared", "expected"), [
    ("Microsoft Word - 巡察整改通报.docx", "巡察整改通报"),
    ("无标题", None),
    ("untitled", None),
    ("  关于巡察整改的\n通报 ", "关于巡察整改的 通报"),
], ids=["word_export_prefix", "placeholder_zh", "placeholder_en", "whitespace"])
def test_pdf_metadata_title_cleaned(tmp_path: Path, declared: str, expected: str | None) -> None:
    path = tmp_path / "t.pdf"
    write_pdf(path, paragraphs=PDF_PARAGRAPHS[:2], title=declared, running_head=False)
    assert read_text(path).title == expected


def test_pdf_encrypted_for_editing_only_is_read(tmp_path: Path) -> None:
    path = tmp_path / "owner_only.pdf"
    write_encrypted_pdf(path, user_password="")
    assert read_text(path).text == PDF_PARAGRAPHS[0]


def test_pdf_aes_encrypted_for_editing_only_is_read(tmp_path: Path) -> None:
    """Word's "restrict editing" PDFs use AES, which pypdf decrypts with 'cryptography'."""
    pytest.importorskip("cryptography", reason="pypdf needs cryptography for AES")
    import pypdf

    plain, locked = tmp_path / "plain.pdf", tmp_path / "aes.pdf"
    write_pdf(plain, paragraphs=PDF_PARAGRAPHS[:1], running_head=False)
    writer = pypdf.PdfWriter(clone_from=plain)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    writer.write(locked)
    assert read_text(locked).text == PDF_PARAGRAPHS[0]


def test_html_government_page(tmp_path: Path) -> None:
    data = GOV_PAGE.encode("gbk")
    path = tmp_path / "t20230612_1234.shtml"
    path.write_bytes(data)
    doc = read_text(path)
    assert doc.text.split("\n") == GOV_PAGE_LINES
    for boilerplate in GOV_PAGE_NOT:
        assert boilerplate not in doc.text
    assert (doc.format, doc.encoding, doc.title) == ("html", "gb18030", GOV_PAGE_TITLE)


def test_html_declared_gb2312_but_saved_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_bytes(GOV_PAGE.encode("utf-8"))
    doc = read_text(path)
    assert doc.encoding == "utf-8"
    assert doc.text.split("\n") == GOV_PAGE_LINES


def test_non_ascii_names_deep_folders_and_pathlike(tmp_path: Path) -> None:
    folder = tmp_path / "巡察" / "2023年" / "第二轮" / "反馈" / "附件（整改）"
    folder.mkdir(parents=True)
    path = folder / "关于巡察整改情况的报告 (终稿).txt"
    path.write_bytes(REPORT_TEXT.encode("gb18030"))
    by_path, by_str = read_text(path), read_text(str(path))
    assert by_path == by_str
    assert by_path.path == str(path)
    assert by_path.text == REPORT_TEXT


def test_same_bytes_same_hash_whatever_the_name(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(REPORT_TEXT.encode())
    (tmp_path / "b.txt").write_bytes(REPORT_TEXT.encode())
    (tmp_path / "c.txt").write_bytes(REPORT_TEXT.encode("gbk"))
    a, b, c = (read_text(tmp_path / n) for n in ("a.txt", "b.txt", "c.txt"))
    assert a.sha256 == b.sha256 != c.sha256
    assert a.text == c.text


def test_explicit_format_overrides_extension(tmp_path: Path) -> None:
    path = tmp_path / "saved_page.asp"
    path.write_bytes(GOV_PAGE.encode("gbk"))
    assert read_text(path, format="html").text.split("\n") == GOV_PAGE_LINES


def test_document_to_dict_is_json_safe(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes(REPORT_TRAD.encode("big5"))
    doc = read_text(path)
    record = json.loads(json.dumps(doc.to_dict(), ensure_ascii=False))
    assert record == {"path": str(path), "text": REPORT_TRAD, "format": "txt",
                      "encoding": doc.encoding, "title": None, "size": path.stat().st_size,
                      "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    assert "chars=" in repr(doc) and REPORT_TRAD not in repr(doc)


def test_document_from_text() -> None:
    doc = Document.from_text(REPORT_TEXT, title=TITLE)
    assert (doc.path, doc.text, doc.format, doc.encoding, doc.title) == (
        None, REPORT_TEXT, "txt", None, TITLE)
    assert doc.sha256 == hashlib.sha256(REPORT_TEXT.encode()).hexdigest()
    with pytest.raises(TypeError, match="takes str"):
        Document.from_text(REPORT_TEXT.encode())  # type: ignore[arg-type]


def test_formats_and_extensions_agree() -> None:
    assert set(EXTENSIONS.values()) == set(FORMATS)
    assert all(ext == ext.lower() and ext.startswith(".") for ext in EXTENSIONS)


# --- failures: (id, file name, how to make the file, expected message pattern) ------------
def _random_binary() -> bytes:
    rng = random.Random(20230612)
    return bytes(rng.randrange(256) for _ in range(4096)) + b"\x00" * 64


def _write(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _docx_bytes(tmp: Path) -> bytes:
    write_docx(tmp)
    return tmp.read_bytes()


def _pdf_bytes(tmp: Path) -> bytes:
    write_pdf(tmp)
    return tmp.read_bytes()


FAILURES: list[tuple[str, str, Callable[[Path], None], str]] = [
    ("missing", "absent.txt", lambda p: None, r"absent\.txt: no such file"),
    ("directory", "folder.txt", lambda p: p.mkdir(), r"is a directory"),
    ("directory_no_suffix", "folder", lambda p: p.mkdir(), r"is a directory"),
    ("empty_txt", "empty.txt", _write(b""), r"empty file \(0 bytes\)"),
    ("empty_docx", "empty.docx", _write(b""), r"empty file"),
    ("whitespace_only", "blank.txt", _write("  \r\n\u3000\n".encode()), r"no text"),
    ("binary_named_txt", "data.txt", _write(_random_binary()), r"binary"),
    ("png_named_txt", "scan.txt", _write(b"\x89PNG\r\n\x1a\n" + bytes(200)), r"PNG image"),
    ("docx_named_txt", "report.txt", _write(zip_bytes({"word/document.xml": b"<x/>"})),
     r"ZIP archive"),
    ("pdf_named_txt", "report.txt", _write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
     r"a PDF file"),
    ("truncated_docx", "cut.docx",
     lambda p: p.write_bytes(truncated(_docx_bytes(p.with_suffix(".tmp")))),
     r"corrupt or truncated \.docx"),
    ("zip_not_word", "sheet.docx", _write(zip_bytes({"xl/workbook.xml": b"<workbook/>"})),
     r"corrupt or not a Word \.docx"),
    ("old_word_named_docx", "old.docx", _write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
     r"Word 97-2003"),
    ("text_named_docx", "notes.docx", _write(REPORT_TEXT.encode()), r"not a \.docx file"),
    ("docx_without_text", "blank.docx",
     lambda p: _blank_docx(p), r"no text in this docx file"),
    ("scanned_pdf", "scan.pdf", lambda p: write_blank_pdf(p, image=True),
     r"scanned PDF: no text layer .*run OCR first"),
    ("blank_pdf", "blank.pdf", lambda p: write_blank_pdf(p, image=False),
     r"no text layer .*run OCR"),
    ("truncated_pdf", "cut.pdf",
     lambda p: p.write_bytes(truncated(_pdf_bytes(p.with_suffix(".tmp")), 0.6)),
     r"corrupt or truncated PDF"),
    ("html_named_pdf", "download.pdf", _write(b"<!DOCTYPE html><html>404</html>"),
     r"not a PDF file"),
    ("password_pdf", "secret.pdf", lambda p: write_encrypted_pdf(p, user_password="xc2023"),
     r"password-protected PDF"),
    ("html_without_text", "empty.html",
     _write(b"<html><head><script>var a=1;</script></head><body><nav>x</nav></body></html>"),
     r"no text in this html file"),
    ("unsupported_doc", "old.doc", _write(b"x"), r"cannot read files of type '\.doc'.*save it "
     r"as \.docx"),
    ("unsupported_other", "table.xlsx", _write(b"x"),
     r"supported: \.docx, \.htm, \.html, \.pdf, \.shtml, \.txt"),
    ("no_extension", "README", _write(b"x"), r"files without an extension.*format="),
]


def _blank_docx(path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("   ")
    document.save(str(path))


@pytest.mark.parametrize(("case", "name", "make", "pattern"), FAILURES,
                         ids=[c[0] for c in FAILURES])
def test_read_errors(tmp_path: Path, case: str, name: str, make: Callable[[Path], None],
                     pattern: str) -> None:
    path = tmp_path / name
    make(path)
    with pytest.raises(ReadError, match=pattern) as info:
        read_text(path)
    assert str(path) in str(info.value)  # every message names the file
    assert isinstance(info.value, XunchaError) and isinstance(info.value, OSError)


def test_too_large_says_limit_and_how_to_raise_it(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(REPORT_TEXT.encode() * 3)
    size = path.stat().st_size
    with pytest.raises(ReadError, match=rf"too large .*{size:,} bytes.*limit is 100 bytes"
                                        r".*max_bytes=") as info:
        read_text(path, max_bytes=100)
    assert "max_bytes=None" in str(info.value)
    assert read_text(path, max_bytes=size).size == size
    assert read_text(path, max_bytes=None).size == size
    assert DEFAULT_MAX_BYTES >= 16 * 2**20


def test_file_growing_past_the_limit_is_refused(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "growing.txt"
    path.write_bytes(REPORT_TEXT.encode())
    real_stat = os.stat

    class Small:  # what stat saw before the file grew
        def __init__(self, info: os.stat_result) -> None:
            self.st_mode, self.st_size = info.st_mode, 10

    monkeypatch.setattr(xio.os, "stat", lambda p: Small(real_stat(p)))
    with pytest.raises(ReadError, match="too large"):
        read_text(path, max_bytes=20)


def test_permission_denied_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_bytes(REPORT_TEXT.encode())

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(xio, "open", refuse, raising=False)
    with pytest.raises(ReadError, match=r"locked\.txt: permission denied"):
        read_text(path)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads files whatever their mode; see the simulated test")
def test_permission_denied_real(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_bytes(REPORT_TEXT.encode())
    path.chmod(0)
    try:
        with pytest.raises(ReadError, match="permission denied"):
            read_text(path)
    finally:
        path.chmod(0o644)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    with pytest.raises(ReadError, match="not a regular file"):
        read_text(path)


@pytest.mark.parametrize(("kwargs", "error", "pattern"), [
    ({"path": 42}, TypeError, r"takes a path \(str or os.PathLike\), not int"),
    ({"path": None}, TypeError, r"not NoneType"),
    ({"path": b"report.txt"}, TypeError, r"not bytes"),
    ({"path": ""}, ValueError, r"empty path"),
    ({"path": "r.txt", "max_bytes": "10"}, TypeError, r"max_bytes must be int or None"),
    ({"path": "r.txt", "max_bytes": True}, TypeError, r"max_bytes must be int or None"),
    ({"path": "r.txt", "max_bytes": 0}, ValueError, r"at least 1"),
    ({"path": "r.txt", "format": "doc"}, ValueError, r"one of txt, docx, pdf, html"),
], ids=["int", "none", "bytes_path", "empty", "max_str", "max_bool", "max_zero", "format"])
def test_bad_arguments(kwargs: dict[str, object], error: type[Exception], pattern: str) -> None:
    path = kwargs.pop("path")
    with pytest.raises(error, match=pattern):
        read_text(path, **kwargs)  # type: ignore[arg-type]


def test_every_generated_file_gets_a_status(tmp_path: Path) -> None:
    """The batch's contract: each file is either a Document or a ReadError, nothing else."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "gbk.txt").write_bytes(REPORT_TEXT.encode("gbk"))
    (tmp_path / "big5.txt").write_bytes(REPORT_TRAD.encode("big5"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(_random_binary())
    write_docx(tmp_path / "报告.docx")
    write_pdf(tmp_path / "通报.pdf")
    write_blank_pdf(tmp_path / "扫描件.pdf", image=True)
    (tmp_path / "page.html").write_bytes(GOV_PAGE.encode("gbk"))
    expected = {"gbk.txt": "ok", "big5.txt": "ok", "报告.docx": "ok", "通报.pdf": "ok",
                "page.html": "ok", "empty.txt": "empty file", "binary.txt": "binary",
                "扫描件.pdf": "scanned PDF"}
    seen = {}
    for path in sorted(p for p in tmp_path.rglob("*") if p.is_file()):
        try:
            read_text(path)
            seen[path.name] = "ok"
        except ReadError as exc:
            seen[path.name] = next((k for k in expected.values() if k in str(exc)), str(exc))
    assert seen == expected
