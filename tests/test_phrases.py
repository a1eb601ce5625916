"""extract_phrases / phrase_frame: one table per source, negatives beside positives, dedup,
spans into the original text, traditional input, both back-ends, bad input, CLI handler."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xuncha_nlp.lexicon import Lexicon
from xuncha_nlp.normalize import normalize
from xuncha_nlp.phrases import (
    PHRASE_KINDS,
    SOURCES,
    Phrase,
    PhraseExtractor,
    cli_phrases,
    extract_phrases,
    extract_phrases_normalized,
    phrase_frame,
)

# Passages written for these tests in the style of the genre.
OWN_TEXTS = [
    "县委巡察组坚持把“两个维护”作为根本任务，推动被巡察党组织增强“四个意识”、坚定“四个自信”。"
    "针对巡察反馈的问题，局党组召开专题民主生活会，建立问题清单、任务清单、责任清单，实行对账销号。",
    "有的村党支部“三会一课”制度落实不严格，一岗双责履行不到位，村卫生室药品管理混乱，"
    "村卫生室账目不清。巡察组采取“穿透式监督”方式，对村级“三资”开展延伸检查。",
    "巡察办会同区纪委监委开展巡察“回头看”，坚决防止敷衍整改、虚假整改，做好巡察整改“后半篇文章”。"
    "重点检查“六围绕一加强”落实情况，严格执行十严禁十不准，推行“1+N”综合反馈。",
    "2023年以来，全市完成对108家单位的常规巡察，发现问题763个，移交问题线索26件，"
    "梳理出六大类11个共性问题，组建3个工作组开展督查，先后5次召开推进会。",
    "全面從嚴治黨永遠在路上。巡察組發現，個別幹部存在「燈下黑」問題，中央八項規定精神落實不力，"
    "「三會一課」流於形式，要求立行立改、舉一反三。",
]


def phrases_of(text: str, **kwargs: object) -> dict[str, Phrase]:
    return {p.text: p for p in extract_phrases(text, top_k=None, **kwargs)}  # type: ignore[arg-type]


# --- 1. lexicon entries --------------------------------------------------------------------
LEXICON_CASES = [
    ("political", "各级党组织要增强“四个意识”，坚决做到“两个维护”。", "两个维护", "political", 1),
    ("numbered", "严格落实“三会一课”制度，执行三会一课不打折扣。", "三会一课", "numbered", 2),
    ("inspection", "开展巡察“回头看”，检查整改落实情况。", "回头看", "inspection", 1),
    ("discipline", "持续落实中央八项规定精神，驰而不息纠治四风。", "中央八项规定精神",
     "discipline", 1),
    ("organisation", "班子成员在民主生活会上开展批评和自我批评。", "民主生活会", "organisation", 1),
    ("variant_counts_to_canonical", "坚持“三聚焦”，落实三个聚焦要求。", "三个聚焦", "numbered", 2),
    ("traditional", "堅決做到「兩個維護」，推動兩個維護落地。", "两个维护", "political", 2),
    ("bracketed_form", "规范开展村(社区)巡察，村(社区)巡察质量提升。", "村(社区)巡察",
     "inspection", 2),
]


@pytest.mark.parametrize(("text", "phrase", "kind", "count"), [c[1:] for c in LEXICON_CASES],
                         ids=[c[0] for c in LEXICON_CASES])
def test_lexicon_entries(text: str, phrase: str, kind: str, count: int) -> None:
    found = phrases_of(text)
    assert phrase in found, list(found)
    p = found[phrase]
    assert (p.kind, p.source, p.count) == (kind, "lexicon", count)


# --- 2. numbered formulations found by their shape ----------------------------------------
PATTERN_CASES = [
    ("n_ge_head", "严格落实五个坚持要求。", "五个坚持"),
    ("n_ge_verb", "推动实现三个转变。", "三个转变"),
    ("n_da", "实施十大工程，建设美丽乡村。", "十大工程"),
    ("nxmy_verbs", "重点巡视六围绕一加强情况。", "六围绕一加强"),
    ("nxmy_ten", "严格执行十严禁十不准。", "十严禁十不准"),
    ("nxmy_nouns", "实行一县一策精准帮扶。", "一县一策"),
    ("nxmy_reversed", "坚决纠正一手硬一手软的问题。", "一手硬一手软"),
    ("nxmy_chain", "推进一岗一责一清单管理。", "一岗一责一清单"),
    ("one_plus_n", "采用1+N模式开展集中反馈。", "1+N"),
    ("one_plus_x", "建立1+X制度体系。", "1+X"),
    ("quoted_n_ge_one", "落实“四个一”工作机制。", "四个一"),
    ("quoted_n_xiang", "建立责任、任务、督导、考评“四项体系”。", "四项体系"),
    ("quoted_nx", "把握“八看”要求开展监督。", "八看"),
    ("quoted_nxmy_nouns", "形成“一办两组”协同机制。", "一办两组"),
    ("quoted_plus", "实行“3+2”交叉巡察方式。", "3+2"),
]


@pytest.mark.parametrize(("text", "phrase"), [c[1:] for c in PATTERN_CASES],
                         ids=[c[0] for c in PATTERN_CASES])
def test_numbered_by_shape(text: str, phrase: str) -> None:
    found = phrases_of(text)
    assert phrase in found, list(found)
    assert (found[phrase].kind, found[phrase].source) == ("numbered", "pattern")


COUNT_CASES = [
    ("units", "截至目前已完成108家单位的巡察。"),
    ("aspects", "反馈了12个方面的问题。"),
    ("times", "先后5次召开会议。"),
    ("work_groups", "抽调干部组建3个工作组。"),
    ("chinese_count", "组建三个工作组开展督查，两个单位整改不到位，存在四个方面的问题。"),
    ("categories", "梳理出六大类11个共性问题。"),
    ("congress", "党的十九大以来巡视工作成效显著，党的十八大召开后作风明显好转。"),
    ("time_pairs", "原则上一年两次开展督查，按照三人一组的方式。"),
    ("list_markers", "一是加强领导。二是压实责任。三是强化督导。"),
    ("ordinals", "对第一、二轮巡察单位开展检查，九届省委第六轮巡视启动，前六轮巡察完成。"),
    ("fractions_ranges", "占比三分之一，每年开展一至三轮，增加1至2个常设巡视组。"),
    ("levels", "市县两级巡察机构，省市县乡四级党委负责人参加。"),
    ("adverbs", "一体谋划一体部署，一周内即动员，一次性成果多层次使用。"),
    ("idioms", "一心一意为群众办实事，三令五申仍然违规，四面八方的群众，三番五次整改不到位。"),
    ("plain_sum", "发现问题3+2个，合计5个。"),
    ("links", "按一比一配套资金，三到五年完成，一至三项工作已办结。"),
    ("verb_after_noun_count", "这两个单位落实不到位，12个方面68项重点任务全部完成。"),
]


@pytest.mark.parametrize("text", [c[1] for c in COUNT_CASES], ids=[c[0] for c in COUNT_CASES])
def test_counts_are_not_formulations(text: str) -> None:
    numbered = [p.text for p in extract_phrases(text, top_k=None) if p.kind == "numbered"]
    assert numbered == []


# --- 3. quoted terms of art ------------------------------------------------------------------
QUOTED_CASES = [
    ("method", "巡察组采取“穿透式监督”方式开展检查。", "穿透式监督"),
    ("metaphor", "个别干部存在“灯下黑”问题。", "灯下黑"),
    ("single_quotes", "部分单位对‘硬任务’软落实。", "硬任务"),
    ("corner_brackets", "建立「对口式」巡察联动机制。", "对口式"),
    ("plus_term", "采取‘线上+线下’方式开展巡察。", "线上+线下"),
    ("counted_not_numbered", "把“三张清单”作为整改抓手。", "三张清单"),
]


@pytest.mark.parametrize(("text", "phrase"), [c[1:] for c in QUOTED_CASES],
                         ids=[c[0] for c in QUOTED_CASES])
def test_quoted_terms(text: str, phrase: str) -> None:
    found = phrases_of(text)
    assert phrase in found, list(found)
    assert (found[phrase].kind, found[phrase].source) == ("term", "quoted")


QUOTED_NEGATIVE_CASES = [
    ("speech", "他在会上说：“我们一定把整改抓到底”。", "我们一定把整改抓到底"),
    ("pronoun_start", "大家认为“这是我们的责任”。", "这是我们的责任"),
    ("clause_preposition", "要在“与其他监督贯通融合”上下功夫。", "与其他监督贯通融合"),
    ("clause_boilerplate_verb", "在“把握政治巡察内涵”上久久为功。", "把握政治巡察内涵"),
    ("list_inside", "按照“立体聚焦、形成合力”的要求推进。", "立体聚焦、形成合力"),
    ("particle_end", "群众问“问题改了吗”，干部答“改好了”。", "问题改了吗"),
    ("too_long", "提出“全面提升巡察工作规范化法治化水平”的目标。",
     "全面提升巡察工作规范化法治化水平"),
    ("stop_word", "把“有效”落到实处。", "有效"),
    ("common_word_emphasis", "推动“防控”“教学”两不误。", "教学"),
    ("number", "编号为“2023”的文件。", "2023"),
]


@pytest.mark.parametrize(("text", "phrase"), [c[1:] for c in QUOTED_NEGATIVE_CASES],
                         ids=[c[0] for c in QUOTED_NEGATIVE_CASES])
def test_quoted_speech_and_clauses_are_not_terms(text: str, phrase: str) -> None:
    found = phrases_of(text)
    assert phrase not in found or found[phrase].source != "quoted", list(found)


# --- 4. key terms by TF-IDF ------------------------------------------------------------------
def test_tfidf_ranks_a_repeated_content_word() -> None:
    found = phrases_of(OWN_TEXTS[1])
    assert found["卫生室"].source == "tfidf"
    assert found["卫生室"].count == 2


@pytest.mark.parametrize(
    "word",
    ["工作", "进一步", "加强", "推进", "问题", "发展", "管理", "2023", "763", "108", "2023年",
     "个", "年", "十九大"],
)
def test_stop_words_and_numbers_are_never_terms(word: str) -> None:
    text = "".join(OWN_TEXTS) + "进一步加强工作，推进发展管理，2023年共763个问题。" * 3
    assert word not in phrases_of(text)


def test_no_term_is_a_number_or_a_single_character() -> None:
    for text in OWN_TEXTS:
        for p in extract_phrases(text, top_k=None):
            assert len(p.text) >= 2
            if p.source == "tfidf":
                assert not any(c.isdigit() for c in p.text)


def test_formulation_outranks_plain_word_of_same_frequency() -> None:
    ranked = [p.text for p in extract_phrases("落实两个维护要求，村卫生室已整改。", top_k=None)]
    assert ranked.index("两个维护") < ranked.index("卫生室")


# --- dedup -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("坚决做到两个维护。", {"两个维护": 1}, ["维护"]),
        ("坚决做到两个维护，维护群众利益，维护发展大局。", {"两个维护": 1, "维护": 2}, []),
        ("严格执行十严禁十不准。", {"十严禁十不准": 1}, ["严禁", "不准"]),
        ("巡察组采取“穿透式监督”方式开展检查。", {"穿透式监督": 1}, ["穿透"]),
        ("坚持政治巡察全覆盖。", {}, ["政治巡察全覆盖巡察"]),
    ],
    ids=["inside_only", "also_alone", "pattern_swallows_words", "quote_swallows_words",
         "no_overlap_invention"],
)
def test_dedup(text: str, present: dict[str, int], absent: list[str]) -> None:
    found = phrases_of(text)
    for phrase, count in present.items():
        assert found[phrase].count == count
    for phrase in absent:
        assert phrase not in found


def test_no_two_phrases_claim_the_same_characters() -> None:
    for text in OWN_TEXTS:
        spans = sorted(s for p in extract_phrases(text, top_k=None) for s in p.spans)
        for (_, e1), (s2, _) in itertools.pairwise(spans):
            assert e1 <= s2, spans


# --- spans in the original text, traditional input -----------------------------------------
def forms(phrase: Phrase) -> set[str]:
    entry = Lexicon.default().lookup(phrase.text)
    return {phrase.text, *(entry.surfaces if entry else ())}


@pytest.mark.parametrize("text", OWN_TEXTS, ids=[f"own{i}" for i in range(len(OWN_TEXTS))])
def test_spans_point_into_the_original(text: str) -> None:
    for p in extract_phrases(text, top_k=None):
        assert p.count == len(p.spans) > 0
        assert list(p.spans) == sorted(p.spans)
        for s, e in p.spans:
            assert normalize(text[s:e]).text in forms(p), (p.text, text[s:e])


def test_traditional_input() -> None:
    text = OWN_TEXTS[4]
    found = phrases_of(text)
    wanted = ["全面从严治党", "灯下黑", "中央八项规定精神", "三会一课", "立行立改", "举一反三"]
    for phrase in wanted:
        assert phrase in found, list(found)
    s, e = found["灯下黑"].spans[0]
    assert text[s:e] == "燈下黑"
    s, e = found["三会一课"].spans[0]
    assert text[s:e] == "三會一課"


def test_traditional_and_simplified_agree() -> None:
    simplified = normalize(OWN_TEXTS[4]).text
    a = [(p.text, p.kind, p.count) for p in extract_phrases(OWN_TEXTS[4], top_k=None)]
    b = [(p.text, p.kind, p.count) for p in extract_phrases(simplified, top_k=None)]
    assert a == b


# --- back-ends -------------------------------------------------------------------------------
@pytest.mark.parametrize("text", OWN_TEXTS, ids=[f"own{i}" for i in range(len(OWN_TEXTS))])
def test_both_backends_give_the_same_phrases(text: str) -> None:
    assert (extract_phrases(text, top_k=None, backend="rjieba")
            == extract_phrases(text, top_k=None, backend="jieba"))


# --- ranking and the result type -------------------------------------------------------------
def test_top_k_is_a_prefix_of_the_full_ranking() -> None:
    text = "".join(OWN_TEXTS)
    full = extract_phrases(text, top_k=None)
    assert len(full) > 20
    assert extract_phrases(text) == full[:20]
    assert extract_phrases(text, top_k=3) == full[:3]
    assert extract_phrases(text, top_k=0) == []
    scores = [p.score for p in full]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("text", ["", "   \n\t ", "。，！", "12345"],
                         ids=["empty", "blank", "punctuation", "digits"])
def test_nothing_to_find(text: str) -> None:
    assert extract_phrases(text) == []


def test_phrase_to_dict_is_json_safe() -> None:
    p = extract_phrases(OWN_TEXTS[0])[0]
    d = p.to_dict()
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert set(d) == {"text", "kind", "source", "score", "count", "spans"}
    assert p.kind in PHRASE_KINDS and p.source in SOURCES
    with pytest.raises(AttributeError):
        p.text = "x"  # type: ignore[misc]


def test_normalized_variant_matches() -> None:
    for text in OWN_TEXTS:
        assert extract_phrases_normalized(normalize(text)) == extract_phrases(text)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: extract_phrases(b"abc"), TypeError, "takes str, not bytes"),  # type: ignore[arg-type]
        (lambda: extract_phrases(None), TypeError, "takes str, not NoneType"),  # type: ignore[arg-type]
        (lambda: extract_phrases("两个维护", top_k=-1), ValueError, "top_k must be >= 0"),
        (lambda: extract_phrases("两个维护", top_k=True), TypeError, "top_k must be an int"),
        (lambda: extract_phrases("两个维护", top_k="5"), TypeError, "top_k must be an int"),  # type: ignore[arg-type]
        (lambda: extract_phrases("两个维护", backend="hanlp"), ValueError,  # type: ignore[arg-type]
         "unknown backend 'hanlp'; choose one of rjieba, jieba"),
        (lambda: extract_phrases_normalized("两个维护"), TypeError, "takes a Normalized"),  # type: ignore[arg-type]
        (lambda: PhraseExtractor(lexicon=["两个维护"]), TypeError, "must be a Lexicon"),  # type: ignore[arg-type]
        (lambda: PhraseExtractor(stopwords="工作"), TypeError, "not one string"),
        (lambda: phrase_frame("两个维护"), TypeError, "not a single string"),
        (lambda: phrase_frame(42), TypeError, "not int"),  # type: ignore[arg-type]
        (lambda: phrase_frame([b"x"]), TypeError, "takes str, not bytes"),  # type: ignore[list-item]
    ],
    ids=["bytes", "none", "negative_top_k", "bool_top_k", "str_top_k", "backend",
         "normalized_wants_normalized", "lexicon_type", "stopwords_str", "frame_str",
         "frame_int", "frame_bytes_doc"],
)
def test_bad_input(call: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()  # type: ignore[operator]


# --- custom extractors -----------------------------------------------------------------------
def test_custom_lexicon_and_stopwords() -> None:
    text = "推动未巡先改，村卫生室整改到位，卫生室制度完善。"
    assert "未巡先改" not in phrases_of(text)
    ex = PhraseExtractor(lexicon=Lexicon.default().extend([("未巡先改", "inspection")]),
                         stopwords={"卫生室"})
    found = {p.text: p for p in ex.extract(text, top_k=None)}
    assert found["未巡先改"].source == "lexicon"
    assert "卫生室" not in found
    assert "卫生室" in phrases_of(text)  # the default extractor is unaffected


# --- phrase_frame ----------------------------------------------------------------------------
def test_phrase_frame_from_mapping() -> None:
    docs = {"a": OWN_TEXTS[0], "b": OWN_TEXTS[2], "c": ""}
    frame = phrase_frame(docs, top_k=5)
    assert list(frame.index) == ["a", "b", "c"]
    assert frame.index.name == "doc" and frame.columns.name == "phrase"
    assert (frame.loc["c"] == 0).all()
    for doc_id, text in docs.items():
        counts = {p.text: p.count for p in extract_phrases(text, top_k=None)}
        for phrase in frame.columns:
            assert frame.loc[doc_id, phrase] == counts.get(phrase, 0)
    top = {p.text for d in docs.values() for p in extract_phrases(d, top_k=5)}
    assert set(frame.columns) == top


def test_phrase_frame_from_iterable_and_series() -> None:
    import pandas as pd

    frame = phrase_frame(iter(OWN_TEXTS[:2]))
    assert list(frame.index) == [0, 1]
    assert str(frame.dtypes.unique()[0]) == "int64"
    series = pd.Series(OWN_TEXTS[:2], index=["x", "y"])
    assert list(phrase_frame(series).index) == ["x", "y"]
    assert phrase_frame([]).shape == (0, 0)


def test_phrase_frame_columns_order_by_document_frequency() -> None:
    frame = phrase_frame(["坚决做到两个维护。", "两个维护，回头看。", "开展回头看，再回头看。"])
    # Both in two documents; 回头看 has the larger total.
    assert list(frame.columns[:2]) == ["回头看", "两个维护"]
    assert frame["回头看"].tolist() == [0, 1, 2]


# --- CLI handler -----------------------------------------------------------------------------
def test_cli_phrases_text_and_json(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(OWN_TEXTS[0], encoding="utf-8")
    b.write_bytes(OWN_TEXTS[2].encode("gb18030"))
    out, err = io.StringIO(), io.StringIO()
    assert cli_phrases([str(a), str(b)], top_k=3, out=out, err=err) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == f"==> {a} <==" and len(lines) == 8
    assert lines[1].split()[0] == "1"
    out = io.StringIO()
    assert cli_phrases([str(b)], top_k=2, as_json=True, out=out, err=err) == 0
    record = json.loads(out.getvalue())
    assert record["file"] == str(b) and len(record["phrases"]) == 2
    assert err.getvalue() == ""


def test_cli_phrases_bad_top_k(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert cli_phrases([str(tmp_path / "any.txt")], top_k=-3, out=out, err=err) == 2
    assert "top_k must be >= 0" in err.getvalue() and out.getvalue() == ""


def test_cli_phrases_reports_failures(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("坚决做到两个维护。", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    status = cli_phrases([str(tmp_path / "missing.txt"), str(good)], out=out, err=err)
    assert status == 1
    assert "missing.txt: no such file" in err.getvalue()
    assert "两个维护" in out.getvalue()


# --- property: any text, valid result ---------------------------------------------------------
FRAGMENTS = [*OWN_TEXTS, "兩個維護", "監(jiān)督", "，，", "。", "“", "”", "‘一辦兩組’", "1+N",
             "\n", " ", "　", "１２３", "六围绕一加强", "三会一课", "个", "大", "十"]


@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=5), max_size=12).map("".join))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_gives_valid_spans(text: str) -> None:
    phrases = extract_phrases(text, top_k=None)
    assert len({p.text for p in phrases}) == len(phrases)
    for p in phrases:
        assert p.count == len(p.spans) > 0
        for s, e in p.spans:
            assert 0 <= s < e <= len(text)
            assert normalize(text[s:e]).text in forms(p) or p.source != "lexicon"
