"""xuncha_nlp: mine Chinese reports on Party inspection work (巡视/巡察).

The public API is the names in ``__all__``; everything else is private unless documented.
Importing the package is cheap: modules import jieba, scikit-learn, pandas, numpy and
OpenCC, and read lexicons, only when a function first needs them.
"""

from __future__ import annotations

from ._version import __version__
from .errors import LexiconError, ModelError, ReadError, XunchaError
from .io import Document, read_text
from .lexicon import Lexicon
from .normalize import Change, Normalized, normalize
from .phrases import Phrase, PhraseExtractor, extract_phrases, phrase_frame

__all__ = [
    "Change",
    "Document",
    "Lexicon",
    "LexiconError",
    "ModelError",
    "Normalized",
    "Phrase",
    "PhraseExtractor",
    "ReadError",
    "XunchaError",
    "__version__",
    "extract_phrases",
    "normalize",
    "phrase_frame",
    "read_text",
]
