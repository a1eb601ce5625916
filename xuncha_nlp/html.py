"""The main text of a saved web page, without scripts, navigation, headers or footers.

A report published on a website sits in a page full of other things: menus, a
"当前位置" bar, share buttons, related links, a footer with the site's registration number.
:func:`html_to_text` picks the element that holds the article, in two ways that check each
other: containers that publishing systems of Chinese government and news sites are known to
use (``#zoom``, ``.TRS_Editor``, ``#UCAP-CONTENT``…, listed in
``data/lexicons/html_blocks.tsv``), and text density: the element whose paragraphs carry the
most sentence punctuation and the fewest links. Elements whose id or class marks them as
navigation and the like are left out (same lexicon). Paragraph breaks (``<p>``, ``<br>``,
``<div>``, ``<li>``…) become line breaks, one paragraph per line; table cells are separated
by TAB.

Bytes are decoded by :func:`decode_html`: a byte-order mark, then valid UTF-8, then the
page's declared charset (``<meta charset>``), then :func:`xuncha_nlp.encoding.decode_bytes`.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from . import resources
from .errors import ReadError

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["Page", "decode_html", "html_to_text", "read_html"]

# Elements that never hold article text; removed with their content before anything else.
_JUNK_TAGS = ["script", "style", "noscript", "template", "iframe", "frame", "frameset",
              "svg", "canvas", "object", "embed", "select", "option", "button", "textarea",
              "input", "map", "audio", "video", "head"]
_SKIP_TAGS = frozenset({"nav", "header", "footer", "aside", "menu"})
# Text inside these belongs to the enclosing block.
_INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "del", "dfn", "em", "font", "i",
    "img", "ins", "kbd", "label", "mark", "nobr", "q", "rp", "rt", "ruby", "s", "samp",
    "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
})
# Blocks that are paragraphs themselves: their text credits the container above them.
_PARAGRAPHS = frozenset({"p", "pre", "blockquote", "li", "dd", "dt", "h1", "h2", "h3", "h4",
                         "h5", "h6", "caption", "figcaption", "address"})
_CELLS = frozenset({"td", "th"})
_RE_SPACE = re.compile(r"[ \t\r\n\f]+")
_RE_WORDS = re.compile(r"[\s_\-]+")
_RE_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_RE_PUNCT = re.compile("[，。；！？、：,.;!?]")
_RE_TITLE_SEP = re.compile(r"\s*(?:_|\||｜|——|--|－－|\s[-－—]\s)\s*")
_RE_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{2,40})""",
                         re.I)
# Declared labels -> codecs tried in order (superset first: pages labelled gb2312 routinely
# contain GBK characters, and big5 pages HKSCS or Microsoft extensions).
_CHINESE_LABELS: dict[str, tuple[str, ...]] = {
    "gb2312": ("gb18030",), "gbk": ("gb18030",), "gb18030": ("gb18030",),
    "x-gbk": ("gb18030",), "cp936": ("gb18030",), "euc-cn": ("gb18030",),
    "big5": ("cp950", "big5hkscs"), "big5-hkscs": ("big5hkscs", "cp950"),
    "x-x-big5": ("cp950", "big5hkscs"), "cp950": ("cp950", "big5hkscs"),
    "utf-8": ("utf-8",), "utf8": ("utf-8",),
}
_KEEP, _IF_SMALL, _ALWAYS = 0, 1, 2  # whether an element is left out
# An element marked _IF_SMALL is kept if it holds this share of the page's text, unless
# most of that text is links (a menu is a menu however big).
_SKIP_GUARD = 0.4
_SELECTOR_SHARE = 0.5  # a known container must hold this share of the densest block's text
_TIGHTEN_SHARE = 0.7  # an inner known container keeping this share of the text is preferred
_MIN_PARAGRAPH = 10  # characters of text for a block to count as a paragraph


@dataclass(frozen=True)
class Page:
    """The main text of a web page, its title (or None) and the codec of its bytes."""

    text: str
    title: str | None
    encoding: str


def read_html(data: bytes, *, name: str = "<html>") -> Page:
    """Decode the page in ``data`` and extract its main text and title."""
    markup, encoding = decode_html(data, name=name)
    text, title = html_to_text(markup)
    return Page(text, title, encoding)


def decode_html(data: bytes, *, name: str = "<html>") -> tuple[str, str]:
    """(markup, codec) of a page's bytes.

    Valid UTF-8 wins over a declared charset: pages saved by tools that convert to UTF-8
    keep their old ``<meta charset=gb2312>``, and GB18030 would decode the UTF-8 bytes into
    mojibake without complaint.
    """
    from .encoding import decode_bytes

    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoded = decode_bytes(data, name=name)
        return decoded.text, decoded.encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data)
    for codec in _CHINESE_LABELS.get(declared or "", ()):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    try:
        decoded = decode_bytes(data, name=name)
        return decoded.text, decoded.encoding
    except ReadError:
        if declared is None or declared in _CHINESE_LABELS:
            raise
    # Not Chinese text at all: trust a declared Western charset as the last resort.
    try:
        return data.decode(declared), codecs.lookup(declared).name
    except (LookupError, UnicodeDecodeError):
        raise ReadError(f"{name}: cannot decode the page as its declared charset "
                        f"{declared!r} nor as any Chinese encoding") from None


def _declared_charset(data: bytes) -> str | None:
    match = _RE_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


@cache
def _cues() -> tuple[tuple[str, ...], frozenset[str]]:
    content, skip = [], []
    for value, kind in resources.read_rows("html_blocks.tsv", 2):
        if kind == "content":
            content.append(value)
        elif kind == "skip":
            skip.append(value.lower())
        else:
            from .errors import LexiconError

            raise LexiconError(f"html_blocks.tsv: unknown kind {kind!r} for {value!r}; "
                               "expected content or skip")
    return tuple(content), frozenset(skip)


@dataclass
class _Block:
    """What the walk learns about one element (mutable scratch; never leaves this module)."""

    node: LexborNode
    parent: int
    tag: str
    skip_mark: int  # _KEEP, _IF_SMALL or _ALWAYS
    in_link: bool
    own: int = 0  # characters of text whose nearest block is this element
    own_link: int = 0  # of which inside links
    own_punct: int = 0
    total: int = 0  # characters in the subtree, after skipping
    link: int = 0
    credit: float = 0.0


def html_to_text(markup: str) -> tuple[str, str | None]:
    """(main text, title) of an HTML document given as text."""
    if not isinstance(markup, str):
        raise TypeError(f"html_to_text() takes str, not {type(markup).__name__}")
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(markup)
    title = _title(tree)
    tree.strip_tags(_JUNK_TAGS)
    root = tree.body or tree.root
    if root is None:
        return "", title
    content, _ = _cues()
    known_ids = {node.mem_id for selector in content for node in tree.css(selector)}
    blocks = _walk(root)
    skipped = _decide_skips(blocks, known_ids)
    main = _main_block(blocks, skipped, known_ids)
    text = _text_of(blocks[main].node, {blocks[i].node.mem_id for i in skipped})
    return text, title


def _walk(root: LexborNode) -> list[_Block]:
    """Every element under ``root`` in document order, with its own text counted."""
    _, skip_words = _cues()
    blocks = [_Block(root, -1, root.tag or "", _KEEP, False)]
    nearest = [0]  # index of each element's nearest block (itself unless inline)
    stack: list[tuple[LexborNode, int]] = [(root, 0)]
    while stack:
        node, index = stack.pop()
        children = []
        for child in node.iter(include_text=True):
            tag = child.tag or ""
            if tag == "-text":
                text = _RE_SPACE.sub(" ", child.text_content or "").strip()
                if text:
                    target = blocks[nearest[index]]
                    target.own += len(text)
                    target.own_punct += len(_RE_PUNCT.findall(text))
                    if blocks[index].in_link:
                        target.own_link += len(text)
                continue
            if tag.startswith("-"):
                continue
            attrs = child.attributes
            words = _RE_WORDS.split(f"{attrs.get('id') or ''} {attrs.get('class') or ''}"
                                    .lower())
            # Navigation by its tag is always left out; by its id or class words, or when
            # hidden, only if small (a page may hide its article until a script runs).
            if tag in _SKIP_TAGS:
                mark = _ALWAYS
            elif (not skip_words.isdisjoint(words) or "hidden" in attrs
                  or _RE_HIDDEN.search(attrs.get("style") or "")):
                mark = _IF_SMALL
            else:
                mark = _KEEP
            parent = blocks[index]
            blocks.append(_Block(child, index, tag, mark, parent.in_link or tag == "a"))
            new = len(blocks) - 1
            nearest.append(nearest[index] if tag in _INLINE else new)
            children.append((child, new))
        stack.extend(reversed(children))
    return blocks


def _aggregate(blocks: list[_Block], skipped: set[int]) -> None:
    """Subtree text totals, leaving out skipped subtrees (children follow parents)."""
    for b in blocks:
        b.total, b.link = b.own, b.own_link
    for i in range(len(blocks) - 1, 0, -1):
        b = blocks[i]
        if i not in skipped:
            blocks[b.parent].total += b.total
            blocks[b.parent].link += b.link


def _decide_skips(blocks: list[_Block], known_ids: set[int]) -> set[int]:
    _aggregate(blocks, set())
    page = blocks[0].total
    skipped = {i for i, b in enumerate(blocks)
               if b.skip_mark == _ALWAYS
               or (b.skip_mark == _IF_SMALL and b.node.mem_id not in known_ids
                   and (b.total < page * _SKIP_GUARD or b.link * 2 > b.total))}
    _aggregate(blocks, skipped)
    return skipped


def _inside(blocks: list[_Block], i: int, ancestors: set[int]) -> bool:
    while i >= 0:
        if i in ancestors:
            return True
        i = blocks[i].parent
    return False


def _main_block(blocks: list[_Block], skipped: set[int], known_ids: set[int]) -> int:
    """Index of the block holding the article text (0, the whole body, if unsure)."""
    densest = _densest(blocks, skipped)
    # With no paragraph anywhere (densest is the body), any known container with text wins.
    floor = max(1, _plain(blocks[densest]) * _SELECTOR_SHARE) if densest else 1
    known = [i for i, b in enumerate(blocks)
             if b.node.mem_id in known_ids and _plain(b) >= floor
             and not _inside(blocks, i, skipped)]
    if not known:
        return densest
    chosen = max(known, key=lambda i: _plain(blocks[i]))
    keep = _plain(blocks[chosen]) * _TIGHTEN_SHARE
    # A wrapper such as .content may hold the info line and share bar around the article:
    # an inner known container, or the densest block, that keeps most of the text is better.
    inner = [i for i in {*known, densest} if i != chosen and _inside(blocks, i, {chosen})
             and _plain(blocks[i]) >= keep]
    # Document order puts descendants after ancestors: the last is the innermost.
    return max(inner) if inner else chosen


def _plain(block: _Block) -> int:
    """Characters of text in the block outside links."""
    return block.total - block.link


def _densest(blocks: list[_Block], skipped: set[int]) -> int:
    """The block whose paragraphs carry the most sentence text and the fewest links."""
    for b in blocks:
        b.credit = 0.0
    for i, b in enumerate(blocks):
        text = b.own - b.own_link
        if text < _MIN_PARAGRAPH or _inside(blocks, i, skipped) or b.tag in _INLINE:
            continue
        credit = 1 + b.own_punct + min(text / 100, 3)
        # A paragraph credits its container; text sitting in a container credits it.
        first = b.parent if b.tag in _PARAGRAPHS and b.parent >= 0 else i
        blocks[first].credit += credit
        if blocks[first].parent >= 0:
            blocks[blocks[first].parent].credit += credit / 2
    best, best_score = 0, 0.0
    for i, b in enumerate(blocks):
        if b.credit and b.total:
            score = b.credit * (1 - b.link / b.total)
            if score > best_score:
                best, best_score = i, score
    return best


def _text_of(node: LexborNode, skipped: set[int]) -> str:
    """The text under ``node``: one line per paragraph, TAB between table cells."""
    out: list[str] = []
    # Events: a node to enter, or a string to emit when leaving an element.
    stack: list[LexborNode | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        tag = item.tag or ""
        if tag == "-text":
            out.append(_RE_SPACE.sub(" ", item.text_content or ""))
            continue
        if tag.startswith("-") or item.mem_id in skipped:
            continue
        if tag == "br":
            out.append("\n")
            continue
        if tag in _CELLS:
            stack.append("\t")
        elif tag not in _INLINE:
            out.append("\n")
            stack.append("\n")
        stack.extend(reversed(list(item.iter(include_text=True))))
    lines = (line.strip(" \t") for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line.strip())


def _title(tree: LexborHTMLParser) -> str | None:
    """The article's title: declared in meta tags, or the heading that the <title> names,
    or the first part of the <title>, or the first <h1>."""
    for selector in ('meta[name="ArticleTitle"]', 'meta[property="og:title"]',
                     'meta[name="title"]'):
        node = tree.css_first(selector)
        content = _clean(node.attributes.get("content") or "") if node else ""
        if content:
            return content
    node = tree.css_first("title")
    page_title = _clean(node.text()) if node else ""
    headings = [_clean(h.text()) for h in
                tree.css('h1, h2, h3, [class*="title"], [id*="title"]')]
    named = [h for h in headings if len(h) >= 4 and h in page_title]
    if named:
        return max(named, key=len)
    if page_title:
        first = _RE_TITLE_SEP.split(page_title)[0].strip()
        return first if len(first) >= 4 else page_title
    h1 = tree.css_first("h1")
    return (_clean(h1.text()) or None) if h1 else None


def _clean(text: str) -> str:
    return " ".join(text.split())
