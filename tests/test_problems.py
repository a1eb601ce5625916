"""find_problems: findings found, achievements/plans/fixes/counts left alone, spans exact."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha_nlp.normalize import normalize
from xuncha_nlp.problems import Problem, find_problems, find_problems_normalized, problem_cues

from .conftest import SEEDS, seed_texts

# One statement per row that IS a finding: (id, text, expected statement, category)
POSITIVES: list[tuple[str, str, str, str]] = [
    ("budaowei", "区财政局党组落实意识形态工作责任制不到位。",
     "区财政局党组落实意识形态工作责任制不到位", "political"),
    ("buli", "镇党委对村级小微权力监督不力，村务监督委员会作用发挥不充分。",
     "镇党委对村级小微权力监督不力，村务监督委员会作用发挥不充分", "responsibility"),
    ("buyange", "公务接待审批制度执行不严格，接待清单填写随意。",
     "公务接待审批制度执行不严格，接待清单填写随意", "conduct"),
    ("bobao", "村集体资产管理薄弱，部分门面房出租未签合同。",
     "村集体资产管理薄弱，部分门面房出租未签合同", "finance"),
    ("quesh", "支部委员会会议记录缺失，组织生活无据可查。",
     "支部委员会会议记录缺失，组织生活无据可查", "party_building"),
    ("weigui", "局机关违规向干部职工发放节日补贴。",
     "局机关违规向干部职工发放节日补贴", "conduct"),
    ("cunzai_wenti", "该中心存在审批时限长、群众多头跑的问题。",
     "该中心存在审批时限长、群众多头跑的问题", "livelihood"),
    ("liuyuxingshi", "干部考核流于形式，考核结果人人称职。",
     "干部考核流于形式，考核结果人人称职", "personnel"),
    ("dazhekou", "对上级关于粮食安全的部署执行打折扣、搞变通。",
     "对上级关于粮食安全的部署执行打折扣、搞变通", "political"),
    ("kuansongruan", "管党治党宽松软问题没有根本解决。",
     "管党治党宽松软问题没有根本解决", "responsibility"),
    ("youchaju", "贯彻新发展理念有差距，产业转型步伐慢。",
     "贯彻新发展理念有差距，产业转型步伐慢", "political"),
    ("shougou", "个别村干部收受工程老板红包。", "个别村干部收受工程老板红包", "integrity"),
    ("negated_fix", "上轮巡察反馈的12个问题中有5个尚未整改到位。",
     "上轮巡察反馈的12个问题中有5个尚未整改到位", "rectification"),
    ("lead_in_stripped", "巡察发现，该局党组民主生活会批评与自我批评开展不够。",
     "该局党组民主生活会批评与自我批评开展不够", "party_building"),
    ("lead_in_with_subject", "市委第二巡察组指出，学校食堂食品安全管理不规范。",
     "学校食堂食品安全管理不规范", "livelihood"),
    ("plan_verb_but_ends_deficient", "推动乡村振兴办法不多、成效不明显。",
     "推动乡村振兴办法不多、成效不明显", "livelihood"),
    ("contrast_reopens", "部分问题已完成整改，但违规占用办公用房问题仍未整改到位。",
     "部分问题已完成整改，但违规占用办公用房问题仍未整改到位", "rectification"),
    ("count_inside_finding", "巡察反馈的20个问题中仍有6个未完成整改。",
     "巡察反馈的20个问题中仍有6个未完成整改", "rectification"),
    ("traditional", "黨組落實全面從嚴治黨主體責任不到位。",
     "党组落实全面从严治党主体责任不到位", "responsibility"),
]


@pytest.mark.parametrize(("text", "statement", "category"), [c[1:] for c in POSITIVES],
                         ids=[c[0] for c in POSITIVES])
def test_finding_is_found(text: str, statement: str, category: str) -> None:
    (problem,) = find_problems(text)
    assert problem.statement == statement
    assert text[problem.span[0]:problem.span[1]] == problem.text
    assert problem.cues
    assert problem.classification.category == category


# Sentences that mention problems but are not findings: (id, text)
NEGATIVES: list[tuple[str, str]] = [
    ("achievement_rectified", "对整改进度滞后的8家单位下发督办函，目前已全部整改到位。"),
    ("achievement_done", "巡察反馈的36个问题已整改33个，整改完成率91.7%。"),
    ("achievement_effect", "通过专项整治，公车私用问题得到有效遏制。"),
    ("plan_yao", "要加强对“一把手”的监督，坚决纠正管党治党宽松软问题。"),
    ("plan_jiang", "下一步，将进一步压实整改责任，防止问题反弹。"),
    ("plan_start_verb", "持续深化作风建设，推动解决群众反映强烈的突出问题。"),
    ("prevent", "巡察全程力戒形式主义、官僚主义，防止走过场。"),
    ("target_nominal", "督促整改不到位的单位限期完成整改。"),
    ("target_nominal_dui", "对履职不力的干部进行约谈。"),
    ("frame_zhendui", "针对基层党组织建设薄弱等问题，开展专项整顿。"),
    ("frame_across_comma", "针对学习不深入，研讨不充分等问题，制定学习计划。"),
    ("statistic", "本轮巡察共发现问题145个，移交问题线索12件。"),
    ("statistic_with_cue", "查处违规违纪问题23起，给予党纪政务处分17人。"),
    ("title_in_quotes", "印发《关于纠正违规发放津补贴问题的通知》。"),
    ("ignore_phrase", "谈职责履行、谈问题不足，促进工作。"),
    ("heading_only", "二、存在的主要问题"),
    ("rectify_item", "（一）关于“落实全面从严治党主体责任不力”的问题"),
    ("plain_report", "2023年，市委巡察机构完成对12家单位的常规巡察。"),
    ("traditional_plan", "下一步，將進一步加強監督，堅決防止整改走過場。"),
]


@pytest.mark.parametrize("text", [c[1] for c in NEGATIVES], ids=[c[0] for c in NEGATIVES])
def test_non_finding_is_left_alone(text: str) -> None:
    assert find_problems(text) == []


FEEDBACK = """关于巡察某区水务局党组的反馈意见
巡察发现的主要问题：一是学习贯彻党的二十大精神不深入，结合水务工作研究落实不够；二是落实全面从严治党主体责任有差距，对下属企业监督失之于宽；三是工程项目管理存在廉洁风险，个别干部插手工程分包；四是基层党组织建设薄弱，“三会一课”时断时续；五是选人用人不规范，干部档案管理混乱；六是上轮巡察反馈问题整改不彻底，部分问题屡改屡犯。
巡察组要求，区水务局党组要切实扛起整改主体责任，逐条逐项抓好整改。"""


def test_feedback_list_items_are_each_a_problem() -> None:
    problems = find_problems(FEEDBACK)
    assert [p.marker for p in problems] == ["一是", "二是", "三是", "四是", "五是", "六是"]
    assert [p.classification.category for p in problems] == [
        "political", "responsibility", "integrity", "party_building", "personnel",
        "rectification"]
    for p in problems:
        assert FEEDBACK[p.span[0]:p.span[1]] == p.text
        assert not p.text.startswith(("一是", "二是")) and not p.text.endswith(("；", "。"))


def test_items_of_a_findings_list_need_only_a_weak_cue() -> None:
    text = "存在的主要问题：\n1.党组会研究党建工作偏少\n2.年轻干部占比偏低\n另外，全年工作量较多。"
    statements = [p.statement for p in find_problems(text)]
    assert statements == ["党组会研究党建工作偏少", "年轻干部占比偏低"]


def test_list_of_measures_is_not_problems() -> None:
    text = ("三、整改措施\n（一）加强理论学习，落实第一议题制度。\n"
            "（二）健全监督机制，压实两个责任。")
    assert find_problems(text) == []


def test_spans_map_back_to_traditional_original() -> None:
    text = "巡察中發現，部分村級組織財務管理混亂，“三資”監管存在漏洞；個別村幹部優親厚友。"
    problems = find_problems(text)
    assert [p.classification.category for p in problems] == ["finance", "integrity"]
    assert problems[0].text == "部分村級組織財務管理混亂，“三資”監管存在漏洞"
    assert problems[1].statement == "个别村干部优亲厚友"
    for p in problems:
        assert text[p.span[0]:p.span[1]] == p.text


def test_spans_skip_pinyin_artefacts() -> None:
    text = "党组落实主体责任不到位，監(jiān)督不力。"
    (p,) = find_problems(text)
    assert p.text == text[:-1] and p.span == (0, len(text) - 1)


def test_normalized_variant_matches() -> None:
    norm = normalize(FEEDBACK)
    assert find_problems_normalized(norm) == find_problems(FEEDBACK)


def test_keyword_engine_can_classify_problems() -> None:
    (p,) = find_problems("该局公务用车管理不规范，存在公车私用问题。", engine="keyword")
    assert p.classification.engine == "keyword"
    assert p.classification.category == "conduct"
    assert "公车私用" in p.classification.evidence


def test_problem_to_dict_is_json_safe() -> None:
    (p,) = find_problems("该局违规发放津补贴12万元。")
    d = p.to_dict()
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert d["classification"]["category"] == p.classification.category
    assert isinstance(p, Problem)


@pytest.mark.parametrize("bad", [b"bytes", None, 3], ids=["bytes", "none", "int"])
def test_non_str_is_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="find_problems"):
        find_problems(bad)  # type: ignore[arg-type]


def test_normalized_variant_wants_normalized() -> None:
    with pytest.raises(TypeError, match="Normalized"):
        find_problems_normalized("文本")  # type: ignore[arg-type]


def test_bad_engine_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="keyword"):
        find_problems("学习不深入。", engine="rules")  # type: ignore[arg-type]


def test_cue_kinds_cover_the_issue_wording() -> None:
    cues = problem_cues()
    for word in ("不到位", "不力", "不严格", "不规范", "薄弱", "缺失", "弱化", "违规", "流于形式",
                 "打折扣", "搞变通", "宽松软", "有差距"):
        assert word in cues["pred"], word
    assert "存在…问题" in cues["pred"]
    for word in ("已整改", "整改到位"):
        assert word in cues["fixed"]


_PIECES = st.sampled_from([
    "巡察发现，", "党组落实主体责任不到位", "，", "。", "；", "一是", "二是", "（一）",
    "已整改到位", "要加强监督", "發現問題", "監(jiān)督不力", "针对", "等问题", "\n", " ",
    "违规发放津补贴", "主要问题：", "《通知》", "“", "”", "防止走过场", "1.", "推动解决",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_spans_are_exact_slices(text: str) -> None:
    for p in find_problems(text, engine="keyword"):
        assert text[p.span[0]:p.span[1]] == p.text
        assert p.text.strip()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is absent")
def test_work_summaries_yield_few_findings() -> None:
    """The seeds are work summaries: achievements and plans, hardly any findings."""
    for name, text in seed_texts().items():
        problems = find_problems(text)
        assert len(problems) <= 2, (name, [p.text for p in problems])
        for p in problems:
            assert text[p.span[0]:p.span[1]] == p.text
