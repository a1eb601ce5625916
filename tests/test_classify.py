"""classify / classify_many: every category and boundary rule, both engines, on our own
statements (none of them is in data/training/statements.csv)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha_nlp.classify import ENGINES, Classification, Classifier, classify, classify_many
from xuncha_nlp.taxonomy import area_of, categories

ROOT = Path(__file__).resolve().parents[1]

# (id, statement, category): plain members of each category
CATEGORY: list[tuple[str, str, str]] = [
    ("political_decisions", "对省委关于长江禁渔的决策部署落实不坚决，非法捕捞屡禁不止",
     "political"),
    ("political_theory", "党组理论学习中心组专题研讨不深入，学习记录照抄报纸", "political"),
    ("political_ideology", "意识形态工作责任制落实不到位，单位公众号多次转发不实信息", "political"),
    ("livelihood_services", "不动产登记窗口办事排长队，群众反映一次办结率低",
     "livelihood"),
    ("livelihood_petitions", "信访积案化解不力，部分群众诉求三年未得到回应", "livelihood"),
    ("livelihood_rural", "乡村振兴衔接资金项目建成后闲置，联农带农效果差", "livelihood"),
    ("responsibility_main", "党委履行全面从严治党主体责任不力，对下属单位压力传导不足",
     "responsibility"),
    ("responsibility_supervision", "纪委对同级党委班子成员监督不敢较真，监督责任虚化",
     "responsibility"),
    ("conduct_eight_rules", "落实中央八项规定精神不严格，在内部食堂违规宴请并饮酒", "conduct"),
    ("conduct_formalism", "督查检查过多过频，基层干部疲于填表报数", "conduct"),
    ("integrity_bribes", "局长利用审批权收受企业负责人现金和购物卡", "integrity"),
    ("integrity_relatives", "村支书在危房改造补助评定中照顾自家亲属", "integrity"),
    ("finance_books", "会计凭证装订不全，多笔支出无发票仅凭收据入账", "finance"),
    ("finance_procurement", "政府采购未按规定公开招标，采购合同事后补签", "finance"),
    ("party_meetings", "“三会一课”开展不经常，支部党员大会一年仅召开一次", "party_building"),
    ("party_members", "发展党员把关不严，两名预备党员未经支部大会讨论即转正", "party_building"),
    ("personnel_selection", "干部选拔任用程序不规范，一名科长未经民主推荐即被提拔", "personnel"),
    ("personnel_files", "干部人事档案中出生日期前后不一，未按规定认定", "personnel"),
    ("rectification_feedback", "市委巡察反馈的问题整改不彻底，整改台账销号把关不严",
     "rectification"),
    ("rectification_audit", "审计指出的往来款长期挂账问题至今未清理", "rectification"),
]

# (id, statement, category): the taxonomy's boundary rules
BOUNDARY: list[tuple[str, str, str]] = [
    ("allowance_conduct", "违规向机关人员发放午餐补贴和通讯补贴", "conduct"),
    ("allowance_fund_finance", "挤占专项资金向工作人员发放加班补贴", "finance"),
    ("allowance_discipline_finance", "执行财经纪律不严，超标准向职工发放各类补助", "finance"),
    ("allowance_owed_livelihood", "辖区高龄津贴拖欠半年未发放，老人多次来电反映", "livelihood"),
    ("compensation_owed_livelihood", "征迁补偿款迟迟不兑付，被征迁户生活困难", "livelihood"),
    ("hospitality_reimbursed_conduct", "公务接待费用以会议费名义报销，陪餐人数超标", "conduct"),
    ("car_bill_conduct", "公务用车加油费报销审核不严，存在私车加油问题", "conduct"),
    ("gift_style_conduct", "节前用公款购买土特产赠送上级单位", "conduct"),
    ("gift_supplier_integrity", "收受供应商赠送的茶叶和购物卡", "integrity"),
    ("gain_with_money_integrity", "出纳利用保管资金的便利挪用公款炒股", "integrity"),
    ("risk_only_finance", "财务印鉴和网银密钥由一人保管，存在资金支付廉政风险", "finance"),
    ("bookkeeping_finance", "固定资产多年未盘点，账实不符", "finance"),
    ("collective_rules_political", "“三重一大”事项未经党委会集体研究，主要负责人个人拍板",
     "political"),
    ("one_voice_political", "党委书记搞“一言堂”，民主集中制执行不到位", "political"),
    ("party_responsibility_party_building", "党建工作责任制落实不到位，支部书记抓党建述职走过场",
     "party_building"),
    ("rectification_responsibility", "整改主体责任落实不到位，整改任务推给办公室", "rectification"),
    ("oversight_duty_livelihood", "住建部门对物业企业的监管责任落实不到位，小区投诉居高不下",
     "livelihood"),
    ("formalism_conduct", "工作落实搞形式主义，材料多、实效少", "conduct"),
    ("org_life_formality_party_building", "组织生活流于形式，支部活动以签到拍照代替",
     "party_building"),
    ("warning_formality_responsibility", "警示教育流于形式，以案示警针对性不强", "responsibility"),
    ("earlier_finding_rectification", "上轮巡察指出的公车私用问题，本轮巡察发现仍然存在",
     "rectification"),
    ("four_winds_no_finding_conduct", "纠治“四风”不力，节日期间公款吃喝问题反弹", "conduct"),
    ("lead_clause_decides", "发展党员程序不规范，个别支部也存在党费收缴不及时问题",
     "party_building"),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("statement", "category"), [c[1:] for c in CATEGORY],
                         ids=[c[0] for c in CATEGORY])
def test_category(engine: str, statement: str, category: str) -> None:
    result = classify(statement, engine=engine)  # type: ignore[arg-type]
    assert result.category == category, result
    assert result.area == area_of(category)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("statement", "category"), [c[1:] for c in BOUNDARY],
                         ids=[c[0] for c in BOUNDARY])
def test_boundary_rule(engine: str, statement: str, category: str) -> None:
    result = classify(statement, engine=engine)  # type: ignore[arg-type]
    assert result.category == category, result


@pytest.mark.parametrize("engine", ENGINES)
def test_traditional_input_classifies_like_simplified(engine: str) -> None:
    simp = classify("党组落实意识形态工作责任制不到位，网络阵地管理薄弱",
                    engine=engine)  # type: ignore[arg-type]
    trad = classify("黨組落實意識形態工作責任制不到位，網絡陣地管理薄弱",
                    engine=engine)  # type: ignore[arg-type]
    assert trad == simp
    assert trad.category == "political"


@pytest.mark.parametrize("engine", ENGINES)
def test_marker_and_lead_in_do_not_matter(engine: str) -> None:
    bare = classify("公务用车管理混乱，公车私用问题突出", engine=engine)  # type: ignore[arg-type]
    for wrapped in ("（三）公务用车管理混乱，公车私用问题突出。",
                    "巡察发现，公务用车管理混乱，公车私用问题突出；",
                    "二是公务用车管理混乱，公车私用问题突出"):
        assert classify(wrapped, engine=engine) == bare  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ENGINES)
def test_result_shape(engine: str) -> None:
    r = classify("违规收受管理服务对象礼金", engine=engine)  # type: ignore[arg-type]
    assert isinstance(r, Classification) and r.engine == engine
    assert 0.0 < r.score <= 1.0
    if engine == "keyword" and r.runner_up is None:
        assert r.score == 1.0  # no other category has a cue
    else:
        assert r.runner_up is not None and r.runner_up[0] != r.category
        assert 0.0 <= r.runner_up[1] <= r.score
    assert r.evidence and all(e in "违规收受管理服务对象礼金" for e in r.evidence)
    d = r.to_dict()
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert d["label"] == "廉洁" and d["area"] == "strict_party"


def test_keyword_evidence_names_the_cues() -> None:
    r = classify("执行财经纪律不严，挤占扶贫资金发放补贴", engine="keyword")
    assert r.category == "finance"
    assert {"财经纪律", "补贴"} <= set(r.evidence)


def test_keyword_engine_without_cue_abstains() -> None:
    r = classify("今天天气晴朗", engine="keyword")
    assert r.category is None and r.area is None and r.score == 0.0
    assert r.runner_up is None and r.evidence == ()
    assert r.to_dict()["label"] is None


def test_model_engine_always_decides() -> None:
    r = classify("今天天气晴朗")
    assert r.category in {c.id for c in categories("L2")}
    assert r.runner_up is not None


def test_keyword_runner_up_is_the_next_category() -> None:
    r = classify("公务接待超标准，接待费用在专项资金中列支", engine="keyword")
    assert r.category == "conduct" and r.runner_up is not None
    assert r.runner_up[0] == "finance" and 0 < r.runner_up[1] < r.score


def test_classify_many_matches_classify_and_keeps_order() -> None:
    statements = [c[1] for c in CATEGORY]
    for engine in ENGINES:
        many = classify_many(statements, engine=engine)  # type: ignore[arg-type]
        assert many == [classify(s, engine=engine) for s in statements]  # type: ignore[arg-type]
    assert classify_many([]) == []
    assert classify_many(iter(statements[:2])) == classify_many(statements[:2])


def test_classifier_object_reuses_its_model() -> None:
    clf = Classifier()
    assert clf.engine == "model" and clf.model is clf.model
    assert Classifier(engine="keyword").model is None


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: classify(b"abc"), TypeError, "classify"),  # type: ignore[arg-type]
        (lambda: classify_many("一句话"), TypeError, "iterable"),
        (lambda: classify_many(["好", 3]), TypeError, "int"),  # type: ignore[list-item]
        (lambda: classify("x", engine="rules"), ValueError, "model, keyword"),  # type: ignore[arg-type]
        (lambda: classify("x", engine="keyword", model="m.npz"), ValueError, "model="),
        (lambda: classify("x", model=42), TypeError, "Model or a path"),  # type: ignore[arg-type]
    ],
    ids=["bytes", "single_str", "non_str_item", "unknown_engine", "keyword_with_model",
         "model_type"],
)
def test_bad_arguments(call: object, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        call()  # type: ignore[operator]


def test_classifying_with_the_shipped_model_does_not_import_sklearn() -> None:
    code = ("import sys\nfrom xuncha_nlp.classify import classify\n"
            "classify('公款吃喝问题仍有发生')\n"
            "assert 'sklearn' not in sys.modules, 'sklearn imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=5))
def test_any_text_gets_a_well_formed_answer(texts: list[str]) -> None:
    ids = {c.id for c in categories("L2")}
    for engine in ENGINES:
        for r in classify_many(texts, engine=engine):  # type: ignore[arg-type]
            assert r.category is None or r.category in ids
            assert 0.0 <= r.score <= 1.0
            json.dumps(r.to_dict())
