"""Where the shipped data lives and how lexicon files are read.

Lexicons are plain UTF-8 text files under ``data/lexicons/`` (in the wheel:
``xuncha_nlp/data/lexicons/``). Lines starting with ``#`` are comments, blank lines are
ignored, columns are separated by TAB. Every file is read on first use and cached for the
life of the process; importing the package reads nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from .errors import LexiconError

__all__ = ["data_dir", "lexicon_path", "read_rows", "read_words"]


@cache
def data_dir() -> Traversable:
    """The directory holding ``lexicons/`` and the other shipped data.

    An installed wheel carries the data inside the package; a source checkout (including an
    editable install) keeps it at the repository's top level, where analysts edit it.
    """
    packaged = resources.files("xuncha_nlp") / "data"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "data"
    if checkout.is_dir():
        return checkout
    raise LexiconError(
        "xuncha_nlp's data directory is missing: expected xuncha_nlp/data in the installed "
        "package or data/ beside the source tree; reinstall the package"
    )


def lexicon_path(name: str) -> Traversable:
    """The shipped lexicon file ``data/lexicons/<name>``."""
    path = data_dir() / "lexicons" / name
    if not path.is_file():
        raise LexiconError(f"lexicon {name!r} not found in {data_dir()}/lexicons")
    return path


@cache
def read_rows(name: str, columns: int | tuple[int, int]) -> tuple[tuple[str, ...], ...]:
    """Parse a TSV lexicon into rows of exactly ``columns`` fields (or a (min, max) range).

    Missing trailing fields are filled with empty strings up to the maximum, so optional
    columns may be left off. A row with too few or too many fields raises
    :class:`LexiconError` naming the file and line.
    """
    lo, hi = (columns, columns) if isinstance(columns, int) else columns
    rows: list[tuple[str, ...]] = []
    text = lexicon_path(name).read_text(encoding="utf-8")
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        while len(fields) > lo and fields[-1] == "" and len(fields) > hi:
            fields.pop()
        if not lo <= len(fields) <= hi or not fields[0]:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise LexiconError(
                f"{name}, line {lineno}: expected {want} TAB-separated fields with a non-empty "
                f"first field, found {len(fields)}: {line!r}"
            )
        rows.append(tuple(fields) + ("",) * (hi - len(fields)))
    return tuple(rows)


def read_words(name: str) -> frozenset[str]:
    """A one-column lexicon as a set of words."""
    return frozenset(row[0] for row in read_rows(name, 1))


def split_variants(field: str) -> Sequence[str]:
    """The ``|``-separated alternatives of a lexicon field, blanks dropped."""
    return [v.strip() for v in field.split("|") if v.strip()]
