"""The domain lexicon of formulations (提法): canonical phrase, kind and surface variants.

The shipped lexicon is ``data/lexicons/phrases.tsv``; :meth:`Lexicon.default` reads it on
first use. A :class:`Lexicon` is an immutable value: build your own from entries (or extend
the default) and hand it to :class:`xuncha_nlp.phrases.PhraseExtractor`; nothing in the
process is mutated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, get_args

from . import resources
from .errors import LexiconError

__all__ = ["KINDS", "Entry", "Kind", "Lexicon"]

Kind = Literal["political", "numbered", "inspection", "discipline", "organisation"]
KINDS: tuple[str, ...] = get_args(Kind)

_FILE = "phrases.tsv"


@dataclass(frozen=True)
class Entry:
    """One formulation: its canonical (simplified) form, kind and other surface forms."""

    phrase: str
    kind: Kind
    variants: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.phrase, str):
            raise TypeError(f"Entry phrase must be str, not {type(self.phrase).__name__}")
        if len(self.phrase.strip()) < 2 or self.phrase != self.phrase.strip():
            raise ValueError(
                f"Entry phrase {self.phrase!r} must have at least 2 characters and no "
                "surrounding spaces"
            )
        if self.kind not in KINDS:
            raise ValueError(
                f"unknown kind {self.kind!r} for {self.phrase!r}; choose one of "
                f"{', '.join(KINDS)}"
            )
        variants: object = self.variants
        if not isinstance(variants, tuple) or not all(
            isinstance(v, str) and v.strip() for v in variants
        ):
            raise TypeError(
                f"Entry variants of {self.phrase!r} must be a tuple of non-empty strings"
            )

    @property
    def surfaces(self) -> tuple[str, ...]:
        """The canonical phrase followed by its variants."""
        return (self.phrase, *self.variants)

    def to_dict(self) -> dict[str, Any]:
        return {"phrase": self.phrase, "kind": self.kind, "variants": list(self.variants)}


@dataclass(frozen=True)
class Lexicon:
    """An immutable set of :class:`Entry` with lookup from any surface form.

    Surfaces are compared after :func:`xuncha_nlp.normalize` (traditional script, width),
    so entries written in either script find the same text. A surface may belong to one
    entry only; a clash raises ``ValueError`` naming both entries.
    """

    entries: tuple[Entry, ...]
    _index: Mapping[str, Entry] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        entries: object = self.entries
        if not isinstance(entries, (tuple, list)) or not all(
            isinstance(e, Entry) for e in entries
        ):
            raise TypeError("Lexicon entries must be Entry objects (use Lexicon.from_entries)")
        index: dict[str, Entry] = {}
        for entry in self.entries:
            for surface in entry.surfaces:
                other = index.get(surface)
                if other is not None and other is not entry:
                    raise ValueError(
                        f"surface {surface!r} belongs to both {other.phrase!r} and "
                        f"{entry.phrase!r}; give it to one entry only"
                    )
                index[surface] = entry
        object.__setattr__(self, "entries", tuple(self.entries))
        object.__setattr__(self, "_index", MappingProxyType(index))

    # --- construction ------------------------------------------------------------------
    @classmethod
    def default(cls) -> Lexicon:
        """The shipped lexicon (``data/lexicons/phrases.tsv``), read once per process."""
        return _default()

    @classmethod
    def from_entries(
        cls, entries: Iterable[Entry | tuple[str, str] | tuple[str, str, Iterable[str]]]
    ) -> Lexicon:
        """A lexicon from :class:`Entry` objects or ``(phrase, kind[, variants])`` tuples.

        Phrases and variants are normalised (traditional → simplified, full-width → half),
        a variant equal to its own phrase is dropped, and two entries with the same
        canonical phrase are an error.
        """
        given: object = entries
        if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
            raise TypeError("Lexicon.from_entries() takes an iterable of entries, not "
                            f"{type(given).__name__}")
        built: list[Entry] = []
        for item in given:
            built.append(_coerce(item))
        return cls(_dedupe(built))

    @classmethod
    def from_file(cls, path: str | PathLike[str]) -> Lexicon:
        """A lexicon from a TSV file in the format of ``phrases.tsv``.

        Malformed lines raise :class:`~xuncha_nlp.errors.LexiconError` naming file and line.
        """
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise LexiconError(f"{p}: cannot read lexicon ({exc.strerror or exc})") from None
        return cls(_parse(text, str(p)))

    def extend(
        self, entries: Iterable[Entry | tuple[str, str] | tuple[str, str, Iterable[str]]]
    ) -> Lexicon:
        """A new lexicon with ``entries`` added; an entry whose phrase already exists
        replaces the old one."""
        extra = Lexicon.from_entries(entries)
        replaced = {e.phrase for e in extra.entries}
        kept = [e for e in self.entries if e.phrase not in replaced]
        taken = {s for e in extra.entries for s in e.surfaces}
        # An old entry loses a variant the new entries claim instead of raising: the caller
        # asked for the new mapping.
        kept = [
            Entry(e.phrase, e.kind, tuple(v for v in e.variants if v not in taken))
            for e in kept
            if e.phrase not in taken
        ]
        return Lexicon((*kept, *extra.entries))

    # --- lookup ------------------------------------------------------------------------
    def lookup(self, surface: str) -> Entry | None:
        """The entry whose phrase or variant is exactly ``surface`` (simplified), if any."""
        return self._index.get(surface)

    @property
    def surfaces(self) -> Mapping[str, Entry]:
        """Every surface form (phrases and variants) → its entry; read-only."""
        return self._index

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __contains__(self, surface: object) -> bool:
        return isinstance(surface, str) and surface in self._index

    def to_dict(self) -> dict[str, Any]:
        return {"entries": [e.to_dict() for e in self.entries]}


# --- helpers --------------------------------------------------------------------------
def _clean(surface: str) -> str:
    from .normalize import normalize

    return normalize(surface.strip()).text


def _coerce(item: object) -> Entry:
    if isinstance(item, Entry):
        phrase, kind, variants = item.phrase, item.kind, item.variants
    elif isinstance(item, tuple) and len(item) in (2, 3):
        phrase, kind = item[0], item[1]
        raw = item[2] if len(item) == 3 else ()
        if isinstance(raw, str):
            raise TypeError(
                f"variants of {phrase!r} must be an iterable of strings, not one string "
                "(split '|'-separated variants first)"
            )
        variants = tuple(raw)
    else:
        raise TypeError(
            "lexicon entries must be Entry objects or (phrase, kind[, variants]) tuples, "
            f"not {type(item).__name__}"
        )
    if not isinstance(phrase, str) or not all(isinstance(v, str) for v in variants):
        raise TypeError(f"lexicon phrase and variants must be str: {item!r}")
    canonical = _clean(phrase)
    forms = tuple(dict.fromkeys(f for v in variants if (f := _clean(v)) and f != canonical))
    if kind not in KINDS:
        raise ValueError(
            f"unknown kind {kind!r} for {phrase!r}; choose one of {', '.join(KINDS)}"
        )
    return Entry(canonical, kind, forms)


def _dedupe(entries: list[Entry]) -> tuple[Entry, ...]:
    seen: dict[str, Entry] = {}
    for e in entries:
        if e.phrase in seen:
            raise ValueError(f"phrase {e.phrase!r} is listed twice")
        seen[e.phrase] = e
    return tuple(entries)


def _parse(text: str, name: str) -> tuple[Entry, ...]:
    entries: list[Entry] = []
    where: dict[str, int] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) not in (2, 3):
            raise LexiconError(
                f"{name}, line {lineno}: expected phrase<TAB>kind<TAB>variants, found "
                f"{len(fields)} fields: {line!r}"
            )
        phrase, kind = fields[0], fields[1]
        variants = resources.split_variants(fields[2]) if len(fields) == 3 else []
        try:
            entry = _coerce((phrase, kind, variants))
        except (TypeError, ValueError) as exc:
            raise LexiconError(f"{name}, line {lineno}: {exc}") from None
        if entry.phrase in where:
            raise LexiconError(
                f"{name}, line {lineno}: phrase {entry.phrase!r} already listed on line "
                f"{where[entry.phrase]}"
            )
        where[entry.phrase] = lineno
        entries.append(entry)
    try:
        Lexicon(tuple(entries))
    except ValueError as exc:
        raise LexiconError(f"{name}: {exc}") from None
    return tuple(entries)


@cache
def _default() -> Lexicon:
    text = resources.lexicon_path(_FILE).read_text(encoding="utf-8")
    return Lexicon(_parse(text, _FILE))
