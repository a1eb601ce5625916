"""The exception tree.

Every error the library raises on purpose derives from :class:`XunchaError`, so callers
can catch the library's failures in one place without swallowing programming errors.
Wrong argument *types* raise the built-in ``TypeError``; wrong argument *values* raise
``ValueError``; both name the argument and what would be accepted.

    XunchaError
    ├── LexiconError      a data file under data/lexicons is malformed (file and line named)
    ├── ReadError         a document could not be read or decoded (path and reason named)
    └── ModelError        a saved model is missing, unsafe, or from another taxonomy/version
"""

from __future__ import annotations


class XunchaError(Exception):
    """Base class of every error raised deliberately by xuncha_nlp."""


class LexiconError(XunchaError, ValueError):
    """A lexicon file is malformed; the message names the file and line."""


class ReadError(XunchaError, OSError):
    """A document could not be read or decoded; the message names the path and reason.

    ``path`` and ``reason`` are also attributes, so a batch can tabulate failures without
    parsing messages.
    """

    def __init__(self, message: str, *, path: str | None = None,
                 reason: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason if reason is not None else message


class ModelError(XunchaError, ValueError):
    """A classification model cannot be used; the message says why and what to do."""
