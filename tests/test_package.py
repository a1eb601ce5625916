"""The public surface: what __all__ promises, what importing costs, the error tree."""

from __future__ import annotations

import subprocess
import sys

import pytest

import xuncha_nlp
from xuncha_nlp import errors


def test_all_is_sorted_and_unique() -> None:
    # ruff's RUF022 order: CONSTANTS first, then the rest in plain sorted order.
    def key(name: str) -> tuple[bool, str]:
        return (not name.isupper(), name)

    assert xuncha_nlp.__all__ == sorted(set(xuncha_nlp.__all__), key=key)


@pytest.mark.parametrize("name", xuncha_nlp.__all__)
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(xuncha_nlp, name) is not None


def test_no_public_name_is_missing_from_all() -> None:
    public = {n for n in vars(xuncha_nlp) if not n.startswith("_")}
    modules = {n for n, v in vars(xuncha_nlp).items() if type(v).__name__ == "module"}
    assert public - modules - {"annotations"} <= set(xuncha_nlp.__all__)


@pytest.mark.parametrize(
    "exc", [errors.LexiconError, errors.ReadError, errors.ModelError], ids=lambda e: e.__name__
)
def test_errors_derive_from_base(exc: type[Exception]) -> None:
    assert issubclass(exc, xuncha_nlp.XunchaError)


def test_import_is_cheap() -> None:
    """Importing loads no lexicon, no jieba, no scikit-learn, no pandas, no OpenCC."""
    code = (
        "import sys, xuncha_nlp\n"
        "from xuncha_nlp import resources\n"
        "heavy = [m for m in ('jieba', 'rjieba', 'sklearn', 'pandas', 'numpy', 'opencc')"
        " if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert resources.read_rows.cache_info().currsize == 0\n"
        "assert resources.data_dir.cache_info().currsize == 0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_version() -> None:
    assert xuncha_nlp.__version__.count(".") == 2
