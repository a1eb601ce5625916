"""The problem taxonomy: L1 headings and L2 categories, read from ``taxonomy.tsv``.

Ids are stable API; labels are for display. Custom taxonomies (a user's own labels) live in
a trained model, not here: this module only describes the shipped one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from . import resources
from .errors import LexiconError

__all__ = ["Category", "area_of", "categories", "category", "taxonomy_fingerprint"]


@dataclass(frozen=True)
class Category:
    """One row of the taxonomy: an L1 heading (``parent`` None) or an L2 category."""

    id: str
    level: str
    parent: str | None
    label: str
    scope: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "level": self.level, "parent": self.parent,
                "label": self.label, "scope": self.scope}


@cache
def _table() -> tuple[tuple[Category, ...], tuple[Category, ...]]:
    l1: list[Category] = []
    l2: list[Category] = []
    for n, (cid, level, parent, label, scope) in enumerate(
            resources.read_rows("taxonomy.tsv", 5), start=1):
        if level == "L1":
            if parent:
                raise LexiconError(f"taxonomy.tsv: L1 heading {cid!r} must have no parent")
            l1.append(Category(cid, level, None, label, scope))
        elif level == "L2":
            l2.append(Category(cid, level, parent, label, scope))
        else:
            raise LexiconError(
                f"taxonomy.tsv, row {n}: level {level!r} of {cid!r} is neither L1 nor L2")
    heads = {c.id for c in l1}
    seen: set[str] = set()
    for c in l2:
        if c.parent not in heads:
            raise LexiconError(
                f"taxonomy.tsv: category {c.id!r} has parent {c.parent!r}, which is not an L1 "
                f"id ({', '.join(sorted(heads))})")
        if c.id in seen:
            raise LexiconError(f"taxonomy.tsv: category {c.id!r} is listed twice")
        seen.add(c.id)
    return tuple(l1), tuple(l2)


def categories(level: str = "L2") -> tuple[Category, ...]:
    """The shipped categories of one level (``"L1"`` or ``"L2"``), in file order."""
    if level not in ("L1", "L2"):
        raise ValueError(f"unknown level {level!r}; choose 'L1' or 'L2'")
    l1, l2 = _table()
    return l1 if level == "L1" else l2


def category(cid: str, level: str = "L2") -> Category:
    """The category with id ``cid``; ``KeyError`` listing the valid ids if unknown."""
    for c in categories(level):
        if c.id == cid:
            return c
    valid = ", ".join(c.id for c in categories(level))
    raise KeyError(f"unknown {level} category {cid!r}; valid ids: {valid}")


@cache
def _areas() -> dict[str, str]:
    return {c.id: c.parent for c in categories("L2") if c.parent is not None}


def area_of(cid: str) -> str | None:
    """The L1 heading of the shipped L2 category ``cid``, or None for an unknown id."""
    return _areas().get(cid)


@cache
def _labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for c in categories("L2"):
        labels.setdefault(c.id, c.label)  # the first, as a scan of the list would find
    return labels


def label_of(cid: str) -> str | None:
    """The display label of the shipped L2 category ``cid``, or None for an unknown id."""
    return _labels().get(cid)


def taxonomy_fingerprint(labels: dict[str, str | None]) -> str:
    """A short stable id of a label set and its areas, stored in models to detect mismatch."""
    import hashlib

    text = "\n".join(f"{k}\t{labels[k] or ''}" for k in sorted(labels))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
