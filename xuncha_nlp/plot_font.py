"""The Chinese font of xuncha_nlp's charts, so labels render on any machine.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs, and a fresh machine or CI
runner has no CJK font at all: every label would be a row of boxes. The package ships
``data/fonts/XunchaSansSC-Regular.ttf``, a 2.6 MB subset of Noto Sans SC (SIL Open Font
License 1.1, ``data/fonts/OFL.txt``) holding GB2312's 6,763 characters, the traditional forms of
the common ones, ASCII and Chinese punctuation (``benchmarks/build_cjk_font.py`` rebuilds it).

:func:`font_context` registers it with matplotlib on first use and puts it first in
``font.family`` for the duration of a ``with`` block only, so a notebook's own settings are
left as they were. Full CJK fonts installed on the machine come next (matplotlib falls back
glyph by glyph), so a rare character outside the subset still renders where such a font
exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from . import resources
from .errors import XunchaError

__all__ = ["FONT_FAMILY", "FONT_FILE", "font_context", "font_families", "font_path"]

FONT_FAMILY = "Xuncha Sans SC"
FONT_FILE = "XunchaSansSC-Regular.ttf"
# Full CJK fonts commonly installed (Linux, macOS, Windows), tried glyph by glyph after the
# shipped subset; only those present on the machine are listed, so none triggers a
# "family not found" warning.
SYSTEM_CJK = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "PingFang SC", "Hiragino Sans GB",
    "Heiti SC", "Microsoft YaHei", "SimHei", "Noto Sans CJK TC", "Noto Sans CJK JP",
)


def font_path() -> Path:
    """The shipped font file."""
    path = Path(str(resources.data_dir() / "fonts" / FONT_FILE))
    if not path.is_file():
        raise XunchaError(
            f"the chart font {FONT_FILE} is missing from {resources.data_dir()}/fonts; "
            "reinstall xuncha-nlp (or run benchmarks/build_cjk_font.py in a checkout)")
    return path


@cache
def font_families() -> tuple[str, ...]:
    """The ``font.family`` list of the charts: the shipped font, the full CJK fonts found on
    this machine, then matplotlib's default sans-serif for anything else. Registers the
    shipped font with matplotlib's font manager (once per process)."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    path = str(font_path())
    if not any(entry.fname == path for entry in manager.ttflist):
        manager.addfont(path)
    installed = {entry.name for entry in manager.ttflist}
    return (FONT_FAMILY, *(f for f in SYSTEM_CJK if f in installed), "DejaVu Sans")


@contextmanager
def font_context() -> Iterator[None]:
    """Within the block, new matplotlib text uses the Chinese chart font.

    Use it to build your own charts in the same style::

        with font_context():
            fig, ax = plt.subplots()
            ax.set_title("各报告发现问题数")
    """
    import matplotlib as mpl

    rc: dict[Any, Any] = {
        "font.family": list(font_families()),
        # The shipped font has U+2212, but a label drawn by another font might not.
        "axes.unicode_minus": False,
        # A phrase or file name with two "$" must not be read as mathematics.
        "text.parse_math": False,
    }
    with mpl.rc_context(rc):
        yield
