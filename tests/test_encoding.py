"""decode_bytes: the encodings Chinese reports arrive in, and what is not text."""

from __future__ import annotations

import pytest

from xuncha_nlp import ReadError
from xuncha_nlp.encoding import decode_bytes

SIMPLIFIED = "巡察组反馈指出，该局党组落实全面从严治党主体责任不够有力，发现问题23个。"
TRADITIONAL = "巡察組回饋指出，該局黨組落實全面從嚴治黨主體責任不夠有力，發現問題23個。"


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (SIMPLIFIED, "utf-8"),
        (SIMPLIFIED, "utf-8-sig"),
        (SIMPLIFIED, "gb18030"),
        (SIMPLIFIED, "gbk"),
        (SIMPLIFIED[:12], "gbk"),
        (TRADITIONAL, "big5"),
        (TRADITIONAL[:12], "big5"),
        (TRADITIONAL, "utf-16"),
        (SIMPLIFIED, "utf-16-le"),
        (TRADITIONAL, "gb18030"),
    ],
    ids=["utf8", "utf8_bom", "gb18030", "gbk", "gbk_short", "big5", "big5_short", "utf16_bom",
         "utf16le_no_bom", "traditional_in_gb18030"],
)
def test_decodes(text: str, codec: str) -> None:
    assert decode_bytes(text.encode(codec)).text == text


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 8, b"\x89PNG\r\n\x1a\n" + bytes(range(200)) * 5],
    ids=["all_bytes", "png"],
)
def test_binary_is_an_error(data: bytes) -> None:
    with pytest.raises(ReadError, match="binary"):
        decode_bytes(data, name="x.txt")


def test_type_error() -> None:
    with pytest.raises(TypeError, match="bytes"):
        decode_bytes("text")  # type: ignore[arg-type]
