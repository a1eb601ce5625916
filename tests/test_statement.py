"""Preparing statements: the fast clean path equals normalize(); markers and lead-ins go."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha_nlp.normalize import normalize
from xuncha_nlp.statement import clean_text, lead_in_length, model_text, statement_text

_CHARS = list(
    "党组学习不到位監督黨員發現問題著力执著显著锟斤拷烫屯，。、；：？！,.;:?! "
    "“”‘’（）()《》0123４５%％jiān\n\t\u3000·—…-"
)


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(_CHARS), max_size=30))
def test_clean_text_equals_normalize(text: str) -> None:
    assert clean_text(text) == normalize(text).text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("著力解決問題", "着力解决问题"),
        ("深化政治巡视,,完善制度", "深化政治巡视，完善制度"),
        ("監(jiān)督", "监督"),
        ("党组学习不深入", "党组学习不深入"),
    ],
    ids=["zhe_fix", "double_comma", "pinyin", "clean"],
)
def test_clean_text_examples(text: str, expected: str) -> None:
    assert clean_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一是党组学习不深入；", "党组学习不深入"),
        ("（二）巡察发现，纪委监督不力。", "纪委监督不力"),
        ("巡察发现，该局违规发放补贴", "该局违规发放补贴"),
        ("市委第一巡察组反馈指出，学习不深入", "学习不深入"),
        ("存在的主要问题是：学习不深入", "学习不深入"),
        ("上轮巡察发现，整改不彻底", "上轮巡察发现，整改不彻底"),
        ("审计发现，往来款长期挂账", "审计发现，往来款长期挂账"),
        ("学习不深入，发现问题能力不强", "学习不深入，发现问题能力不强"),
        ("巡察发现", "巡察发现"),
    ],
    ids=["marker", "marker_and_lead_in", "lead_in", "lead_in_with_subject", "colon_lead_in",
         "earlier_inspection_kept", "audit_kept", "mid_sentence_kept", "lead_in_alone_kept"],
)
def test_statement_text(text: str, expected: str) -> None:
    assert statement_text(text) == expected


def test_lead_in_length_at_offset() -> None:
    assert lead_in_length("（一）巡察发现，问题", 3) == len("巡察发现，")
    assert lead_in_length("党组学习不深入，", 0) == 0


def test_model_text_folds_numbers() -> None:
    assert model_text("2022年有3.5万元、12人") == "0年有0万元、0人"
