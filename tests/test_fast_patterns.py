"""Fast forms of patterns and scans match their plain forms exactly.

Several hot scans were rewritten for speed (a pattern that opens with one character class, a
search started only where a needed word stands, a count on code point arrays). Each is
checked here against the plain form it replaces, on text drawn from the characters that
matter to it, so that a lexicon edit that breaks an equivalence fails here first.
"""

from __future__ import annotations

import importlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha_nlp import sentences
from xuncha_nlp._stat_rules import MAGNITUDE_CHARS, NUMERAL_CHARS, _alt, engine
from xuncha_nlp.normalize import normalize
from xuncha_nlp.numbers import approximation_words
from xuncha_nlp.problems import _COUNT, _COUNTER, _cues, _first_class, problem_cues
from xuncha_nlp.statement import _lead_ins, lead_in_length
from xuncha_nlp.triematch import TrieMatcher

# The module, not the function of the same name that the package exports.
analyze_module = importlib.import_module("xuncha_nlp.analyze")
normalize_module = importlib.import_module("xuncha_nlp.normalize")


def _texts(pieces: list[str], max_size: int = 14) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


def _spans(pattern: re.Pattern[str], text: str, *args: int) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text, *args)]


# --- sentence and clause ends ----------------------------------------------------------------
END_PIECES = [*"。！？!?；;，,：:”’」』）)\"\n 甲乙（“", "。”", "！！", "\n\n"]
PLAIN_ENDS = [
    ("sentence", sentences._RE_SENT_END, "。！？!?"),
    ("semicolon", sentences._RE_SENT_END_SEMI, "。！？!?；;"),
    ("clause", sentences._RE_CLAUSE_END, "。！？!?；;，,：:"),
]


@pytest.mark.parametrize(("fast", "marks"), [(p, m) for _, p, m in PLAIN_ENDS],
                         ids=[name for name, _, _ in PLAIN_ENDS])
@settings(max_examples=300, deadline=None)
@given(text=_texts(END_PIECES, 20), data=st.data())
def test_end_patterns_match_their_plain_form(fast: re.Pattern[str], marks: str, text: str,
                                             data: st.DataObject) -> None:
    plain = re.compile(f"[{marks}]+[”’」』）)\"]*|\n")
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert [m.group() for m in fast.finditer(text, start, end)] == [
        m.group() for m in plain.finditer(text, start, end)]
    assert _spans(fast, text, start, end) == _spans(plain, text, start, end)


# --- dates -----------------------------------------------------------------------------------
DATE_PIECES = ["19", "20", "2024", "1999", "1", "12", "3", "年", "月", "日", "号", " ", ".",
               "-", "/", "二〇二四", "一九九九", "〇", "零", "三", "十二", "十", "五", "一", "x",
               "0", "9", "2023年3月5日", "2024-03-05", "2024.3.5", "二〇二四年三月五日"]
PLAIN_YMD = re.compile(
    r"(?<![0-9])((?:19|20)[0-9]{2}) ?年 ?([0-9]{1,2}) ?月(?: ?([0-9]{1,2}) ?[日号])?")
PLAIN_NUMERIC = re.compile(
    r"(?<![0-9.\-/])((?:19|20)[0-9]{2})([-./])([0-9]{1,2})\2([0-9]{1,2})(?![0-9]|\.[0-9])")


@settings(max_examples=400, deadline=None)
@given(_texts(DATE_PIECES))
def test_date_patterns_match_their_plain_form(text: str) -> None:
    def found(matches: object) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
        return [(m.span(), m.groups()) for m in matches]  # type: ignore[attr-defined]

    assert found(analyze_module._RE_YMD.finditer(text)) == found(PLAIN_YMD.finditer(text))
    assert found(analyze_module._RE_NUMERIC.finditer(text)) == found(
        PLAIN_NUMERIC.finditer(text))
    assert found(analyze_module._cn_dates(text)) == found(
        analyze_module._RE_CN_YMD.finditer(text))


@settings(max_examples=200, deadline=None)
@given(_texts(["天", "地", "玄", "黃", "國", "發", "现", "乾", "里", "面", "，", "a", " ", "\n"], 40))
def test_script_counts_match_a_character_walk(text: str) -> None:
    norm = normalize(text)
    script, share = analyze_module._script(norm)
    traditional = norm.change_counts().get("script", (0, 0))[1]
    if not traditional:
        assert (script, share) == ("simplified", 0.0)
        return
    han = len(normalize_module._RE_HAN.findall(norm.original))
    assert share == traditional / han
    converted = normalize_module._converter("s2t").convert(norm.original)
    if len(converted) == len(norm.original):
        simplified = sum(a != b for a, b in zip(norm.original, converted, strict=True))
        ratio = traditional / (traditional + simplified)
        expected = ("simplified" if ratio < analyze_module.TRADITIONAL_BELOW else
                    "traditional" if ratio > analyze_module.TRADITIONAL_ABOVE else "mixed")
        assert script == expected


# --- statistics: pass 1 ------------------------------------------------------------------------
def _plain_hits() -> re.Pattern[str]:
    eng = engine()
    counter_alt = _alt(sorted(eng.units, key=lambda c: (-len(c), c)))
    digits = re.escape(NUMERAL_CHARS)
    return re.compile(
        f"[{digits}][{digits}.,]*(?:{_alt(approximation_words().after)})?"
        f"[{MAGNITUDE_CHARS}]* ?(?:{counter_alt})|百分之|首轮")


HIT_PIECES = [*"0123456789一二三十百千万首轮分之个人件%., 余多几来次家第中的年", "百分之", "首轮",
              "人次", "轮次"]


@settings(max_examples=400, deadline=None)
@given(_texts(HIT_PIECES))
def test_number_scan_matches_its_plain_form(text: str) -> None:
    assert _spans(engine().hits, text) == _spans(_plain_hits(), text)


# --- problems ------------------------------------------------------------------------------------
def _plain_statistic() -> re.Pattern[str]:
    verbs = "|".join(map(re.escape, sorted(problem_cues()["statistic"], key=len, reverse=True)))
    return re.compile(
        f"(?:{verbs})[^，。；：]{{0,12}}?问题(?:线索)?{_COUNT}{_COUNTER}"
        f"|(?:{verbs})[^，。；：]{{0,6}}?{_COUNT}{_COUNTER}(?:方面)?[^，。；：]{{0,8}}?问题")


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_statistic_pattern_matches_its_plain_form(data: st.DataObject) -> None:
    pieces = [*problem_cues()["statistic"], *"问题线索0123456789一二三十百个件条项起人次家方面，。；：的了",
              "问题", "方面", "12个", "三起"]
    text = data.draw(_texts(pieces, 10))
    assert _spans(_cues().statistic, text) == _spans(_plain_statistic(), text)


FIRST_CLASS_CASES = [
    ("distinct_first_characters", ["发现", "反馈", "移交"], "已发现并反馈，移交"),
    ("shared_first_character", ["查找", "查处", "查实"], "查处查实查找查"),
    ("prefix_of_another", ["整改", "整改落实", "整"], "整改落实整改整"),
    ("one_character_word", ["问"], "问题问"),
    ("special_characters", ["a.b", "(x)", "+"], "a.b(x)+axb"),
]


@pytest.mark.parametrize(("words", "text"), [(w, t) for _, w, t in FIRST_CLASS_CASES],
                         ids=[c[0] for c in FIRST_CLASS_CASES])
def test_first_class_alternation_finds_what_the_plain_one_does(words: list[str],
                                                               text: str) -> None:
    first, tails = _first_class(words)
    fast = re.compile(f"{first}(?:{tails})")
    plain = re.compile("|".join(map(re.escape, words)))
    assert [m.group() for m in fast.finditer(text)] == [m.group() for m in plain.finditer(text)]


def test_first_class_of_no_words_never_matches() -> None:
    first, tails = _first_class([])
    assert re.compile(f"{first}(?:{tails})").search("任何文字") is None


# --- lead-ins ------------------------------------------------------------------------------------
LEAD_PIECES = ["同时", "此外", "但", "其中", "，", ",", "：", ":", "。", "巡察", "发现", "指出",
               "反映", "问题", "存在", "的", "主要", "问题是", "如下", "反馈", "上轮", "整改",
               "经核查", "一些", "该局", "党组", "不到位", "表现在", "甲乙丙丁戊己庚辛壬癸子丑"]


# A lead-in as long as the patterns allow: an opener, a clause of up to 24 characters (10
# around a gapped cue's gap), the lead-in word and its comma or colon.
LONG_LEAD_INS = st.builds(
    lambda opener, clause, word, mark, rest: opener + clause + word + mark + rest,
    st.sampled_from(["", "同时", "同时，", "但是,", "其中"]),
    st.integers(0, 26).map(lambda n: "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙"[:n]),
    st.sampled_from(["发现", "问题主要有", "存在的问题", "发现一些问题", "指出甲乙丙丁戊己庚辛壬问题",
                     "存在甲乙丙丁戊己庚辛壬癸子问题"]),
    st.sampled_from(["，", "：", ":", "。", ""]),
    st.sampled_from(["", "党组学习不深入。"]))


@settings(max_examples=500, deadline=None)
@given(st.one_of(_texts(LEAD_PIECES), LONG_LEAD_INS), st.integers(0, 3))
def test_lead_in_shortcut_agrees_with_the_full_match(text: str, start: int) -> None:
    start = min(start, len(text))
    lead = _lead_ins()
    m = lead.pattern.match(text, start)
    expected = 0 if m is None or any(k in m.group() for k in lead.keep) else m.end() - start
    assert lead_in_length(text, start) == expected


def test_split_pieces_are_the_segments_as_tuples() -> None:
    text = "巡察发现：一是学习不深入；二是“三会一课”流于形式。\n（一）整改不到位，未建立台账。"
    for kwargs in ({}, {"semicolons": True}):
        assert sentences.split_pieces(text, **kwargs) == [
            (s.start, s.text, s.marker) for s in sentences.split_sentences(text, **kwargs)]
    assert sentences.split_pieces(text, clauses=True) == [
        (s.start, s.text, s.marker) for s in sentences.split_clauses(text)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text("巡察整改不到位", min_size=0, max_size=4), max_size=5),
       st.text("巡察整改不到位发现", max_size=20), st.integers(0, 22), st.integers(0, 22))
def test_trie_search_is_any_word_in_the_slice(words: list[str], text: str, pos: int,
                                              endpos: int) -> None:
    expected = any(w and w in text[pos:endpos] for w in words)
    assert TrieMatcher(words).search(text, pos, endpos) == expected
