"""xuncha_nlp: mine Chinese reports on Party inspection work (巡视/巡察).

The public API is the names in ``__all__``. Importing the package is cheap: every name is
loaded from its module on first use, so ``import xuncha_nlp`` reads no lexicon and imports
neither jieba nor scikit-learn.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import LexiconError, ModelError, ReadError, XunchaError

if TYPE_CHECKING:
    from .normalize import Change, Normalized, normalize

__all__ = [
    "Change",
    "LexiconError",
    "ModelError",
    "Normalized",
    "ReadError",
    "XunchaError",
    "__version__",
    "normalize",
]

# name -> module that defines it; resolved lazily by __getattr__ below.
_LAZY: dict[str, str] = {
    "Change": "normalize",
    "Normalized": "normalize",
    "normalize": "normalize",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'xuncha_nlp' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
