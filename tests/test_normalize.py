"""normalize(): one row per rule, negatives beside positives, properties of the offset map."""

from __future__ import annotations

import pickle
import random
import re
from difflib import SequenceMatcher

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xuncha_nlp import Normalized, normalize
from xuncha_nlp.normalize import SCRIPTS

from .conftest import SEEDS, own_passages, seed_texts
from .scraped import corrupt_variant

# (id, input, expected text, kinds that must appear in changes)
CASES: list[tuple[str, str, str, set[str]]] = [
    # script
    ("t2s", "貫徹落實黨中央決策部署", "贯彻落实党中央决策部署", {"script"}),
    ("mixed_script", "巡察組發現问题", "巡察组发现问题", {"script"}),
    ("simplified_untouched", "巡察组发现问题", "巡察组发现问题", set()),
    ("zhe_fix", "著力解決群眾急難愁盼問題", "着力解决群众急难愁盼问题", {"script"}),
    ("zhe_particle", "肩負著重要使命，本著實事求是", "肩负着重要使命，本着实事求是", {"script"}),
    ("zhe_kept_zhu", "著名作家的著作成效顯著", "著名作家的著作成效显著", {"script"}),
    ("yu_qianlong", "餘額乾隆年間乾部億元", "余额乾隆年间干部亿元", {"script"}),
    # pinyin
    ("pinyin_ascii", "監(jiān)督檢查", "监督检查", {"pinyin", "script"}),
    ("pinyin_fullwidth", "體（tǐ）現", "体现", {"pinyin", "script"}),
    ("pinyin_umlaut", "綠(lǜ)色發展", "绿色发展", {"pinyin", "script"}),
    ("pinyin_every_tone", "他(tā)们(mén)查(chá)找(zhǎo)问(wèn)题(tí)绿(lǜ)", "他们查找问题绿", {"pinyin"}),
    ("pinyin_tone_number", "巡(xun2)察", "巡察", {"pinyin"}),
    ("pinyin_chained", "監(jiān)(jiān)督", "监督", {"pinyin", "script"}),
    ("pinyin_after_mangled_char", "监(jiān)督琳{(diào)研", "监督琳{研", {"pinyin"}),
    ("pinyin_lone_after_symbol_kept", "琳{(diào)研", "琳{(diào)研", set()),
    ("pinyin_neutral_on_annotated_page", "监(jiān)督的(de)工作", "监督的工作", {"pinyin"}),
    ("neutral_alone_is_kept", "方案(an)说明", "方案(an)说明", set()),
    ("bracket_han_kept", "各村(社区)党组织", "各村(社区)党组织", set()),
    ("bracket_trial_kept", "巡察工作规划(试行)", "巡察工作规划(试行)", set()),
    ("bracket_years_kept", "规划(2019—2021年)", "规划(2019—2021年)", set()),
    ("bracket_org_kept", "河北(河北省委)", "河北(河北省委)", set()),
    ("bracket_english_kept", "北京(Beijing)", "北京(Beijing)", set()),
    ("bracket_lower_word_kept", "报告(report)", "报告(report)", set()),
    ("bracket_stat_kept", "(移交问题线索56件)", "(移交问题线索56件)", set()),
    ("pinyin_after_space_kept", "英文 (jiān)", "英文 (jiān)", set()),
    # punctuation
    ("double_comma", "深化政治巡视,,完善制度", "深化政治巡视，完善制度", {"punctuation"}),
    ("comma_period", "定准了基调,。请各单位", "定准了基调。请各单位", {"punctuation"}),
    ("comma_dunhao", "书记,、主任", "书记、主任", {"punctuation"}),
    ("dunhao_comma", "书记、,主任", "书记、主任", {"punctuation"}),
    ("fullwidth_double", "巡察，，整改", "巡察，整改", {"punctuation"}),
    ("ascii_comma_han", "巡察,整改", "巡察，整改", {"punctuation"}),
    ("ascii_before_digit", "会议提到,2020年", "会议提到，2020年", {"punctuation"}),
    ("ascii_marks", "重点;工作:要求?是!", "重点；工作：要求？是！", {"punctuation"}),
    ("clash_question", "是否到位?,", "是否到位？", {"punctuation"}),
    ("spaced_run", "巡察 , , 整改", "巡察，整改", {"punctuation", "whitespace"}),
    ("thousands_kept", "发现问题1,234个", "发现问题1,234个", set()),
    ("decimal_kept", "覆盖率86.4%", "覆盖率86.4%", set()),
    ("clock_kept", "10:30开会", "10:30开会", set()),
    ("english_kept", "Beijing, China; ok", "Beijing, China; ok", set()),
    ("single_fullwidth_kept", "巡察，整改。", "巡察，整改。", set()),
    # garbage
    ("fffd_run", "报告制度�,!@体现了决心", "报告制度体现了决心", {"garbage"}),
    ("fffd_alone", "巡�察", "巡察", {"garbage"}),
    ("mojibake", "巡察锟斤拷锟斤拷工作", "巡察工作", {"garbage"}),
    ("controls", "巡\x00察\x07工作", "巡察工作", {"garbage"}),
    ("zero_width", "巡\u200b察\ufeff", "巡察", {"whitespace"}),
    ("surrogate", "巡\ud800察", "巡察", {"garbage"}),
    # width
    ("fullwidth_digits", "完成１０８家单位巡察", "完成108家单位巡察", {"width"}),
    ("fullwidth_percent", "覆盖率８６．４％", "覆盖率86.4%", {"width"}),
    ("fullwidth_letters", "ＡＢＣ类问题", "ABC类问题", {"width"}),
    ("fullwidth_point_not_digits", "完成。．", "完成。．", set()),
    # whitespace
    ("space_runs", "Party   inspection", "Party inspection", {"whitespace"}),
    ("space_between_han", "巡 察  工 作", "巡察工作", {"whitespace"}),
    ("space_han_digit_kept", "发现问题 763 个", "发现问题 763 个", set()),
    ("ideographic_space", "\u3000\u3000巡察工作", "巡察工作", {"width", "whitespace"}),
    ("line_ends", "第一段  \n  第二段  ", "第一段\n第二段", {"whitespace"}),
    ("paragraphs_kept", "第一段\n\n第二段", "第一段\n\n第二段", set()),
    ("blank_lines_collapse", "第一段\n\n\n\n第二段", "第一段\n\n第二段", {"whitespace"}),
    ("crlf", "第一段\r\n第二段\r第三段", "第一段\n第二段\n第三段", {"whitespace"}),
    ("table_cells_keep_tab", "问题类别\t问题数量\n作风\t 12", "问题类别\t问题数量\n作风\t12",
     {"whitespace"}),
    ("space_after_fw_punct", "巡察， Party", "巡察，Party", {"whitespace"}),
    # furniture
    ("furniture_head_tail",
     "来源：县纪委监委网站  发布时间：2024-03-05\n正文第一段。\n正文第二段。\n责编：李四\n扫一扫在手机打开当前页",
     "正文第一段。\n正文第二段。", {"furniture", "whitespace"}),
    ("furniture_traditional", "來源：縣紀委監委網站\n正文。\n【打印本頁】【關閉窗口】", "正文。",
     {"furniture", "whitespace"}),
    ("furniture_breadcrumb", "首页 > 工作动态 > 巡视巡察\n正文。", "正文。", {"furniture"}),
    ("furniture_around_title",
     "首页 > 工作动态\n县委召开巡察工作会议\n来源：县纪委监委网站 浏览次数：52\n会议指出，巡察工作成效明显。\n"
     "2024年3月5日\n【打印本页】【关闭窗口】",
     "县委召开巡察工作会议\n会议指出，巡察工作成效明显。\n2024年3月5日", {"furniture", "whitespace"}),
    ("furniture_middle_kept", "第一段。\n来源：某网站\n第二段。", "第一段。\n来源：某网站\n第二段。", set()),
    # Whole-line cues hold on every line, not only on a last line without a line break.
    ("furniture_exact_lines",
     "【打印】\n市委第二巡察组进驻后开展了个别谈话。\n打印\n【关闭】\n", "市委第二巡察组进驻后开展了个别谈话。",
     {"furniture", "whitespace"}),
    ("furniture_exact_traditional", "相關閱讀\n巡察整改工作穩步推進。\n大 中 小\n",
     "巡察整改工作稳步推进。", {"furniture", "whitespace", "script"}),
    ("furniture_only_kept", "来源：某网站", "来源：某网站", set()),
    ("furniture_long_line_kept",
     "本报讯县委巡察工作领导小组召开会议，研究部署第三轮巡察工作，会议强调要把握政治巡察定位，"
     "聚焦监督重点，来源于群众的意见要认真吸纳，确保巡察工作取得实效并形成长效机制和制度成果。\n正文。",
     "本报讯县委巡察工作领导小组召开会议，研究部署第三轮巡察工作，会议强调要把握政治巡察定位，"
     "聚焦监督重点，来源于群众的意见要认真吸纳，确保巡察工作取得实效并形成长效机制和制度成果。\n正文。",
     set()),
    ("empty", "", "", set()),
    ("only_spaces", "   \n\n  ", "", {"whitespace"}),
]


@pytest.mark.parametrize(("text", "expected", "kinds"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_rule(text: str, expected: str, kinds: set[str]) -> None:
    result = normalize(text)
    assert result.text == expected
    assert {c.kind for c in result.changes} == kinds
    for change in result.changes:
        s, e = change.span
        assert text[s:e] == change.before


@pytest.mark.parametrize(("text", "expected", "kinds"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_rule_is_idempotent(text: str, expected: str, kinds: set[str]) -> None:
    once = normalize(text).text
    assert normalize(once).text == once


@pytest.mark.parametrize(
    ("script", "text", "expected"),
    [
        ("t2s", "軟體資料庫", "软体资料库"),
        ("tw2sp", "軟體資料庫", "软件数据库"),
        ("tw2sp", "我的部落格", "我的博客"),
        ("hk2s", "巡察組發現問題", "巡察组发现问题"),
        ("tw2s", "巡察組發現問題", "巡察组发现问题"),
        (None, "巡察組發現問題,,整改", "巡察組發現問題，整改"),
    ],
    ids=["t2s", "tw2sp_phrases", "tw2sp_length_change", "hk2s", "tw2s", "none_keeps_script"],
)
def test_script_option(script: str | None, text: str, expected: str) -> None:
    assert normalize(text, script=script).text == expected  # type: ignore[arg-type]


def test_length_changing_conversion_maps_back() -> None:
    result = normalize("我的部落格很好", script="tw2sp")
    assert result.text == "我的博客很好"
    i = result.text.index("博客")
    assert result.original_text(i, i + 2) == "部落格"
    assert result.original_text(0, 2) == "我的"
    j = result.text.index("很好")
    assert result.original_text(j, j + 2) == "很好"


@pytest.mark.parametrize(
    ("text", "needle", "original"),
    [
        ("監(jiān)督檢查", "检查", "檢查"),
        ("監(jiān)督檢查", "监督", "監(jiān)督"),
        ("監(jiān)督檢查", "监", "監"),
        ("深化巡视,,完善", "，", ",,"),
        ("来源：某网站\n完成１０８家单位", "108家", "１０８家"),
        ("  巡察  ", "巡察", "巡察"),
    ],
    ids=["after_pinyin", "across_pinyin", "before_pinyin", "collapsed_comma", "after_furniture",
         "stripped"],
)
def test_original_span(text: str, needle: str, original: str) -> None:
    result = normalize(text)
    i = result.text.index(needle)
    s, e = result.original_span(i, i + len(needle))
    assert text[s:e] == original


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (b"bytes", TypeError, "read_text"),
        (None, TypeError, "NoneType"),
        (123, TypeError, "int"),
    ],
    ids=["bytes", "none", "int"],
)
def test_bad_input_type(value: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        normalize(value)  # type: ignore[arg-type]


def test_unknown_script() -> None:
    with pytest.raises(ValueError, match="tw2sp"):
        normalize("巡察", script="s2t")  # type: ignore[arg-type]


@pytest.mark.parametrize(("start", "end"), [(-1, 2), (2, 1), (0, 99)], ids=["neg", "reversed", "past"])
def test_original_span_out_of_range(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        normalize("巡察工作").original_span(start, end)


def test_original_span_type() -> None:
    with pytest.raises(TypeError, match="integer"):
        normalize("巡察工作").original_span(0.5, 2)  # type: ignore[arg-type]


def test_result_to_dict() -> None:
    d = normalize("監(jiān)督").to_dict()
    assert d["text"] == "监督"
    assert {"kind": "pinyin", "span": [1, 7], "before": "(jiān)", "after": ""} in d["changes"]


# --- properties ----------------------------------------------------------------------------
_PIECES = st.sampled_from(
    ["巡", "察", "監", "督", "體", "現", "發", "问", "题", "著", "力", "，", "。", "、", ",", ",,",
     ",。", ";", ":", "?", "!", " ", "  ", "\u3000", "\n", "\n\n\n", "\r\n", "(jiān)", "（xiàn）",
     "(de)", "(社区)", "(Beijing)", "１", "２", "％", "．", "1", ",", "3.5", "a", "B", "\ufffd",
     "@", "!", "\ufeff", "来源：网站\n", "责编：某\n", "“", "”", "(", ")", "锟斤拷"]
)
_TEXTS = st.lists(_PIECES, max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_idempotent(text: str) -> None:
    once = normalize(text).text
    assert normalize(once).text == once


@settings(max_examples=300, deadline=None)
@given(st.one_of(_TEXTS, st.text(max_size=60)))
def test_offset_map_properties(text: str) -> None:
    result = normalize(text)
    n, m = len(result.text), len(text)
    starts = [result.original_span(i, i + 1)[0] for i in range(n)]
    ends = [result.original_span(i, i + 1)[1] for i in range(n)]
    assert starts == sorted(starts)
    assert ends == sorted(ends)
    assert all(0 <= s < e <= m for s, e in zip(starts, ends, strict=True))
    whole = result.original_span(0, n)
    if n:
        # Only deleted artefacts (furniture, spaces, garbage) may lie outside the whole span.
        assert not text[: whole[0]].strip() or normalize(text[: whole[0]]).text == "" or any(
            c.kind in {"furniture", "garbage", "whitespace"} for c in result.changes
        )
        assert 0 <= whole[0] <= whole[1] <= m
    for i in range(0, n + 1, max(1, n // 7)):
        for j in range(i, n + 1, max(1, n // 5)):
            s, e = result.original_span(i, j)
            assert 0 <= s <= e <= m


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_on_unicode(text: str) -> None:
    result = normalize(text)
    assert isinstance(result, Normalized)
    for change in result.changes:
        assert text[change.span[0]:change.span[1]] == change.before


# --- round trip: simplified → traditional + artefacts → normalize ----------------------------
_KEEP = re.compile(r"[\u4e00-\u9fff0-9]")


def corrupt(text: str, rng: random.Random) -> str:
    """Traditional script, pinyin after 15% of Han characters, messy commas and periods."""
    return corrupt_variant(text, seed=rng, pinyin_rate=0.15, comma_rate=0.5, period_rate=0.3,
                           fullwidth_rate=0.2)


def test_round_trip_restores_text() -> None:
    rng = random.Random(20261122)
    kept = total = 0
    for passage in own_passages():
        restored = normalize(corrupt(passage, rng)).text
        a = "".join(_KEEP.findall(passage))
        b = "".join(_KEEP.findall(restored))
        blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
        kept += sum(size for *_, size in blocks)
        total += len(a)
        assert "(" not in restored.replace("(社区)", "")
    assert kept / total >= 0.995


# --- the real seeds --------------------------------------------------------------------------
_PINYIN_LEFT = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is absent (only CI and developers have it)")
@pytest.mark.parametrize("name", sorted(seed_texts()) or ["none"])
def test_seed_is_clean(name: str) -> None:
    text = seed_texts()[name]
    result = normalize(text)
    assert not _PINYIN_LEFT.search(result.text)
    assert "\ufffd" not in result.text
    assert ",," not in result.text and ",。" not in result.text
    for term in ("巡察", "问题", "监督"):
        if term in result.text or normalize(term).text in result.text:
            break
    else:
        pytest.fail("no simplified key term in the converted seed")
    traditional_terms = ("監督", "問題", "黨", "巡視組", "發現")
    assert not any(t in result.text for t in traditional_terms)
    for change in result.changes:
        assert text[change.span[0]:change.span[1]] == change.before


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_config_loads(script: str) -> None:
    assert normalize("巡察組", script=script).text == "巡察组"  # type: ignore[arg-type]


# --- fast paths give exactly what the general passes give ------------------------------------
def _same_as_general(text: str) -> None:
    from xuncha_nlp.normalize import _normalize

    fast = _normalize(text, "t2s", fast=True)
    general = _normalize(text, "t2s", fast=False)
    assert fast.text == general.text
    assert fast.changes == general.changes
    n = len(fast.text)
    assert [fast.original_span(i, i + 1) for i in range(n)] == [
        general.original_span(i, i + 1) for i in range(n)]
    assert fast.original_span(n, n) == general.original_span(n, n)


_ANNOTATIONS = st.sampled_from(["(jiān)", "（xiàn）", "(dū)", "(lǜ)", "(xun2)", "(de)", "(ń)",
                                "(Jiān)", "(jiān dū)", "(社区)", " ", "a", "1", "監", "督", "，",
                                ",,", ")", "(", "（", "(jiānx)", "{", "“", "_"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_ANNOTATIONS, _PIECES), max_size=40).map("".join))
def test_fast_pinyin_path_matches_general(text: str) -> None:
    _same_as_general(text)


@pytest.mark.parametrize("index", range(4))
def test_fast_pinyin_path_on_corrupted_passages(index: int) -> None:
    rng = random.Random(index)
    _same_as_general(corrupt("\n".join(own_passages()), rng))


@pytest.mark.parametrize("index", range(3))
def test_change_counts_agree_with_changes(index: int) -> None:
    from collections import Counter

    text = corrupt("\n".join(own_passages()), random.Random(index))
    result = normalize(text)
    counted = {kind: n for kind, (n, _) in result.change_counts().items()}
    assert counted == dict(Counter(c.kind for c in result.changes))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["\ufffd", "!", "@", ",", "-", "~", "巡", "a", " ", "。"]),
                max_size=30).map("".join))
def test_fffd_runs_match_their_pattern(text: str) -> None:
    # The fast search must give exactly the spans of the pattern that defines a garbage run.
    from xuncha_nlp.normalize import _RE_FFFD, _fffd_runs

    assert _fffd_runs(text) == [(m.start(), m.end(), "", "garbage")
                                for m in _RE_FFFD.finditer(text)]


def _fix_alphabet() -> list[str]:
    from xuncha_nlp.normalize import _script_fixes

    fixes = _script_fixes()
    return sorted({c for word in fixes.table for c in word} | set("巡察。 a"))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_fix_alphabet()),
                          st.sampled_from(["著力", "执著", "显著", "著著", "土著"])),
                max_size=25).map("".join))
def test_script_fixes_anchor_search_matches_full_search(text: str) -> None:
    # Searching around each 著 must fix exactly what one search over the whole text fixes.
    from xuncha_nlp.normalize import _fix_script, _script_fixes

    fixes = _script_fixes()
    assert _fix_script(text) == fixes.pattern.sub(lambda m: fixes.table[m.group()], text)


@pytest.mark.parametrize("text", ["巡察監(jiān)督,,發(fā)現問題,。", "琳{(diào)研，監(jiān)(dū)督"],
                         ids=["annotated", "chained-and-mangled"])
def test_normalized_pickles_with_its_fast_passes(text: str) -> None:
    # Dask moves analyses between processes; the fast passes' edits must survive that.
    norm = normalize(text)
    back = pickle.loads(pickle.dumps(norm))
    assert back.text == norm.text and back.changes == norm.changes
    assert back.original_span(0, len(back.text)) == norm.original_span(0, len(norm.text))
