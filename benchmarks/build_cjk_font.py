"""Rebuild the shipped chart font, data/fonts/XunchaSansSC-Regular.ttf, from Noto Sans SC.

Charts must show Chinese on a machine with no CJK font installed, and a full CJK font is
8-16 MB, so xuncha_nlp ships a subset of Noto Sans SC Regular (SIL Open Font License 1.1,
data/fonts/OFL.txt) holding:

- every Han character of GB2312 (6,763: the characters of everyday simplified text),
- the common characters of data/lexicons/common_chars.txt, which carry the traditional forms
  of the 3,000 most frequent characters, so file names and titles of traditional reports
  render too (7,869 Han characters in all),
- ASCII, Latin-1, general punctuation, CJK punctuation, full-width forms, circled and
  parenthesised numbers, Roman numerals, arrows and the maths signs reports use (≥ ≤ ± ×).

The outlines are converted from CFF to TrueType quadratics, so every matplotlib backend (PDF
and PS embed TrueType as Type 42) can use the font, and renamed "Xuncha Sans SC" so it never
shadows a full Noto Sans SC installed on the machine.

The source font is taken from the PyPI package ``pylopdf-fonts-zh-cn`` (Noto Sans SC 2.004),
downloaded with pip into a temporary folder; pass ``--source FILE`` to use a local copy of
NotoSansSC-Regular.otf instead:

    python benchmarks/build_cjk_font.py [--source NotoSansSC-Regular.otf]

It prints the glyph counts, the file size and the characters wanted but missing in the source.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

from xuncha_nlp import resources
from xuncha_nlp.plot_font import FONT_FAMILY, FONT_FILE

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "data" / "fonts" / FONT_FILE
FAMILY = FONT_FAMILY
POSTSCRIPT = Path(FONT_FILE).stem
SOURCE_PACKAGE = "pylopdf-fonts-zh-cn==0.1.1"
SOURCE_MEMBER = "pylopdf_fonts_zh_cn/NotoSansSC-Regular.otf"
# Maximum distance (font units, 1000 per em) between the cubic and its quadratic replacement:
# a thousandth of an em, invisible at any chart size.
MAX_ERR = 1.0

# Non-Han ranges kept: (first, last) code points, inclusive.
RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1: ° ± × · ÷
    (0x2010, 0x203B),  # general punctuation: – — ‘ ’ “ ” … ‰ ※
    (0x2100, 0x2199),  # letterlike, Roman numerals Ⅰ…Ⅻ, arrows
    (0x2200, 0x22FF),  # maths: ≤ ≥ ≈ ≠
    (0x2460, 0x24FF),  # ① … ⑳, ⑴ … ⒇, ⒈ …
    (0x2500, 0x25FF),  # box drawing and shapes: ■ □ ▲ ● ○
    (0x3000, 0x303F),  # CJK punctuation: 、。〈〉《》「」『』【】〔〕〇
    (0x3200, 0x32FF),  # parenthesised and circled ideographs: ㈠ ㊀
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF01, 0xFF5E),  # full-width ASCII
    (0xFFE0, 0xFFE6),  # full-width ￥ ￡
)


def gb2312_hanzi() -> set[str]:
    """The 6,763 Han characters of GB2312 (rows 16-87), decoded from their byte codes."""
    chars: set[str] = set()
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def wanted() -> tuple[set[str], set[str]]:
    """(Han characters, other characters) the subset keeps: GB2312, the common characters,
    and every character of the shipped chart labels (taxonomy, metrics, 暂无数据), which
    analysts may edit."""
    from xuncha_nlp.plot import NO_DATA
    from xuncha_nlp.stats import metric_labels
    from xuncha_nlp.taxonomy import categories

    labels = "".join([*(c.label for level in ("L1", "L2") for c in categories(level)),
                      *metric_labels().values(), NO_DATA])
    other = {chr(cp) for lo, hi in RANGES for cp in range(lo, hi + 1)}
    han = gb2312_hanzi() | set(resources.read_words("common_chars.txt")) | set(labels)
    return han - other, other


def fetch_source(tmp: Path) -> Path:
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--dest", str(tmp), SOURCE_PACKAGE], check=True)
    wheel = next(tmp.glob("*.whl"))
    with zipfile.ZipFile(wheel) as z:
        z.extract(SOURCE_MEMBER, tmp)
    return tmp / SOURCE_MEMBER


def to_truetype(font: TTFont) -> None:
    """Replace the CFF table by glyf/loca with quadratic outlines (as fontTools' otf2ttf)."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    glyf.compile(font)  # computes each glyph's bounds, needed for hmtx and maxp
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentElements = max(len(g.components) if hasattr(g, "components") else 0
                                    for g in glyf.glyphs.values())
    maxp.compile(font)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font["head"].indexToLocFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def rename(font: TTFont) -> None:
    name = font["name"]
    source_version = name.getDebugName(5) or "unknown version"
    for rec in list(name.names):
        if rec.nameID in (1, 4, 16, 21):
            name.setName(FAMILY if rec.nameID in (1, 16, 21) else f"{FAMILY} Regular",
                         rec.nameID, rec.platformID, rec.platEncID, rec.langID)
    for rec in list(name.names):
        if rec.nameID in (3, 6, 20):
            name.setName(POSTSCRIPT if rec.nameID != 3 else f"{POSTSCRIPT};xuncha_nlp subset",
                         rec.nameID, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID == 5:
            name.setName(f"{source_version}; subset of Noto Sans SC for xuncha_nlp charts",
                         rec.nameID, rec.platformID, rec.platEncID, rec.langID)
    # Localised family names (e.g. 思源黑体) would let matplotlib find the subset under the
    # source's name; keep only the renamed records.
    name.names = [r for r in name.names if r.nameID not in (1, 2, 4, 16, 17)
                  or r.langID in (0x409, 0)]


def build(source: Path) -> tuple[int, int, list[str]]:
    han, other = wanted()
    want = han | other
    font = TTFont(source)
    have = set(font.getBestCmap())
    # Symbols the source lacks are left to the fallback fonts; a missing Han character is
    # worth reporting.
    missing = sorted(ch for ch in han if ord(ch) not in have)
    options = subset.Options()
    options.layout_features = ["kern", "liga", "locl", "vert", "halt", "palt"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["DSIG", "vhea", "vmtx", "VORG", "BASE"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(ch) for ch in want if ord(ch) in have])
    sub.subset(font)
    to_truetype(font)
    rename(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(TARGET)
    return len(font.getBestCmap()), TARGET.stat().st_size, missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, help="a local NotoSansSC-Regular.otf")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        source = args.source or fetch_source(Path(tmp))
        chars, size, missing = build(source)
    print(f"{TARGET.relative_to(ROOT)}: {chars} characters, {size / 1e6:.2f} MB")
    print(f"Han characters wanted but not in the source: {len(missing)} {''.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
