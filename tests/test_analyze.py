"""analyze(): one normalisation, every extractor, script, artefacts, title and dates."""

from __future__ import annotations

import json
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha_nlp.analyze import Analysis, analyze, find_dates
from xuncha_nlp.io import Document
from xuncha_nlp.normalize import normalize

# Our own texts, in the style of a feedback notice and of a traditional-script news item.
FEEDBACK = (
    "县委第三巡察组向县水务局党组反馈巡察情况\n"
    "根据县委统一部署，2024年4月8日至5月20日，县委第三巡察组对县水务局党组开展了常规巡察。"
    "巡察期间，共开展个别谈话64人次，受理信访件17件，发现问题29个，移交问题线索4件。\n"
    "巡察发现，局党组落实全面从严治党主体责任不到位，对下属单位监督管理偏松偏软；"
    "农村饮水安全工程资金使用不规范，部分项目验收流于形式；"
    "选人用人工作不够规范，干部交流轮岗制度执行不严格。\n"
    "局党组书记表示，将于2024年6月底前制定整改方案，二〇二四年十二月三十一日前完成全部整改。\n"
)
NEWS_TRAD = (
    "市委巡察辦召開巡察整改推進會\n"
    "2023年11月，市委巡察辦召開巡察整改推進會，通報第五輪巡察整改情況。"
    "會議指出，各被巡察黨組織要堅持問題導向，對反饋問題逐條建立臺帳，實行銷號管理。\n"
)
SIMPLE_NO_TITLE = (
    "巡察组坚持问题导向，深入基层一线开展走访调研，听取干部群众意见建议，"
    "对发现的问题及时督促整改，确保巡察监督取得实效，推动被巡察单位健全完善制度机制。\n"
)


@pytest.fixture(scope="module")
def feedback() -> Analysis:
    return analyze(FEEDBACK)


# --- dates ---------------------------------------------------------------------------------------
DATE_CASES = [
    ("ymd", "2024年3月5日召开会议", ["2024-03-05"]),
    ("ymd_hao", "定于2024年3月5号启动", ["2024-03-05"]),
    ("ym", "2024年3月以来，巡察组进驻", ["2024-03"]),
    ("iso", "发布时间：2024-03-05 09:30", ["2024-03-05"]),
    ("dotted", "落款日期2024.3.5", ["2024-03-05"]),
    ("slashed", "2023/12/01印发", ["2023-12-01"]),
    ("chinese", "二〇二四年三月五日", ["2024-03-05"]),
    ("chinese_31", "二〇二三年十二月三十一日前完成", ["2023-12-31"]),
    ("fullwidth", "２０２４年３月５日", ["2024-03-05"]),
    ("spaced", "2024 年 3 月 5 日", ["2024-03-05"]),
    ("range_second_has_no_year", "2023年3月至5月", ["2023-03"]),
    ("two", "2022年8月部署，2023年1月完成", ["2022-08", "2023-01"]),
    ("traditional", "2023年11月，市委巡察辦召開會議", ["2023-11"]),
    # negatives
    ("year_only", "2024年以来，共发现问题50个", []),
    ("month_day_only", "3月5日召开会议", []),
    ("bad_month", "2023年13月", []),
    ("bad_day", "2023年2月30日", []),
    ("decimal", "增长2024.35个百分点", []),
    ("long_number", "编号12024年3月", []),
    ("version", "系统1.2024.03.05版", []),
    ("count_not_year", "处理3年5月份问题", []),
    # typos in Chinese numerals: no date, and no crash
    ("chinese_doubled_ten_month", "二〇二四年十十月部署", []),
    ("chinese_doubled_ten_day", "二〇二四年三月三十十日完成", []),
    ("chinese_two_units_month", "二〇二四年二二月", []),
    ("chinese_bad_day", "二〇二三年二月三十日", []),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in DATE_CASES],
                         ids=[c[0] for c in DATE_CASES])
def test_dates(text: str, expected: list[str]) -> None:
    norm = normalize(text)
    found = find_dates(norm)
    assert [d.iso for d in found] == expected
    for d in found:
        assert text[d.span[0]:d.span[1]] == d.quote
        assert d.precision == ("day" if d.iso.count("-") == 2 else "month")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["2024年3月5日", "２０２３年１２月", "2024-02-29", "，", "巡察",
                                 "二〇二一年五月", " ", "\n", "13月", "9", "發現"]), max_size=12))
def test_date_spans_point_into_original(parts: list[str]) -> None:
    text = "".join(parts)
    for d in find_dates(normalize(text)):
        assert text[d.span[0]:d.span[1]] == d.quote
        assert date.fromisoformat(d.iso if d.precision == "day" else d.iso + "-01")


def test_find_dates_rejects_str() -> None:
    with pytest.raises(TypeError, match="Normalized"):
        find_dates("2024年3月5日")  # type: ignore[arg-type]


# --- script, title ------------------------------------------------------------------------------
SCRIPT_CASES = [
    ("simplified", FEEDBACK, "simplified"),
    ("traditional", NEWS_TRAD, "traditional"),
    ("mixed", FEEDBACK + NEWS_TRAD, "mixed"),
    ("no_han", "2024-03-05 ABC 123", "simplified"),
]


@pytest.mark.parametrize(("text", "script"), [c[1:] for c in SCRIPT_CASES],
                         ids=[c[0] for c in SCRIPT_CASES])
def test_script(text: str, script: str) -> None:
    a = analyze(text)
    assert a.script == script
    if script == "simplified":
        assert a.script_share < 0.02
    else:
        assert a.script_share > 0.05
    if script in ("traditional", "mixed"):
        assert a.artefacts["script"] > 0


def test_traditional_gives_simplified_results() -> None:
    a = analyze(NEWS_TRAD)
    assert "巡察办" in a.text
    assert a.artefacts["script"] > 0
    assert a.title == "市委巡察办召开巡察整改推进会"


TITLE_CASES = [
    ("first_short_line", FEEDBACK, None, "县委第三巡察组向县水务局党组反馈巡察情况"),
    ("long_first_line", SIMPLE_NO_TITLE, None, None),
    ("first_line_is_sentence", "巡察工作取得明显成效。\n正文。", None, None),
    ("explicit", SIMPLE_NO_TITLE, "关于巡察工作的报道", "关于巡察工作的报道"),
]


@pytest.mark.parametrize(("text", "given_title", "expected"), [c[1:] for c in TITLE_CASES],
                         ids=[c[0] for c in TITLE_CASES])
def test_title(text: str, given_title: str | None, expected: str | None) -> None:
    assert analyze(text, title=given_title).title == expected


def test_document_title_wins_over_first_line() -> None:
    doc = Document.from_text(FEEDBACK, title="水务局巡察反馈")
    assert analyze(doc).title == "水务局巡察反馈"
    assert analyze(doc, title="另一个标题").title == "另一个标题"


# --- combination ------------------------------------------------------------------------------
def test_extractors_combined(feedback: Analysis) -> None:
    metrics = {s.metric: s.value for s in feedback.stats}
    assert metrics.get("problems_found") == 29
    assert metrics.get("clues") == 4
    assert feedback.problems, "the feedback lists deficiencies"
    assert all(p.classification.category for p in feedback.problems)
    assert any("全面从严治党" in p.text for p in feedback.problems)
    assert feedback.phrases
    for p in feedback.phrases:
        for s, e in p.spans:
            assert FEEDBACK[s:e]
    for s in feedback.stats:
        assert FEEDBACK[s.span[0]:s.span[1]] == s.quote
    assert [d.iso for d in feedback.dates] == ["2024-04-08", "2024-06", "2024-12-31"]


def test_normalises_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import xuncha_nlp.phrases
    import xuncha_nlp.problems
    import xuncha_nlp.stats

    calls: list[int] = []

    def counting(text: str, **kw: object) -> object:
        calls.append(1)
        return normalize(text, **kw)  # type: ignore[arg-type]

    # The package re-exports the function analyze(), which shadows the module attribute.
    analyze_mod = sys.modules["xuncha_nlp.analyze"]
    for mod in (analyze_mod, xuncha_nlp.stats, xuncha_nlp.phrases, xuncha_nlp.problems):
        monkeypatch.setattr(mod, "normalize", counting)
    analyze(FEEDBACK)
    assert len(calls) == 1


def test_to_dict_is_json(feedback: Analysis) -> None:
    data = json.loads(json.dumps(feedback.to_dict(), ensure_ascii=False))
    assert data["title"] == feedback.title
    assert data["document"]["sha256"] == feedback.document.sha256
    assert "text" not in data["document"]
    assert len(data["problems"]) == len(feedback.problems)
    assert data["dates"][0]["iso"] == "2024-04-08"


def test_summary_is_flat(feedback: Analysis) -> None:
    s = feedback.summary()
    assert all(v is None or isinstance(v, (str, int, float, bool)) for v in s.values())
    assert s["n_problems"] == len(feedback.problems)
    assert s["stat_problems_found"] == 29
    assert s["stat_clues"] == 4
    assert s["stat_funds_recovered"] is None
    assert s["top_phrases"].split("；")[0] == feedback.phrases[0].text
    assert s["main_categories"].split("；")[0] == next(iter(feedback.category_counts()))
    assert s["first_date"] == "2024-04-08"
    assert s["artefacts"] == sum(feedback.artefacts.values())


def test_key_stats_takes_the_total_not_the_breakdown() -> None:
    a = analyze("巡察共发现问题120个，其中主体责任方面问题30个。巡察发现问题120个。")
    assert a.key_stats().get("problems_found") == 120


def test_empty_text() -> None:
    a = analyze("")
    assert (a.stats, a.phrases, a.problems, a.dates) == ((), (), (), ())
    assert a.title is None
    assert a.summary()["chars"] == 0


@pytest.mark.parametrize("bad", [b"\xe5\xb7\xa1", 42, None, ["巡察"]],
                         ids=["bytes", "int", "none", "list"])
def test_wrong_types(bad: object) -> None:
    with pytest.raises(TypeError, match="analyze"):
        analyze(bad)  # type: ignore[arg-type]


def test_wrong_title_type() -> None:
    with pytest.raises(TypeError, match="title"):
        analyze("巡察", title=3)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["監督檢查", "發現問題108個", "\ud800", "\udfff", "，", "\n",
                                           "巡察", "(jiān)", "\ufffd", "２０２４年３月"]),
                          st.text(max_size=5)), max_size=15).map("".join))
def test_analyze_never_raises_on_any_str(text: str) -> None:
    # Lone surrogates reach analyze through Document.from_text; traditional text is converted
    # by OpenCC, which takes UTF-8 and so cannot see them.
    result = analyze(text)
    assert result.to_dict()["text"] == normalize(text).text
