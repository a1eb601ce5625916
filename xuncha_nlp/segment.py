"""Word segmentation behind a small adapter, with the domain lexicon as user dictionary.

Two back-ends give the same tokens from the same dictionary: ``"rjieba"`` (jieba-rs, the
default when installed, about 15-30x faster) and ``"jieba"`` (the pure-Python reference).
Every surface form of the lexicon is added with a high frequency, so a formulation such as
两个维护 comes out as one token instead of 两个 / 维护.

Nothing is loaded at import: a back-end is imported and its dictionary built on the first
``cut``. The segmenter for the shipped lexicon is built once per process
(:func:`default_segmenter`); a custom lexicon gets its own :class:`Segmenter`. The jieba
back-end uses a private ``jieba.Tokenizer`` so the caller's global ``jieba`` is untouched.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Iterator
from functools import cache
from typing import Any, Literal, get_args

from .lexicon import Lexicon

__all__ = ["BACKENDS", "Backend", "Segmenter", "chunks", "default_backend", "default_segmenter"]

Backend = Literal["rjieba", "jieba"]
BACKENDS: tuple[str, ...] = get_args(Backend)

# Frequency given to every lexicon surface. jieba's own suggestion (just enough to beat the
# word's own split) loses to neighbouring dictionary words in context: 一两个维护 became
# 一两个 / 维护 and 以三转为 became 以 / 三 / 转为. At 10 000 (a common two-character word
# scores a few hundred to a few thousand) no entry was split in any of the contexts we
# tried except by another, overlapping entry, while ordinary words around it keep their
# place: a higher value starts to pull characters out of real words (巡视巡察监督网 → 巡视 /
# 巡察监督 / 网 at 50 000).
USER_FREQ = 10_000

# Text is cut in pieces of about this many characters, at line or sentence ends: jieba cuts
# blocks between punctuation independently, so the tokens are the same as for one call,
# while the memory held per call stays small (one call over 10 MB holds ~350 MiB).
CHUNK_CHARS = 4000
_SENTENCE_ENDS = "。！？；\n"


def default_backend() -> Backend:
    """``"rjieba"`` when it is installed, else ``"jieba"``."""
    return "rjieba" if importlib.util.find_spec("rjieba") is not None else "jieba"


def _check_backend(backend: object) -> Backend:
    if backend is None:
        return default_backend()
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    return backend  # type: ignore[return-value]


class Segmenter:
    """Cut clean simplified text into words; lexicon entries are never split.

    ``Segmenter(lexicon, backend="jieba")``; ``lexicon`` defaults to the shipped one and
    ``backend`` to :func:`default_backend`. The dictionary is built on the first call.
    Thread-safe; one instance can serve a whole corpus.
    """

    def __init__(self, lexicon: Lexicon | None = None, *, backend: Backend | None = None) -> None:
        if lexicon is not None and not isinstance(lexicon, Lexicon):
            raise TypeError(f"lexicon must be a Lexicon, not {type(lexicon).__name__}")
        self._lexicon = lexicon
        self._backend: Backend = _check_backend(backend)
        self._cut: Any = None
        self._lock = threading.Lock()

    @property
    def backend(self) -> Backend:
        return self._backend

    @property
    def lexicon(self) -> Lexicon:
        return self._lexicon if self._lexicon is not None else Lexicon.default()

    def __repr__(self) -> str:
        state = "ready" if self._cut is not None else "not loaded"
        return f"Segmenter(backend={self._backend!r}, {len(self.lexicon)} entries, {state})"

    def _engine(self) -> Any:
        cut = self._cut
        if cut is None:
            with self._lock:
                if self._cut is None:
                    words = sorted(self.lexicon.surfaces)
                    self._cut = (_rjieba_cut(words) if self._backend == "rjieba"
                                 else _jieba_cut(words))
                cut = self._cut
        return cut

    def cut(self, text: str, *, hmm: bool = True) -> list[str]:
        """The tokens of ``text``; joined together they give ``text`` back exactly.

        ``hmm=False`` skips jieba's HMM guesses at words missing from the dictionary: an
        unknown stretch then comes out as single characters instead of invented words
        (未巡先改 → 未/巡/先/改, not 未/巡先/改).
        """
        if not isinstance(text, str):
            raise TypeError(f"Segmenter.cut() takes str, not {type(text).__name__}")
        out: list[str] = []
        for _, tokens in self.cut_chunks(text, hmm=hmm):
            out.extend(tokens)
        return out

    def cut_chunks(self, text: str, *, hmm: bool = True) -> Iterator[tuple[int, list[str]]]:
        """``(offset, tokens)`` for each piece of ``text`` (see :func:`chunks`)."""
        cut = self._engine()
        pos = 0
        for piece in chunks(text):
            yield pos, cut(piece, hmm)
            pos += len(piece)


def chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    """Consecutive pieces of ``text`` of about ``size`` characters, cut after a line or
    sentence end where there is one; concatenated they give ``text``."""
    n = len(text)
    start = 0
    while n - start > size:
        end = start + size
        cut = max(text.rfind(c, start, end) for c in _SENTENCE_ENDS)
        end = cut + 1 if cut > start else end
        yield text[start:end]
        start = end
    if start < n:
        yield text[start:]


def _rjieba_cut(words: list[str]) -> Any:
    import rjieba

    engine = rjieba.Jieba()
    for w in words:
        engine.add_word(w, USER_FREQ, None)
    def cut(text: str, hmm: bool) -> list[str]:
        return engine.cut(text, hmm)

    return cut


def _jieba_cut(words: list[str]) -> Any:
    import jieba

    tokenizer = jieba.Tokenizer()
    # jieba logs "Building prefix dict ..." to stderr at DEBUG; the library never prints.
    log = logging.getLogger("jieba")
    level = log.level
    log.setLevel(logging.WARNING)
    try:
        tokenizer.initialize()
    finally:
        log.setLevel(level)
    for w in words:
        old = tokenizer.FREQ.get(w, 0)
        tokenizer.add_word(w, USER_FREQ)
        # jieba adds the new frequency to the total without removing the old one; jieba-rs
        # replaces it. Match jieba-rs so both back-ends score paths identically.
        tokenizer.total -= old
    def cut(text: str, hmm: bool) -> list[str]:
        return tokenizer.lcut(text, HMM=hmm)  # type: ignore[no-any-return]

    return cut


@cache
def default_segmenter(backend: Backend | None = None) -> Segmenter:
    """The segmenter with the shipped lexicon, one per back-end per process."""
    resolved = _check_backend(backend)
    if backend is None:
        return default_segmenter(resolved)
    return Segmenter(None, backend=resolved)
