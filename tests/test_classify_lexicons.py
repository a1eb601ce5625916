"""The data behind classify and find_problems: taxonomy.tsv, category_cues.tsv,
problem_cues.tsv parse, use known ids and kinds, and mean what the design says."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from xuncha_nlp import resources
from xuncha_nlp.keywords import _lexicon
from xuncha_nlp.problems import KINDS, problem_cues
from xuncha_nlp.taxonomy import area_of, categories, category

DESIGN = {  # taxonomy.md: L2 id -> L1 id
    "political": "decisions", "livelihood": "decisions", "responsibility": "strict_party",
    "conduct": "strict_party", "integrity": "strict_party", "finance": "strict_party",
    "party_building": "organisation", "personnel": "organisation",
    "rectification": "rectification",
}


def test_taxonomy_matches_the_design() -> None:
    assert {c.id: c.parent for c in categories("L2")} == DESIGN
    assert [c.id for c in categories("L1")] == [
        "decisions", "strict_party", "organisation", "rectification"]
    assert category("integrity").label == "廉洁"
    assert area_of("finance") == "strict_party" and area_of("nope") is None


def test_unknown_ids_and_levels() -> None:
    with pytest.raises(KeyError, match="valid ids"):
        category("nope")
    with pytest.raises(ValueError, match="L1"):
        categories("L3")


def test_category_cues_parse_and_cover_every_category() -> None:
    lex = _lexicon()  # raises LexiconError on an unknown category or a bad weight
    per = Counter(cat for cats in lex.plain.values() for cat, _ in cats)
    for cid in DESIGN:
        assert per[cid] >= 30, f"{cid} has only {per[cid]} plain cues"
    rules = Counter(r.category for r in lex.rules)
    # boundary rules are expressed as context rules for the categories they move things to
    for cid in ("finance", "livelihood", "conduct", "integrity", "party_building",
                "responsibility", "rectification"):
        assert rules[cid] >= 1, cid


def test_category_cue_rows_are_well_formed() -> None:
    for cue, cat, weight, requires, unless in resources.read_rows("category_cues.tsv", (3, 5)):
        assert cat in DESIGN, cue
        assert 0 < float(weight) <= 10, cue
        for field in (requires, unless):
            if field:
                assert all(w.strip() for w in field.split("|")), cue
        if "…" in cue:
            head, _, tail = cue.partition("…")
            assert head and tail, cue


def test_problem_cue_kinds_and_weights() -> None:
    cues = problem_cues()
    assert set(cues) == set(KINDS)
    for cue, kind, weight in resources.read_rows("problem_cues.tsv", (2, 3)):
        assert kind in KINDS, cue
        if weight:
            assert kind in ("pred", "noun") and weight in ("1", "2"), cue
    fixed = set(cues["fixed"])
    assert not fixed & set(cues["pred"]), "a cue cannot be both a finding and a fix"
    assert {"巡察发现", "发现"} & set(cues["lead_in"])


def test_shipped_training_set_is_one_file_with_enough_per_category() -> None:
    training = Path(str(resources.data_dir())) / "training"
    leftovers = sorted(p.name for p in training.glob("part_*.csv"))
    assert not leftovers, f"merge the part files into statements.csv: {leftovers}"
    from xuncha_nlp.training import read_labels

    data = read_labels(training / "statements.csv")
    counts = Counter(data.labels)
    assert set(counts) == set(DESIGN)
    assert min(counts.values()) >= 80, counts
    assert len(set(data.texts)) == len(data.texts), "repeated statements"
