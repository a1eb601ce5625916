"""html: the main text of pages shaped like real ones, titles, and charset decoding."""

from __future__ import annotations

import html as stdlib_html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha_nlp.errors import ReadError
from xuncha_nlp.html import decode_html, html_to_text, read_html

from .io_fixtures import GOV_PAGE, GOV_PAGE_LINES, GOV_PAGE_NOT, GOV_PAGE_TITLE

P1 = "市委第三巡察组于4月进驻市人力资源和社会保障局党组开展巡察，为期两个月。"
P2 = "巡察期间，巡察组共受理来信来访31件次，个别谈话65人次，实地走访基层单位9个。"
P3 = "巡察组将把发现的问题按程序移交有关方面处理，对群众反映强烈的问题推动立行立改。"
NAV = ("<ul class='menu'><li><a href='/'>首页</a></li><li><a href='/a'>机构概况</a></li>"
       "<li><a href='/b'>巡视巡察</a></li><li><a href='/c'>审查调查</a></li></ul>")
LINKS = "".join(f"<li><a href='/n{i}'>县委巡察办召开第{i}次工作例会</a></li>" for i in range(8))

# (id, markup, lines of main text expected, strings that must not appear)
PAGES: list[tuple[str, str, list[str], tuple[str, ...]]] = [
    ("no_known_container_density",
     f"<html><body><div class='wrap'><div class='left'>{NAV}<ul>{LINKS}</ul></div>"
     f"<div class='right'><div class='tit'>巡察进驻</div><div class='con'><p>{P1}</p>"
     f"<p>{P2}</p><p>{P3}</p></div></div></div><div id='foot'>版权所有 某某市委</div>"
     "</body></html>",
     [P1, P2, P3], ("首页", "例会", "版权所有")),
    ("html5_article",
     f"<html><body><header>{NAV}</header><main><article><h1>巡察进驻</h1><p>{P1}</p>"
     f"<p>{P2}</p></article><aside><ul>{LINKS}</ul></aside></main>"
     "<footer>网站标识码 1234</footer></body></html>",
     ["巡察进驻", P1, P2], ("首页", "例会", "网站标识码")),
    ("old_table_layout_br",
     f"<html><body><table><tr><td>{NAV}</td></tr><tr><td class='bt_content'>"
     f"　　{P1}<br>　　{P2}<br><br>　　{P3}</td></tr><tr><td>{LINKS}</td></tr></table>"
     "</body></html>",
     [f"　　{P1}", f"　　{P2}", f"　　{P3}"], ("首页", "例会")),
    ("known_container_tightened",
     f"<html><body><div class='content'><h2>巡察进驻</h2><div class='info'>来源：市委巡察办"
     f"</div><div class='TRS_Editor'><p>{P1}</p><p>{P2}</p><p>{P3}</p></div>"
     "<div class='share'>分享到</div></div></body></html>",
     [P1, P2, P3], ("来源", "分享到", "巡察进驻")),
    ("known_selector_on_a_widget_loses_to_density",
     f"<html><body><div id='content'><a href='/x'>更多</a> 今日值班：张某</div>"
     f"<div class='box'><p>{P1}</p><p>{P2}</p><p>{P3}</p></div></body></html>",
     [P1, P2, P3], ("值班",)),
    ("hidden_popup_and_print_bar_dropped",
     f"<html><body><div id='zoom'><p>{P1}</p><div style='display: none'>扫一扫在手机打开当前页"
     f"</div><p>{P2}</p></div><div class='print'>【打印本页】【关闭窗口】</div></body></html>",
     [P1, P2], ("打印本页", "扫一扫")),
    ("article_hidden_until_script_runs_kept",
     f"<html><body>{NAV}<div class='box' style='display:none'><p>{P1}</p><p>{P2}</p></div>"
     "</body></html>",
     [P1, P2], ("首页",)),
    ("wechat_article_hidden_until_script_runs",
     f"<html><body><div class='rich_media_area'><h1 class='rich_media_title'>巡察进驻</h1>"
     f"<div class='rich_media_meta_list'>某某纪检监察 2023-06-12</div>"
     f"<div class='rich_media_content' id='js_content' style='visibility: hidden;'>"
     f"<section><p><span>{P1}</span></p><p><span>{P2}</span></p></section></div></div>"
     f"<div class='qr_code_pc'>微信扫一扫关注该公众号</div></body></html>",
     [P1, P2], ("扫一扫", "2023-06-12")),
    ("wrapper_class_content_tightened_to_densest",
     f"<html><body><div class='content'><div class='info'>发布时间：2023-06-12 来源：市委巡察办"
     f"</div><div class='txt'><p>{P1}</p><p>{P2}</p><p>{P3}</p></div></div></body></html>",
     [P1, P2, P3], ("发布时间",)),
    ("entities_and_nbsp",
     "<html><body><div id='zoom'><p>&#24033;&#23519;&nbsp;&nbsp;工作&amp;整改&lt;通报&gt;"
     "</p></div></body></html>",
     ["巡察\u00a0\u00a0工作&整改<通报>"], ()),
    ("no_body_fragment", f"<p>{P1}</p><p>{P2}</p>", [P1, P2], ()),
    ("gov_page", GOV_PAGE, GOV_PAGE_LINES, GOV_PAGE_NOT),
]


@pytest.mark.parametrize(("case", "markup", "lines", "absent"), PAGES, ids=[c[0] for c in PAGES])
def test_main_text(case: str, markup: str, lines: list[str], absent: tuple[str, ...]) -> None:
    text, _ = html_to_text(markup)
    assert text.split("\n") == lines
    for boilerplate in absent:
        assert boilerplate not in text


# (id, head and heading markup, expected title)
TITLES: list[tuple[str, str, str | None]] = [
    ("meta_article_title", "<head><meta name='ArticleTitle' content='巡察反馈会召开'>"
     "<title>首页_某网站</title></head>", "巡察反馈会召开"),
    ("og_title", "<head><meta property='og:title' content='巡察整改通报'></head>", "巡察整改通报"),
    ("heading_named_in_title", "<head><title>县委巡察组进驻县医保局_工作动态_某县纪委</title>"
     "</head><body><div class='title'>县委巡察组进驻县医保局</div></body>",
     "县委巡察组进驻县医保局"),
    ("title_first_part", "<head><title>巡察整改进展情况通报 - 某市纪委监委</title></head>",
     "巡察整改进展情况通报"),
    ("title_with_inner_hyphen_kept", "<head><title>2023-2024年度巡察工作规划</title></head>",
     "2023-2024年度巡察工作规划"),
    ("h1_only", "<body><h1>  巡察工作\n综述 </h1></body>", "巡察工作 综述"),
    ("none", "<body><p>正文</p></body>", None),
]


@pytest.mark.parametrize(("case", "markup", "expected"), TITLES, ids=[c[0] for c in TITLES])
def test_title(case: str, markup: str, expected: str | None) -> None:
    assert html_to_text(f"<html>{markup}</html>")[1] == expected


# (id, bytes, codec expected)
DECODING: list[tuple[str, bytes, str]] = [
    ("meta_charset_gbk", f"<meta charset='gbk'><p>{P1}</p>".encode("gbk"), "gb18030"),
    ("http_equiv_gb2312_with_gbk_only_char",
     '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>镕</p>'
     .encode("gbk"), "gb18030"),
    ("meta_big5", "<meta charset=big5><p>巡察組發現問題</p>".encode("big5"), "cp950"),
    ("declared_gb2312_but_utf8", f"<meta charset=gb2312><p>{P1}</p>".encode(), "utf-8"),
    ("declared_utf8_but_gbk", f"<meta charset=utf-8><p>{P1}{P2}</p>".encode("gbk"), "gb18030"),
    ("undeclared_gbk", f"<p>{P1}{P2}</p>".encode("gbk"), "gb18030"),
    ("utf8_bom", b"\xef\xbb\xbf" + f"<p>{P1}</p>".encode(), "utf-8-sig"),
    ("declared_latin1_really_gbk", f"<meta charset=iso-8859-1><p>{P1}{P2}</p>".encode("gbk"),
     "gb18030"),
    ("latin1_page", "<meta charset=iso-8859-1><p>Café</p>".encode("latin-1"), "iso8859-1"),
]


@pytest.mark.parametrize(("case", "data", "codec"), DECODING, ids=[c[0] for c in DECODING])
def test_decode_html(case: str, data: bytes, codec: str) -> None:
    markup, used = decode_html(data)
    assert used == codec
    assert markup.lstrip("\ufeff") == data.decode(codec).lstrip("\ufeff")


def test_undecodable_page_names_the_file() -> None:
    with pytest.raises(ReadError, match=r"page\.html: .*binary"):
        read_html(bytes(range(256)) * 8, name="page.html")


def test_read_html_returns_page() -> None:
    page = read_html(GOV_PAGE.encode("gbk"), name="p.html")
    assert (page.title, page.encoding) == (GOV_PAGE_TITLE, "gb18030")
    assert page.text.split("\n") == GOV_PAGE_LINES


def test_html_to_text_rejects_bytes() -> None:
    with pytest.raises(TypeError, match="takes str, not bytes"):
        html_to_text(GOV_PAGE.encode())  # type: ignore[arg-type]


_TEXT = st.text(
    alphabet=st.sampled_from("巡察组发现问题整改落实责任，。；“”、0123456789ab &<>"),
    min_size=1, max_size=200,
)


@settings(max_examples=200, deadline=None)
@given(paragraphs=st.lists(_TEXT, min_size=1, max_size=6))
def test_article_text_survives(paragraphs: list[str]) -> None:
    """Whatever the article says, each paragraph comes out whole, in order, on its own line
    (spaces collapsed as a browser would)."""
    body = "".join(f"<p>{stdlib_html.escape(p)}</p>" for p in paragraphs)
    markup = f"<html><body><div class='nav'>{NAV}</div><div id='zoom'>{body}</div></body></html>"
    text, _ = html_to_text(markup)
    expected = [" ".join(p.split()) for p in paragraphs]
    assert (text.split("\n") if text else []) == [p for p in expected if p]


def test_html_blocks_lexicon() -> None:
    """Every row has a known kind, every content selector parses, skip words are single
    lower-case words (they are compared with split, lower-cased attributes)."""
    from selectolax.lexbor import LexborHTMLParser

    from xuncha_nlp.resources import read_rows

    rows = read_rows("html_blocks.tsv", 2)
    assert {kind for _, kind in rows} == {"content", "skip"}
    assert len({value for value, _ in rows}) == len(rows)
    tree = LexborHTMLParser("<div id='zoom'><p>x</p></div>")
    for value, kind in rows:
        if kind == "content":
            tree.css(value)  # raises on a malformed selector
        else:
            assert value == value.lower() and value.isalnum(), value
    assert tree.css('[id="zoom"]')
