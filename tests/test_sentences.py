"""Sentence, list-item and clause splitting: one row per rule, negatives beside positives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha_nlp.sentences import Segment, split_clauses, split_sentences, strip_marker

from .conftest import SEEDS, seed_texts

# (id, text, expected [(marker, segment text)], semicolons)
SENTENCES: list[tuple[str, str, list[tuple[str, str]], bool]] = [
    ("full_stops", "党组学习不深入。纪委监督不力！是否整改？",
     [("", "党组学习不深入。"), ("", "纪委监督不力！"), ("", "是否整改？")], False),
    ("line_breaks", "标题一行\n正文第一段。\n\n第二段",
     [("", "标题一行"), ("", "正文第一段。"), ("", "第二段")], False),
    ("yishi_erchi", "主要问题：一是学习不深入；二是监督不力。",
     [("", "主要问题："), ("一是", "一是学习不深入；"), ("二是", "二是监督不力。")], False),
    ("yishi_after_comma", "具体表现为，一是制度不健全，二是执行不严格。",
     [("", "具体表现为，"), ("一是", "一是制度不健全，"), ("二是", "二是执行不严格。")], False),
    ("tongyi_is_not_marker", "思想统一是前提，这一是非问题要分清。",
     [("", "思想统一是前提，这一是非问题要分清。")], False),
    ("paren_han", "（一）党建薄弱。（二）作风不实。",
     [("（一）", "（一）党建薄弱。"), ("（二）", "（二）作风不实。")], False),
    ("paren_ascii_digit", "(1)账务混乱；(2)合同不全。",
     [("(1)", "(1)账务混乱；"), ("(2)", "(2)合同不全。")], False),
    ("paren_after_han_is_not_marker", "按照第（一）项规定执行。",
     [("", "按照第（一）项规定执行。")], False),
    ("bracket_statistic_kept", "移交问题线索（共56件）。",
     [("", "移交问题线索（共56件）。")], False),
    ("han_dun_at_line_start", "一、存在的主要问题\n二、整改措施",
     [("一、", "一、存在的主要问题"), ("二、", "二、整改措施")], False),
    ("han_dun_mid_sentence_is_not_marker", "涉及一、二两个方面",
     [("", "涉及一、二两个方面")], False),
    ("arabic_line_start", "1.会计核算不规范\n2、合同管理不严",
     [("1.", "1.会计核算不规范"), ("2、", "2、合同管理不严")], False),
    ("arabic_after_stop", "存在以下问题。1.预算执行慢。2.资产不清。",
     [("", "存在以下问题。"), ("1.", "1.预算执行慢。"), ("2.", "2.资产不清。")], False),
    ("decimal_is_not_marker", "参会人数达1.3万余人。",
     [("", "参会人数达1.3万余人。")], False),
    ("arabic_after_comma_is_not_marker", "发现问题，3名干部被处分。",
     [("", "发现问题，3名干部被处分。")], False),
    ("circled", "①公车私用；②公款吃喝。",
     [("①", "①公车私用；"), ("②", "②公款吃喝。")], False),
    ("diyi", "第一，学习不深入；第二，落实不到位。",
     [("第一，", "第一，学习不深入；"), ("第二，", "第二，落实不到位。")], False),
    ("diyi_without_comma_is_not_marker", "第一时间传达学习。",
     [("", "第一时间传达学习。")], False),
    ("qiyi", "其一，站位不高；其二，办法不多。",
     [("其一，", "其一，站位不高；"), ("其二，", "其二，办法不多。")], False),
    ("yifangmian", "一方面，加强学习。另一方面，强化培训。",
     [("一方面，", "一方面，加强学习。"), ("另一方面，", "另一方面，强化培训。")], False),
    ("quote_keeps_stops", "他说：“要加强学习。要严守纪律。”随后散会。",
     [("", "他说：“要加强学习。要严守纪律。”随后散会。")], False),
    ("quote_sentence_of_its_own", "“整改不到位。”“责任不落实。”",
     [("", "“整改不到位。”"), ("", "“责任不落实。”")], False),
    ("corner_quotes", "所谓「三会一课。」制度要落实。",
     [("", "所谓「三会一课。」制度要落实。")], False),
    ("single_quotes", "他强调‘要学深悟透。’请照办。",
     [("", "他强调‘要学深悟透。’请照办。")], False),
    ("bracket_keeps_stops", "规定（见附件。共三条）如下。",
     [("", "规定（见附件。共三条）如下。")], False),
    ("marker_inside_quote_not_split", "提出“一是学习，二是落实”的要求。",
     [("", "提出“一是学习，二是落实”的要求。")], False),
    ("unclosed_quote_does_not_swallow", "“开头没有结尾。第二句。\n第三句。",
     [("", "“开头没有结尾。"), ("", "第二句。"), ("", "第三句。")], False),
    ("semicolons_off", "学习不深入；监督不力。", [("", "学习不深入；监督不力。")], False),
    ("semicolons_on", "学习不深入；监督不力。",
     [("", "学习不深入；"), ("", "监督不力。")], True),
    ("marker_after_no_break_space", "巡察发现。\n\u00a0一是落实不到位。二是作风不实。",
     [("", "巡察发现。"), ("一是", "一是落实不到位。"), ("二是", "二是作风不实。")], False),
    ("marker_after_ideographic_space", "巡察发现：\u3000一是落实不到位；二是作风不实。",
     [("", "巡察发现："), ("一是", "一是落实不到位；"), ("二是", "二是作风不实。")], False),
    ("empty", "", [], False),
    ("only_space", " \n\u3000 ", [], False),
]


@pytest.mark.parametrize(("text", "expected", "semi"), [c[1:] for c in SENTENCES],
                         ids=[c[0] for c in SENTENCES])
def test_split_sentences(text: str, expected: list[tuple[str, str]], semi: bool) -> None:
    got = split_sentences(text, semicolons=semi)
    assert [(s.marker, s.text) for s in got] == expected
    for s in got:
        assert text[s.start:s.end] == s.text


def test_long_quotation_is_split_like_a_speech() -> None:
    speech = "“" + "要加强学习，深化政治巡察。" * 20 + "”"
    assert len(split_sentences(speech)) == 20


# (id, text, expected clause texts)
CLAUSES: list[tuple[str, str, list[str]]] = [
    ("commas", "学习不深入，监督不力；整改滞后。", ["学习不深入，", "监督不力；", "整改滞后。"]),
    ("colon", "主要问题：学习不深入", ["主要问题：", "学习不深入"]),
    ("dunhao_joins", "形式化、表面化、走过场", ["形式化、表面化、走过场"]),
    ("quoted_comma_kept", "存在“门难进，脸难看”问题，整改不力",
     ["存在“门难进，脸难看”问题，", "整改不力"]),
    ("bracket_comma_kept", "问题线索（含转办，共9件）未办结", ["问题线索（含转办，共9件）未办结"]),
    ("ascii_comma", "学习不深入,监督不力", ["学习不深入,", "监督不力"]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CLAUSES],
                         ids=[c[0] for c in CLAUSES])
def test_split_clauses(text: str, expected: list[str]) -> None:
    assert [c.text for c in split_clauses(text)] == expected


def test_split_clauses_inside_a_sentence_uses_outer_offsets() -> None:
    text = "前言。学习不深入，监督不力。"
    sentence = split_sentences(text)[1]
    clauses = split_clauses(text, sentence.start, sentence.end)
    assert [(c.start, c.text) for c in clauses] == [(3, "学习不深入，"), (9, "监督不力。")]


@pytest.mark.parametrize(("bad", "exc"), [((5, 2), ValueError), ((0, 99), ValueError)],
                         ids=["reversed", "past_end"])
def test_split_clauses_rejects_bad_span(bad: tuple[int, int], exc: type[Exception]) -> None:
    with pytest.raises(exc, match="outside"):
        split_clauses("学习不深入", *bad)


MARKERS = [
    ("yishi", "一是学习不深入", "一是"),
    ("paren", "（三）作风不实", "（三）"),
    ("arabic_space", "2. 在酒店宴请", "2. "),
    ("diyi", "第一，站位不高", "第一，"),
    ("circled", "③账务混乱", "③"),
    ("none", "学习不深入", ""),
    ("yi_alone_is_not", "一岗双责落实不到位", ""),
    ("year_is_not", "2022年以来", ""),
]


@pytest.mark.parametrize(("text", "marker"), [c[1:] for c in MARKERS], ids=[c[0] for c in MARKERS])
def test_strip_marker(text: str, marker: str) -> None:
    assert strip_marker(text) == marker


@pytest.mark.parametrize("func", [split_sentences, split_clauses, strip_marker],
                         ids=lambda f: f.__name__)
def test_non_str_is_a_type_error(func: object) -> None:
    with pytest.raises(TypeError, match="takes str"):
        func(b"bytes")  # type: ignore[operator]


def test_segment_to_dict() -> None:
    seg = split_sentences("一是学习不深入。")[0]
    assert seg.to_dict() == {"start": 0, "end": 8, "text": "一是学习不深入。", "marker": "一是"}
    assert seg.body == "学习不深入。" and seg.body_start == 2


_ALPHABET = st.sampled_from(
    list("党组学习不到位监督力整改问题巡察一二三是，。；：、！？“”‘’（）()「」\n 1.2①第其"))


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET, max_size=80))
def test_segments_are_ordered_trimmed_slices(text: str) -> None:
    for semi in (False, True):
        segs = split_sentences(text, semicolons=semi)
        _check_tiling(text, segs)
        for s in segs:
            _check_tiling(text, split_clauses(text, s.start, s.end), within=(s.start, s.end))


def _check_tiling(text: str, segs: list[Segment], within: tuple[int, int] | None = None) -> None:
    lo, hi = within or (0, len(text))
    prev = lo
    for s in segs:
        assert prev <= s.start < s.end <= hi
        assert text[s.start:s.end] == s.text
        assert s.text == s.text.strip(" \t\u3000\n")
        assert s.text.startswith(s.marker)
        # nothing but whitespace is lost between segments
        assert not text[prev:s.start].strip(" \t\u3000\n")
        prev = s.end
    assert not text[prev:hi].strip(" \t\u3000\n")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is absent")
def test_seed_sentences_tile_the_text() -> None:
    from xuncha_nlp import normalize

    for text in seed_texts().values():
        norm = normalize(text).text
        segs = split_sentences(norm)
        assert len(segs) > 5
        _check_tiling(norm, segs)
