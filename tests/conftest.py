"""Shared test helpers: where the seeds are, and our own passages."""

from __future__ import annotations

from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
# CI and developers have ../shared beside the checkout; a fresh machine does not.
SEEDS = ROOT.parent / "shared" / "seeds"
SEEDS_MISSING = "../shared/seeds is absent (only CI and developers have it)"


@cache
def seed_texts() -> dict[str, str]:
    if not SEEDS.is_dir():
        return {}
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@cache
def own_passages() -> tuple[str, ...]:
    text = (DATA / "passages.txt").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in text.split("\n\n")]
    return tuple(p for p in paragraphs if p and not p.startswith("#"))
