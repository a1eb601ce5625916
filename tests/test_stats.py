"""extract_stats: every case of tests/data/stats_cases*.jsonl, clean and as a traditional +
pinyin scrape; every lexicon row's own example; offsets; the table and the command.

Case files (one JSON object per line): {"id", "text", "expect": [{"metric", "value",
optional "value_max", "unit", "approximate", "redacted", "scope"}], "note"}. value_max,
approximate and redacted default to null/false; unit and scope are checked when given.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xuncha_nlp import normalize, resources
from xuncha_nlp._stat_rules import METRICS, engine
from xuncha_nlp.errors import LexiconError
from xuncha_nlp.stats import (
    Stat,
    cli_stats,
    extract_stats,
    extract_stats_normalized,
    metric_labels,
    stats_frame,
)

from .conftest import DATA, SEEDS, SEEDS_MISSING, seed_texts
from .scraped import corrupt_variant

CASE_FILES = (DATA / "stats_cases.jsonl", DATA / "stats_cases_extra.jsonl")


def _load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in CASE_FILES:
        if not path.is_file():
            continue
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                case = json.loads(line)
                case["where"] = f"{path.name}:{lineno}"
                cases.append(case)
    return cases


CASES = _load_cases()
CASE_IDS = [c["id"] for c in CASES]

Key = tuple[object, ...]


def _expected(case: dict[str, Any]) -> list[Key]:
    return sorted(
        ((e["metric"], e["value"], e.get("value_max"), e.get("unit"),
          bool(e.get("approximate", False)), bool(e.get("redacted", False)))
         for e in case["expect"]), key=repr)


def _found(stats: list[Stat], case: dict[str, Any]) -> list[Key]:
    # unit is compared only where the case gives one (all of ours do)
    with_unit = all("unit" in e for e in case["expect"])
    return sorted(
        ((s.metric, s.value, s.value_max, s.unit if with_unit else None, s.approximate,
          s.redacted) for s in stats), key=repr)


def _check_scopes(stats: list[Stat], case: dict[str, Any]) -> None:
    for e in case["expect"]:
        if "scope" in e:
            scopes = [s.scope for s in stats if s.metric == e["metric"] and s.value == e["value"]]
            assert e["scope"] in scopes, (e, scopes)


def _check_offsets(text: str, stats: list[Stat]) -> None:
    for s in stats:
        start, end = s.span
        assert 0 <= start < end <= len(text)
        assert text[start:end] == s.quote


def test_case_ids_are_unique() -> None:
    assert len(CASES) >= 100
    dupes = [k for k, n in Counter(CASE_IDS).items() if n > 1]
    assert not dupes


def test_every_metric_has_positive_and_negative_cases() -> None:
    covered = Counter(e["metric"] for c in CASES for e in c["expect"])
    assert set(covered) == set(METRICS)
    assert sum(1 for c in CASES if not c["expect"]) >= 20


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_case(case: dict[str, Any]) -> None:
    stats = extract_stats(case["text"])
    assert _found(stats, case) == _expected(case), case["note"]
    _check_scopes(stats, case)
    _check_offsets(case["text"], stats)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_case_traditional_pinyin(case: dict[str, Any]) -> None:
    text = corrupt_variant(case["text"], seed=zlib.crc32(case["id"].encode()))
    stats = extract_stats(text)
    assert _found(stats, case) == _expected(case), text
    _check_scopes(stats, case)
    _check_offsets(text, stats)
    clean = extract_stats(case["text"])
    assert [s.scope for s in stats] == [s.scope for s in clean]


# --- the lexicons ---------------------------------------------------------------------------
RULES = engine().all_rules


@pytest.mark.parametrize("rule", RULES, ids=[r.source for r in RULES])
def test_rule_example(rule: Any) -> None:
    stats = extract_stats(rule.example)
    if not rule.blocks:
        assert any(s.metric == rule.metric and s.rule == rule.source for s in stats), stats
    elif rule.metric is None:
        assert stats == []
    else:
        assert all(s.metric != rule.metric for s in stats)


SCOPE_ROWS = [row for row in resources.read_rows("stat_scopes.tsv", 3)]


@pytest.mark.parametrize("row", SCOPE_ROWS, ids=[r[2] for r in SCOPE_ROWS])
def test_scope_example(row: tuple[str, str, str]) -> None:
    sentence, want = row[2].split(" => ")
    stats = [s for s in extract_stats(sentence) if s.metric not in ("rounds", "round_no")]
    assert stats and stats[-1].scope == want


def test_metrics_lexicon_lists_the_vocabulary_in_order() -> None:
    rows = resources.read_rows("metrics.tsv", 4)
    assert tuple(r[0] for r in rows) == METRICS
    assert set(metric_labels()) == set(METRICS)
    positive = {r.metric for r in RULES if not r.blocks}
    assert positive == set(METRICS)


def test_word_classes_have_no_duplicate_words() -> None:
    for name, words in resources.read_rows("stat_words.tsv", 2):
        split = resources.split_variants(words)
        assert len(split) == len(set(split)), name


def test_formulations_start_with_a_counted_numeral() -> None:
    counters = {row[0] for row in resources.read_rows("stat_counters.tsv", (1, 2))}
    classes = {row[0]: row[1] for row in resources.read_rows("stat_words.tsv", 2)}
    words = classes["FORMULA"].split("|")
    numerals = "一二两三四五六七八九十"
    for word in words:
        head = word.lstrip(numerals)
        assert head != word and any(head.startswith(c) for c in counters), word


def test_bad_pattern_names_its_line() -> None:
    from xuncha_nlp._stat_rules import _compile

    with pytest.raises(LexiconError, match=r"stat_rules.tsv:12"):
        _compile("(unclosed", "stat_rules.tsv:12")


# --- behaviour -------------------------------------------------------------------------------
def test_stat_fields_and_dict() -> None:
    text = "第二轮巡察，發現(xiàn)問題763個,,挽回经济损失1376万余元。"
    stats = extract_stats(text)
    assert [s.metric for s in stats] == ["round_no", "problems_found", "funds_recovered"]
    found = stats[1]
    assert found.quote == "發現(xiàn)問題763個"
    assert found.sentence == "第二轮巡察，发现问题763个，挽回经济损失1376万余元"
    assert found.scope == "第二轮巡察"
    assert found.label == "发现问题"
    assert found.rule.startswith("stat_rules.tsv:")
    money = stats[2]
    assert (money.value, money.unit, money.approximate) == (13760000, "元", True)
    for s in stats:
        assert json.loads(json.dumps(s.to_dict(), ensure_ascii=False)) == s.to_dict()


def test_list_item_quote_reaches_its_keyword() -> None:
    stats = extract_stats("发现问题763个、526个。")
    assert [s.value for s in stats] == [763, 526]
    assert stats[1].quote == "发现问题763个、526个"
    assert stats[1].rule.endswith("(list item)")


def test_normalised_entry_point_gives_the_same() -> None:
    text = "第七輪巡察移交問題線索31件44人。"
    assert extract_stats_normalized(normalize(text)) == extract_stats(text)


def test_nothing_found_is_an_empty_list() -> None:
    assert extract_stats("") == []
    assert extract_stats("深入学习贯彻党的二十大精神。") == []


@pytest.mark.parametrize("bad", [b"\xe5\x8f\x91", None, 3, ["发现问题3个"]],
                         ids=["bytes", "none", "int", "list"])
def test_non_str_raises_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="extract_stats"):
        extract_stats(bad)  # type: ignore[arg-type]


def test_normalized_entry_point_rejects_str() -> None:
    with pytest.raises(TypeError, match="Normalized"):
        extract_stats_normalized("发现问题3个")  # type: ignore[arg-type]


def test_import_is_cheap_and_extraction_needs_no_heavy_library() -> None:
    code = ("import sys, xuncha_nlp.stats as s; s.extract_stats('发现问题3个'); "
            "print(sorted(m for m in ('pandas', 'jieba', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


# --- offsets under arbitrary input ---------------------------------------------------------
_PIECES = [c["text"] for c in CASES[::7]] + [
    "(jiān)", ",,", "，", "。", "\n", " ", "１２", "xx", "“", "”", "（", "）", "第", "轮",
    "个", "万余元", "%", "近", "、", "其中", "發現問題", "線索", "\u3000", "\r\n",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=4)), max_size=10),
       st.booleans())
def test_quotes_match_spans_on_any_text(pieces: list[str], traditional: bool) -> None:
    text = "".join(pieces)
    if traditional:
        text = corrupt_variant(text, seed=len(text))
    stats = extract_stats(text)
    _check_offsets(text, stats)
    assert extract_stats(text) == stats  # deterministic


# --- the table -------------------------------------------------------------------------------
def test_frame_from_stats_from_mapping_and_from_pairs() -> None:
    a = "第二轮巡察发现问题763个，移交问题线索xx件。"
    b = "立案23件，给予党纪政务处分29件37人。"
    from_list = stats_frame(extract_stats(a))
    assert list(from_list["metric"]) == ["round_no", "problems_found", "clues"]
    assert from_list["doc_id"].isna().all()
    from_map = stats_frame({"a": a, "b": extract_stats(b)})
    assert list(from_map["doc_id"]) == ["a", "a", "a", "b", "b"]
    from_pairs = stats_frame([("a", a), ("b", normalize(b))])
    assert from_pairs.equals(from_map)
    assert list(from_map.columns) == ["doc_id", "metric", "label", "value", "value_max",
                                      "unit", "approximate", "redacted", "scope", "quote",
                                      "start", "end", "sentence", "rule"]
    assert str(from_map["value"].dtype) == "Float64"
    clues = from_map[from_map["metric"] == "clues"].iloc[0]
    assert clues["redacted"] and clues["value"] is __import__("pandas").NA
    assert a[clues["start"]:clues["end"]] == clues["quote"]


def test_empty_frame_keeps_its_columns() -> None:
    frame = stats_frame([])
    assert frame.empty and "metric" in frame.columns


@pytest.mark.parametrize("bad", ["发现问题3个", 3, [("a", 3)], [3], {"a": [1, 2]}],
                         ids=["str", "int", "pair_of_int", "int_item", "list_of_int"])
def test_frame_rejects_other_input(bad: object) -> None:
    with pytest.raises(TypeError, match="stats_frame"):
        stats_frame(bad)  # type: ignore[arg-type]


# --- the command -----------------------------------------------------------------------------
def test_cli_table_json_and_unreadable_file(tmp_path: Path) -> None:
    utf8 = tmp_path / "a.txt"
    utf8.write_text("第二轮巡察发现问题763个，移交问题线索26件。", encoding="utf-8")
    gbk = tmp_path / "b.txt"
    gbk.write_bytes("巡察覆盖率达到86.4%。".encode("gb18030"))
    out = io.StringIO()
    assert cli_stats([str(utf8), str(gbk)], False, out) == 0
    table = out.getvalue()
    assert "problems_found" in table and "763" in table and "coverage_rate" in table
    assert "第二轮巡察" in table

    out = io.StringIO()
    assert cli_stats([str(utf8)], True, out) == 0
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["metric"] for r in records] == ["round_no", "problems_found", "clues"]
    assert all(r["file"] == str(utf8) for r in records)

    out, err = io.StringIO(), io.StringIO()
    assert cli_stats([str(tmp_path / "missing.txt"), str(utf8)], True, out, err) == 1
    assert "missing.txt" in err.getvalue() and len(out.getvalue().splitlines()) == 3


# --- the seeds ---------------------------------------------------------------------------------
SEED_FLOOR_PRECISION = 0.95
SEED_FLOOR_RECALL = 0.95


def _seed_gold() -> dict[str, list[Key]]:
    gold: dict[str, list[Key]] = {}
    for row in (DATA / "seed_stats.tsv").read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        doc, metric, value, value_max, *_ = [*row.split("\t"), "", ""]

        def num(x: str) -> int | float | None:
            return None if not x else (int(float(x)) if float(x).is_integer() else float(x))

        gold.setdefault(doc, []).append((metric, num(value), num(value_max)))
    return gold


@pytest.mark.skipif(not SEEDS.is_dir(), reason=SEEDS_MISSING)
def test_seed_reports_reach_the_floor() -> None:
    gold = _seed_gold()
    tp = n_pred = n_gold = 0
    for doc, text in seed_texts().items():
        stats = extract_stats(text)
        _check_offsets(text, stats)
        pred: Counter[Key] = Counter((s.metric, s.value, s.value_max) for s in stats)
        want: Counter[Key] = Counter(gold.get(doc, []))
        tp += sum((pred & want).values())
        n_pred += sum(pred.values())
        n_gold += sum(want.values())
    assert n_gold > 0
    assert tp / n_pred >= SEED_FLOOR_PRECISION
    assert tp / n_gold >= SEED_FLOOR_RECALL
