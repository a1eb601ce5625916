"""xuncha_nlp.plot: each chart renders to a non-blank PNG with every Chinese glyph found,
accepts Results or the one table it needs, says "no data" on empty input, and rejects bad
input naming the problem."""

from __future__ import annotations

import io
import math
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

mpl = pytest.importorskip("matplotlib", reason="charts need matplotlib (extra 'plot')")

import matplotlib.image  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from xuncha_nlp import plot  # noqa: E402
from xuncha_nlp.batch import Results, analyze_folder  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "examples" / "reports"

# --- small tables, written as data ------------------------------------------------------------
PROBLEMS = pd.DataFrame([
    ("甲县/反馈.txt", "responsibility", "主体责任与监督责任", "strict_party"),
    ("甲县/反馈.txt", "responsibility", "主体责任与监督责任", "strict_party"),
    ("甲县/反馈.txt", "conduct", "作风", "strict_party"),
    ("乙局整改通报.docx", "finance", "财经纪律与资产管理", "strict_party"),
    ("乙局整改通报.docx", "personnel", "选人用人与干部队伍", "organisation"),
    ("乙局整改通报.docx", None, None, None),
], columns=["path", "category", "label", "area"])
STATS = pd.DataFrame([
    ("甲县/综述.txt", "problems_found", 1520.0, "个"),
    ("甲县/综述.txt", "problems_found", 312.0, "个"),  # a breakdown: the total wins
    ("甲县/综述.txt", "rectification_rate", 93.5, "%"),
    ("甲县/综述.txt", "coverage_rate", 100.0, "%"),
    ("甲县/综述.txt", "funds_recovered", 12_600_000.0, "元"),
    ("乙局整改通报.docx", "problems_found", 41.0, "个"),
    ("乙局整改通报.docx", "rectification_rate", 87.8, "%"),
    ("乙局整改通报.docx", "persons_accountable", 6.0, "人"),
    ("乙局整改通报.docx", "round_no", 3.0, "轮"),
], columns=["path", "metric", "value", "unit"])
PHRASES = pd.DataFrame([
    ("甲县/综述.txt", 1, "全面从严治党", 6), ("甲县/综述.txt", 2, "巡察整改", 4),
    ("甲县/综述.txt", 3, "“两个维护”", 2), ("乙局整改通报.docx", 1, "巡察整改", 9),
    ("乙局整改通报.docx", 2, "三会一课", 3), ("乙局整改通报.docx", 3, "以案促改", 1),
], columns=["path", "rank", "phrase", "count"])
# Each report's key figures, as analyze_folder derives them from STATS (largest value).
DOCUMENTS = pd.DataFrame([
    ("甲县/综述.txt", "ok", 1520.0, 93.5, 100.0, 12_600_000.0, None),
    ("乙局整改通报.docx", "ok", 41.0, 87.8, None, None, 6.0),
    ("丙/扫描件.pdf", "error", None, None, None, None, None),
], columns=["path", "status", "stat_problems_found", "stat_rectification_rate",
            "stat_coverage_rate", "stat_funds_recovered", "stat_persons_accountable"])


def results(documents: pd.DataFrame = DOCUMENTS, stats: pd.DataFrame = STATS,
            phrases: pd.DataFrame = PHRASES, problems: pd.DataFrame = PROBLEMS) -> Results:
    errors = pd.DataFrame({"path": ["丙/扫描件.pdf"], "reason": ["scanned PDF: no text"]})
    return Results(documents=documents, stats=stats, phrases=phrases, problems=problems,
                   errors=errors)


def empty_results() -> Results:
    return results(DOCUMENTS.iloc[:0], STATS.iloc[:0], PHRASES.iloc[:0], PROBLEMS.iloc[:0])


# --- rendering --------------------------------------------------------------------------------
def render(fig: Figure) -> tuple[np.ndarray, list[str]]:
    """PNG pixels and the warnings raised while drawing, under matplotlib's DEFAULT font
    settings: the chart must bring its font itself."""
    buf = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught, mpl.rc_context(
            {"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}):
        warnings.simplefilter("always")
        fig.savefig(buf, format="png", dpi=60)
    buf.seek(0)
    return matplotlib.image.imread(buf, format="png"), [str(w.message) for w in caught]


def assert_drawn(fig: Figure) -> None:
    assert isinstance(fig, Figure)
    pixels, caught = render(fig)
    glyphs = [w for w in caught if "missing from font" in w]
    assert not glyphs, glyphs
    rgb = pixels[..., :3]
    # A blank canvas has no variance; even a "no data" figure has a title and a message.
    assert rgb.std() > 0.01, "the image is blank"
    assert (rgb.min(axis=-1) < 0.5).mean() > 0.001, "almost nothing is drawn"


def texts(fig: Figure) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(mpl.text.Text))


CHARTS: list[tuple[str, Callable[[], Figure], list[str]]] = [
    ("categories-results", lambda: plot.categories(results()),
     ["主体责任与监督责任", "作风", "廉洁", "未分类", "共6条问题，2份报告"]),
    ("categories-table", lambda: plot.categories(PROBLEMS), ["财经纪律与资产管理"]),
    ("categories-only-category-column", lambda: plot.categories(PROBLEMS[["category"]]),
     ["选人用人与干部队伍", "共6条问题）"]),
    ("areas", lambda: plot.categories(results(), by="area"),
     ["落实全面从严治党战略部署", "落实新时代党的组织路线", "未分类"]),
    ("stats-table-results", lambda: plot.stats(results()),
     ["发现问题", "整改率", "1,520", "93.5%", "1,260万", "—", "问责人数", "综述"]),
    ("stats-table-stats", lambda: plot.stats(STATS, metrics=["problems_found", "clues"]),
     ["发现问题", "问题线索", "41"]),
    ("stats-table-documents", lambda: plot.stats(DOCUMENTS), ["覆盖率", "87.8%"]),
    ("stats-bars", lambda: plot.stats(results(), kind="bars"),
     ["整改率", "覆盖率", "100%", "未提及"]),
    ("stats-bars-counts", lambda: plot.stats(STATS, metrics=["problems_found"], kind="bars"),
     ["1,520", "数量"]),
    ("phrases-results", lambda: plot.phrases(results()),
     ["巡察整改", "13次 / 2篇", "“两个维护”", "共2份报告"]),
    ("phrases-results-count-reports-without-phrases", lambda: plot.phrases(
        results(phrases=PHRASES[PHRASES["path"] == "甲县/综述.txt"])), ["共2份报告"]),
    ("phrases-documents", lambda: plot.phrases(PHRASES, measure="documents", top=2),
     ["巡察整改", "全面从严治党", "提及的报告数"]),
    ("phrases-matrix", lambda: plot.phrases(
        pd.DataFrame({"主体责任": [2, 1], "三会一课": [0, 3]}, index=["a", "b"])),
     ["三会一课", "3次 / 1篇"]),
]


@pytest.mark.parametrize(("make", "expected"), [(m, e) for _, m, e in CHARTS],
                         ids=[i for i, _, _ in CHARTS])
def test_chart_renders(make: Callable[[], Figure], expected: list[str]) -> None:
    fig = make()
    assert_drawn(fig)
    shown = texts(fig)
    for text in expected:
        assert text in shown


def test_missing_glyphs_are_detected_without_the_font() -> None:
    """The glyph check can fail: the same labels without the shipped font warn."""
    fig = Figure()
    fig.add_subplot().set_title("问题类别分布")
    _, caught = render(fig)
    assert any("missing from font" in w for w in caught)


def test_largest_value_per_document() -> None:
    table = plot.stats_table(results())
    assert table.loc["甲县/综述.txt", "发现问题"] == 1520
    assert math.isnan(table.loc["乙局整改通报.docx", "覆盖率"])
    assert "轮次" not in table.columns  # an ordinal is not a quantity to compare
    assert list(table.index) == ["甲县/综述.txt", "乙局整改通报.docx"]  # failed file left out


def test_draws_into_given_axes() -> None:
    fig = Figure()
    left, right = fig.subplots(1, 2)
    assert plot.phrases(PHRASES, ax=right) is fig
    assert right.get_title(loc="left").startswith("高频关键短语")
    assert not left.get_title(loc="left")
    sub = Figure().subfigures(1, 2)[1]
    ax = sub.add_subplot()
    assert plot.categories(PROBLEMS, ax=ax) is sub.figure


EMPTY: list[tuple[str, Callable[[], Figure]]] = [
    ("categories-results", lambda: plot.categories(empty_results())),
    ("categories-table", lambda: plot.categories(pd.DataFrame({"category": []}))),
    ("areas", lambda: plot.categories(empty_results(), by="area")),
    ("stats-table", lambda: plot.stats(empty_results())),
    ("stats-bars", lambda: plot.stats(empty_results(), kind="bars")),
    ("stats-no-rates", lambda: plot.stats(STATS[STATS.unit != "%"], kind="bars")),
    ("stats-metric-absent", lambda: plot.stats(STATS, metrics=["persons_judicial"])),
    ("phrases-results", lambda: plot.phrases(empty_results())),
    ("phrases-table", lambda: plot.phrases(pd.DataFrame({"phrase": []}))),
]


@pytest.mark.parametrize("make", [m for _, m in EMPTY], ids=[i for i, _ in EMPTY])
def test_empty_data_says_so(make: Callable[[], Figure]) -> None:
    fig = make()
    assert plot.NO_DATA in texts(fig)
    assert_drawn(fig)


BAD: list[tuple[str, Callable[[], Any], type[Exception], str]] = [
    ("categories-missing-column", lambda: plot.categories(PROBLEMS.drop(columns="category")),
     ValueError, "'category'"),
    ("categories-by", lambda: plot.categories(PROBLEMS, by="label"), ValueError, "'area'"),
    ("categories-list", lambda: plot.categories([1, 2]), TypeError, "list"),
    ("categories-ax", lambda: plot.categories(PROBLEMS, ax="left"), TypeError, "Axes"),
    ("stats-missing-value", lambda: plot.stats(STATS.drop(columns="value")), ValueError,
     "'value'"),
    ("stats-missing-document", lambda: plot.stats(STATS.drop(columns="path")), ValueError,
     "doc_id"),
    ("stats-kind", lambda: plot.stats(STATS, kind="pie"), ValueError, "'bars'"),
    ("stats-unknown-metric", lambda: plot.stats(STATS, metrics=["coverage"]), ValueError,
     "coverage_rate"),
    ("stats-metrics-str", lambda: plot.stats(STATS, metrics="coverage_rate"), TypeError,
     "list"),
    ("stats-mixed-scales", lambda: plot.stats(
        STATS, metrics=["coverage_rate", "problems_found"], kind="bars"), ValueError,
     "kind='table'"),
    ("stats-str", lambda: plot.stats("巡察"), TypeError, "str"),
    ("phrases-missing-column", lambda: plot.phrases(PHRASES.drop(columns="phrase")),
     ValueError, "'phrase'"),
    ("phrases-top-zero", lambda: plot.phrases(PHRASES, top=0), ValueError, "at least 1"),
    ("phrases-top-bool", lambda: plot.phrases(PHRASES, top=True), TypeError, "bool"),
    ("phrases-measure", lambda: plot.phrases(PHRASES, measure="score"), ValueError,
     "'documents'"),
    ("phrases-documents-unknown", lambda: plot.phrases(PHRASES.drop(columns="path"),
                                                       measure="documents"),
     ValueError, "path"),
]


@pytest.mark.parametrize(("call", "error", "message"), [(c, e, m) for _, c, e, m in BAD],
                         ids=[i for i, _, _, _ in BAD])
def test_bad_input(call: Callable[[], Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=None) as info:
        call()
    assert message in str(info.value)


@pytest.mark.parametrize(("value", "scale", "shown"), [
    (96.7, "%", "96.7%"),
    (100.0, "%", "100%"),
    (3840.0, "count", "3,840"),
    (2.5, "count", "2.5"),
    (8_600_000.0, "元", "860万"),
    (413_000.0, "元", "41.3万"),
    (250_000_000.0, "元", "2.5亿"),
    (5000.0, "元", "5,000"),
    (float("nan"), "%", "—"),
], ids=["rate", "whole-rate", "count", "fraction", "wan", "wan-decimal", "yi", "small-money",
        "missing"])
def test_value_format(value: float, scale: str, shown: str) -> None:
    assert plot._fmt(value, scale) == shown


# --- the font -----------------------------------------------------------------------------------
def test_font_covers_every_shipped_label() -> None:
    """Every taxonomy and metric label, and the common characters, are in the subset."""
    from fontTools.ttLib import TTFont

    from xuncha_nlp import resources
    from xuncha_nlp.stats import metric_labels
    from xuncha_nlp.taxonomy import categories

    cmap = TTFont(plot.font_path()).getBestCmap()
    labels = [c.label for level in ("L1", "L2") for c in categories(level)]
    labels += [*metric_labels().values(), "暂无数据（no data）", "次篇份条—…“”《》％"]
    labels += sorted(resources.read_words("common_chars.txt"))
    missing = sorted({ch for text in labels for ch in text if ord(ch) not in cmap})
    assert not missing, "".join(missing)


def test_font_context_restores_settings() -> None:
    before = list(mpl.rcParams["font.family"])
    with plot.font_context():
        assert mpl.rcParams["font.family"][0] == plot.FONT_FAMILY
    assert list(mpl.rcParams["font.family"]) == before


def test_import_does_not_load_matplotlib() -> None:
    code = ("import sys, xuncha_nlp, xuncha_nlp.plot; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


# --- the real tables of analyze_folder --------------------------------------------------------
@pytest.fixture(scope="module")
def example_results() -> Results:
    return analyze_folder(REPORTS, workers=1, progress=False)


@pytest.mark.parametrize("make", [
    lambda r: plot.categories(r), lambda r: plot.categories(r, by="area"),
    lambda r: plot.stats(r), lambda r: plot.stats(r, kind="bars"),
    lambda r: plot.stats(r.documents), lambda r: plot.phrases(r, top=30),
], ids=["categories", "areas", "stats-table", "stats-bars", "stats-documents", "phrases"])
def test_example_reports(example_results: Results, make: Callable[[Results], Figure]) -> None:
    fig = make(example_results)
    assert plot.NO_DATA not in texts(fig)
    assert_drawn(fig)
