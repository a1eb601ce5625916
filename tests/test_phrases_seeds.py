"""Development check on the real seed documents (../shared/seeds): recall@20 of the phrases
an analyst would want (tests/data/seed_phrases.tsv), and spans/back-ends on real text.

Skipped where ../shared/seeds is absent. ``python benchmarks/eval_phrases.py`` prints the
same figures per document.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from xuncha_nlp.lexicon import Lexicon
from xuncha_nlp.normalize import normalize
from xuncha_nlp.phrases import Phrase, extract_phrases

from .conftest import DATA, SEEDS, SEEDS_MISSING, seed_texts

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=SEEDS_MISSING)

# Measured 31/59 = 0.525 overall (benchmarks/eval_phrases.py); the floors sit just below.
OVERALL_FLOOR = 0.50
DOC_FLOOR = 0.40


def expected() -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for line in (DATA / "seed_phrases.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            doc, phrase = line.split("\t")
            out[doc].append(phrase)
    return dict(out)


def hit(phrase: str, found: list[Phrase]) -> bool:
    entry = Lexicon.default().lookup(phrase)
    canonical = entry.phrase if entry is not None else phrase
    return any(p.text in (phrase, canonical) or phrase in p.text for p in found)


def test_every_seed_has_expected_phrases() -> None:
    assert set(expected()) == set(seed_texts())


def test_recall_at_20() -> None:
    texts = seed_texts()
    hits = total = 0
    for doc, phrases in expected().items():
        found = extract_phrases(texts[doc], top_k=20)
        n = sum(hit(p, found) for p in phrases)
        assert n / len(phrases) >= DOC_FLOOR, (doc, n, len(phrases))
        hits, total = hits + n, total + len(phrases)
    assert hits / total >= OVERALL_FLOOR, (hits, total)


@pytest.mark.parametrize("doc", sorted(seed_texts()) or ["none"])
def test_seed_spans_and_backends(doc: str) -> None:
    text = seed_texts()[doc]
    fast = extract_phrases(text, top_k=None, backend="rjieba")
    assert fast == extract_phrases(text, top_k=None, backend="jieba")
    for p in fast:
        assert p.count == len(p.spans)
        entry = Lexicon.default().lookup(p.text)
        forms = {p.text, *(entry.surfaces if entry else ())}
        for s, e in p.spans:
            assert normalize(text[s:e]).text in forms, (p.text, text[s:e])
