"""Charts of a corpus for notebooks and reports: problem categories, statistics per document,
key phrases.

Each helper takes the :class:`~xuncha_nlp.batch.Results` of
:func:`~xuncha_nlp.analyze_folder` or the one table it needs, and returns a matplotlib
:class:`~matplotlib.figure.Figure`; pass ``ax=`` to draw into an axes of your own figure
instead. Tables are read by a few named columns only, so a table built another way
(``stats_frame``, ``phrase_frame``, your own DataFrame of problems) works as long as it has
them; a missing column raises ``ValueError`` naming it. Nothing to show gives a figure that
says so, never an exception.

Labels are Chinese (taxonomy and metric labels from the shipped lexicons) and use the font
shipped with the package (see :mod:`xuncha_nlp.plot_font`). matplotlib is imported when a
chart is first drawn, and the helpers never select a backend or touch pyplot's list of
figures: the figures they make are plain ``Figure`` objects, which a notebook shows when a
cell ends with one and ``fig.savefig`` writes to a file anywhere.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Literal, get_args

from .plot_font import FONT_FAMILY, font_context, font_path

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FONT_FAMILY",
    "CategoryBy",
    "PhraseMeasure",
    "StatsKind",
    "categories",
    "font_context",
    "font_path",
    "phrases",
    "stats",
    "stats_table",
]

CategoryBy = Literal["category", "area"]
StatsKind = Literal["table", "bars"]
PhraseMeasure = Literal["count", "documents"]
CATEGORY_BY: tuple[str, ...] = get_args(CategoryBy)
STATS_KINDS: tuple[str, ...] = get_args(StatsKind)
PHRASE_MEASURES: tuple[str, ...] = get_args(PhraseMeasure)

NO_DATA = "暂无数据（no data）"
UNCLASSIFIED = "未分类"
# Columns naming the document of a row: analyze_folder's tables have "path", stats_frame's
# "doc_id".
DOC_COLUMNS = ("path", "doc_id")
LABEL_WIDTH = 12  # characters per line of a wrapped axis label
DOC_LABEL_MAX = 18  # characters of a document label before it is cut with "…"
COLOURS = ("#3b6ea8", "#c8553d", "#5c946e", "#d4a537", "#7a5c99", "#4f9da6", "#a0616a",
           "#6b7a8f")
MISSING_COLOUR = "#eeeeee"
BAR_HEIGHT_IN = 0.42  # inches per bar row, so long lists stay readable


# --- inputs -------------------------------------------------------------------------------
def _table(data: object, name: str, func: str) -> pd.DataFrame:
    """The DataFrame to chart: ``data`` itself, or its attribute ``name`` (a Results)."""
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return data
    table = getattr(data, name, None)
    if isinstance(table, pd.DataFrame):
        return table
    raise TypeError(f"{func} takes the Results of analyze_folder() or a pandas DataFrame "
                    f"(its {name!r} table), not {type(data).__name__}")


def _require(frame: pd.DataFrame, columns: Iterable[str], func: str, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns)) or "none"
        raise ValueError(f"{func} needs column {', '.join(map(repr, missing))} in the {what} "
                         f"table; its columns are: {have}")


def _doc_column(frame: pd.DataFrame) -> str | None:
    return next((c for c in DOC_COLUMNS if c in frame.columns), None)


def _choice(value: object, valid: tuple[str, ...], name: str, func: str) -> None:
    if value not in valid:
        raise ValueError(f"{func}: unknown {name} {value!r}; choose one of "
                         f"{', '.join(map(repr, valid))}")


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


# --- figures ------------------------------------------------------------------------------
def _show_in_notebook() -> None:
    """In a Jupyter kernel, make sure IPython knows how to show a Figure.

    IPython learns to show ``Figure`` objects (as PNG, SVG … as the notebook configured)
    when the notebook's matplotlib backend module is loaded, which normally happens when
    pyplot makes its first figure. Our figures do not go through pyplot, so a notebook that
    has not used pyplot yet would print ``<Figure size …>`` instead of the chart. Loading
    the backend module the notebook selected fixes that; no backend is switched.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or getattr(shell, "kernel", None) is None:
        return
    import matplotlib
    from matplotlib.backends.registry import backend_registry

    # matplotlib's stubs leave this public method unannotated.
    backend_registry.load_backend_module(  # type: ignore[no-untyped-call]
        matplotlib.get_backend())


def _figure(ax: Axes | None, width: float, height: float, func: str) -> tuple[Figure, Axes]:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if ax is None:
        _show_in_notebook()
        fig = Figure(figsize=(width, height), layout="constrained")
        return fig, fig.add_subplot()
    if not isinstance(ax, Axes):
        raise TypeError(f"{func}: ax must be a matplotlib Axes, not {type(ax).__name__}")
    root: Any = ax.figure
    while not isinstance(root, Figure):  # an axes of a SubFigure: return the whole figure
        root = root.figure
    return root, ax


def _no_data(ax: Axes, title: str) -> None:
    ax.set_title(title, loc="left", fontsize=13)
    ax.text(0.5, 0.5, NO_DATA, ha="center", va="center", fontsize=14, color="#666666",
            transform=ax.transAxes)
    ax.set_axis_off()


def _wrap(label: str, width: int = LABEL_WIDTH) -> str:
    """Break a long Chinese label into lines of ``width`` characters (no spaces to break at)."""
    return "\n".join(label[i:i + width] for i in range(0, len(label), width)) or label


def _tidy(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)


def _bar_labels(ax: Axes, ys: Sequence[float], widths: Sequence[float], texts: Sequence[str],
                span: float) -> None:
    for y, w, text in zip(ys, widths, texts, strict=True):
        ax.text(w + span * 0.01, y, text, va="center", ha="left", fontsize=9, color="#333333")


# --- problem categories ---------------------------------------------------------------------
@cache
def _taxonomy() -> tuple[dict[str, str], dict[str, str], dict[str, str], tuple[str, ...]]:
    """(L2 id -> label, L2 id -> L1 id, L1 id -> label, L2 ids in file order)."""
    from .taxonomy import categories as taxonomy_categories

    l2 = taxonomy_categories("L2")
    return ({c.id: c.label for c in l2}, {c.id: c.parent or "" for c in l2},
            {c.id: c.label for c in taxonomy_categories("L1")}, tuple(c.id for c in l2))


def categories(results: object, *, by: CategoryBy = "category", ax: Axes | None = None
               ) -> Figure:
    """Bar chart of problem statements by category (``by="category"``, bars coloured by
    area) or by area (``by="area"``, the taxonomy's L1 headings), most frequent first.

    ``results``: the Results of :func:`~xuncha_nlp.analyze_folder` or a problems DataFrame
    with a ``category`` column (taxonomy ids; empty for unclassified statements, shown as
    未分类). Labels come from the shipped taxonomy; an id it does not know (a custom model) is
    shown with the row's ``label`` (and grouped by its ``area``) when the table has them.
    Every category of the shipped taxonomy is listed, with 0 where none was found, so
    reports can be compared category by category.
    """
    func = "plot.categories()"
    _choice(by, CATEGORY_BY, "by", func)
    frame = _table(results, "problems", func)
    _require(frame, ["category"], func, "problems")
    labels, areas, area_labels, order = _taxonomy()
    own_label = _column_map(frame, "label")
    own_area = _column_map(frame, "area")

    def area_of(cid: str | None) -> str | None:
        if cid is None:
            return None
        return areas.get(cid) or own_area.get(cid)

    found = [None if _missing(c) else str(c) for c in frame["category"]]
    if by == "area":
        keys: list[str | None] = [area_of(c) for c in found]
        known: tuple[str, ...] = tuple(area_labels)
        names = {**{a: a for a in keys if a is not None}, **area_labels}
    else:
        keys = found
        known = order
        names = {**{c: own_label.get(c, c) for c in found if c is not None}, **labels}
    counts: dict[str | None, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    if any(k in known for k in counts):  # the shipped taxonomy is in use: show its zeros
        for k in known:
            counts.setdefault(k, 0)
    rank = {k: i for i, k in enumerate(known)}
    rows = sorted(counts.items(), key=lambda kv: (kv[0] is None, -kv[1],
                                                  rank.get(kv[0] or "", len(rank)), kv[0] or ""))
    title = "问题类别分布" if by == "category" else "问题领域分布"
    with font_context():
        fig, ax = _figure(ax, 8.0, 1.6 + BAR_HEIGHT_IN * max(len(rows), 3), func)
        if not found:
            _no_data(ax, title)
            return fig
        area_ids = [k if by == "area" else area_of(k) for k, _ in rows]
        palette = {a: COLOURS[i % len(COLOURS)]
                   for i, a in enumerate(dict.fromkeys([*area_labels, *area_ids]))}
        palette[None] = "#999999"
        ys = list(range(len(rows)))
        widths = [n for _, n in rows]
        ax.barh(ys, widths, color=[palette[a] for a in area_ids], height=0.65)
        ax.set_yticks(ys, [_wrap(names.get(k, k) if k is not None else UNCLASSIFIED)
                           for k, _ in rows])
        ax.invert_yaxis()
        span = max(widths) or 1
        ax.set_xlim(0, span * 1.12)
        _bar_labels(ax, ys, widths, [str(n) for n in widths], span)
        _integer_axis(ax)
        ax.set_xlabel("问题条数")
        _tidy(ax)
        docs = _count_docs(results, frame)
        ax.set_title(f"{title}（共{len(found)}条问题" + (f"，{docs}份报告）" if docs else "）"),
                     loc="left", fontsize=13)
        if by == "category":
            shown = [a for a in dict.fromkeys(area_ids)]
            handles = [_patch(palette[a]) for a in shown]
            names_l1 = [_wrap(area_labels.get(a, a) if a else UNCLASSIFIED, 16) for a in shown]
            ax.legend(handles, names_l1, title="领域", loc="lower right", fontsize=8,
                      title_fontsize=9, frameon=False)
    return fig


def _column_map(frame: pd.DataFrame, column: str) -> dict[str, str]:
    """category id -> the first non-empty value of ``column`` in its rows (if the column
    exists)."""
    if column not in frame.columns:
        return {}
    out: dict[str, str] = {}
    for cid, value in zip(frame["category"], frame[column], strict=True):
        if not _missing(cid) and not _missing(value):
            out.setdefault(str(cid), str(value))
    return out


def _count_docs(results: object, frame: pd.DataFrame) -> int | None:
    """Documents analysed: from a Results' documents table (reports with no problem count
    too), else the documents named in ``frame``; None when neither says."""
    import pandas as pd

    documents = getattr(results, "documents", None)
    if isinstance(documents, pd.DataFrame) and _doc_column(documents) is not None:
        return len(_ok_documents(documents))
    column = _doc_column(frame)
    return int(frame[column].nunique()) if column is not None else None


def _patch(colour: str) -> Any:
    from matplotlib.patches import Patch

    return Patch(facecolor=colour)


def _integer_axis(ax: Axes) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


# --- statistics -----------------------------------------------------------------------------
@cache
def _metric_info() -> tuple[dict[str, str], dict[str, str]]:
    """(metric -> Chinese label, metric -> scale: "%", "元", "count" or ORDINAL)."""
    from . import resources
    from ._stat_rules import ORDINAL, metric_labels

    scales: dict[str, str] = {}
    for metric, _label, counters, _cues in resources.read_rows("metrics.tsv", 4):
        units = resources.split_variants(counters)
        scales[metric] = next((u for u in ("%", "元") if u in units),
                              ORDINAL if set(units) == {ORDINAL} else "count")
    return metric_labels(), scales


def _stats_matrix(results: object, func: str) -> pd.DataFrame:
    """Documents × metrics, the largest value each document names for each metric (a total
    rather than a breakdown, as Analysis.key_stats); NaN where a document names none."""
    import pandas as pd

    if not isinstance(results, pd.DataFrame):
        documents = getattr(results, "documents", None)
        if isinstance(documents, pd.DataFrame) and _has_stat_columns(documents):
            # analyze_folder's documents hold each report's key figures already.
            return _wide_stats(documents, func)
    frame = results if isinstance(results, pd.DataFrame) else _table(results, "stats", func)
    if "metric" not in frame.columns and _has_stat_columns(frame):
        return _wide_stats(frame, func)
    _require(frame, ["metric", "value"], func, "stats")
    doc = _doc_column(frame)
    if doc is None:
        raise ValueError(f"{func} needs a column naming the document ({' or '.join(DOC_COLUMNS)})"
                         f" in the stats table; its columns are: {', '.join(frame.columns)}")
    values = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    long = pd.DataFrame({"doc": frame[doc].astype(str), "metric": frame["metric"].astype(str),
                         "value": values})
    matrix = long.pivot_table(index="doc", columns="metric", values="value", aggfunc="max",
                              dropna=False, sort=False)
    order = list(dict.fromkeys(long["doc"]))
    return matrix.reindex(index=order).astype("float64")


def _has_stat_columns(frame: pd.DataFrame) -> bool:
    return any(str(c).startswith("stat_") for c in frame.columns)


def _ok_documents(documents: pd.DataFrame) -> list[Any]:
    """The documents analysed without error, in table order (those failed have no stats)."""
    doc = _doc_column(documents)
    if doc is None:
        return []
    rows = documents
    if "status" in documents.columns:
        rows = documents[documents["status"].astype(str) == "ok"]
    return list(rows[doc])


def _wide_stats(frame: pd.DataFrame, func: str) -> pd.DataFrame:
    """The documents table of analyze_folder: one ``stat_<metric>`` column per metric."""
    import pandas as pd

    doc = _doc_column(frame)
    if doc is None:
        raise ValueError(f"{func} needs a column naming the document ({' or '.join(DOC_COLUMNS)})"
                         f" in the documents table; its columns are: {', '.join(frame.columns)}")
    if "status" in frame.columns:
        frame = frame[frame["status"].astype(str) == "ok"]
    columns = [c for c in frame.columns if str(c).startswith("stat_")]
    matrix = pd.DataFrame({str(c)[len("stat_"):]: pd.to_numeric(frame[c], errors="coerce")
                           .astype("float64").to_numpy() for c in columns},
                          index=frame[doc].astype(str).to_list())
    matrix.index.name = "doc"
    return matrix


def _pick_metrics(matrix: pd.DataFrame, metrics: Sequence[str] | None, kind: str,
                  func: str) -> list[str]:
    from ._stat_rules import ORDINAL
    from .stats import METRICS

    scales = _metric_info()[1]
    if metrics is not None:
        if isinstance(metrics, str) or not all(isinstance(m, str) for m in metrics):
            raise TypeError(f"{func}: metrics must be a list of metric names, e.g. "
                            "['coverage_rate', 'rectification_rate']")
        valid = list(dict.fromkeys([*METRICS, *map(str, matrix.columns)]))
        unknown = [m for m in metrics if m not in valid]
        if unknown:
            raise ValueError(f"{func}: unknown metric {', '.join(map(repr, unknown))}; valid "
                             f"metrics: {', '.join(valid)}")
        chosen = list(dict.fromkeys(metrics))
        if kind == "bars":
            kinds = {scales.get(m, "count") for m in chosen}
            if len(kinds) > 1:
                raise ValueError(
                    f"{func}: metrics {', '.join(chosen)} are on different scales "
                    f"({', '.join(sorted(kinds))}) and cannot share one bar axis; chart them "
                    "with kind='table' or one scale at a time")
        return chosen
    present = [m for m in (*METRICS, *map(str, matrix.columns))
               if m in matrix.columns and matrix[m].notna().any()]
    present = list(dict.fromkeys(present))
    if kind == "bars":
        # Rates are what reports compare across documents; counts differ by orders of
        # magnitude between a county's year and one unit's feedback.
        return [m for m in present if scales.get(m) == "%"]
    return [m for m in present if scales.get(m) != ORDINAL]


def _fmt(value: float, scale: str) -> str:
    if math.isnan(value):
        return "—"
    if scale == "%":
        return f"{value:.1f}".removesuffix(".0") + "%"
    if scale == "元" and abs(value) >= 1e4:
        unit, div = ("亿", 1e8) if abs(value) >= 1e8 else ("万", 1e4)
        return f"{value / div:,.2f}".rstrip("0").rstrip(".") + unit
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _doc_labels(keys: Sequence[Any]) -> list[str]:
    """Short labels: the file name without extension, unless two documents share one."""
    stems = [PurePath(str(k)).stem or str(k) for k in keys]
    use = stems if len(set(stems)) == len(stems) else [str(k) for k in keys]
    return [s if len(s) <= DOC_LABEL_MAX else s[:DOC_LABEL_MAX - 1] + "…" for s in use]


def stats(results: object, *, metrics: Sequence[str] | None = None, kind: StatsKind = "table",
          ax: Axes | None = None) -> Figure:
    """Statistics per document.

    ``kind="table"`` (default): a heat-table, one row per document and one column per
    metric, each cell the value (the largest the document names for that metric) shaded
    against the other documents in its column, so counts of any size compare; ``—`` where a
    document names none. ``kind="bars"``: grouped bars of metrics on one scale, by default
    the rates (覆盖率, 整改率), to compare them across documents.

    ``results``: the Results of :func:`~xuncha_nlp.analyze_folder`, its ``stats`` table (or
    :func:`~xuncha_nlp.stats_frame`'s: columns ``metric``, ``value`` and ``path`` or
    ``doc_id``), or its ``documents`` table (``stat_<metric>`` columns). ``metrics``: metric
    names (see :data:`xuncha_nlp.METRICS`) in the order to show; default every metric
    found (the table) or every rate found (the bars).
    """
    func = "plot.stats()"
    _choice(kind, STATS_KINDS, "kind", func)
    matrix = _stats_matrix(results, func)
    chosen = _pick_metrics(matrix, metrics, kind, func)
    matrix = matrix.reindex(columns=chosen)
    labels, scales = _metric_info()
    title = "各报告统计数据" if kind == "table" else "各报告" + "、".join(
        labels.get(m, m) for m in chosen) + "对比"
    rows, cols = matrix.shape
    has_data = bool(rows and cols and matrix.notna().to_numpy().any())
    with font_context():
        if kind == "table":
            width = 2.4 + 1.15 * max(cols, 2)
            height = 1.6 + 0.5 * max(rows, 2)
        else:
            width, height = 8.0, 1.6 + BAR_HEIGHT_IN * max(rows * max(cols, 1), 3)
        fig, ax = _figure(ax, width, height, func)
        if not has_data:
            _no_data(ax, title if chosen else "各报告统计数据")
            return fig
        names = [labels.get(m, m) for m in chosen]
        docs = _doc_labels(list(matrix.index))
        if kind == "table":
            _heat_table(ax, matrix, names, docs, [scales.get(m, "count") for m in chosen])
        else:
            _grouped_bars(ax, matrix, names, docs, scales.get(chosen[0], "count"))
        ax.set_title(title, loc="left", fontsize=13)
    return fig


def stats_table(results: object, *, metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """The table :func:`stats` draws: one row per document (index ``文档``: its path), one
    column per metric (Chinese labels), the largest value the document names for it, NaN
    where it names none. Inputs and ``metrics`` as for :func:`stats`; default every metric
    found."""
    func = "plot.stats_table()"
    matrix = _stats_matrix(results, func)
    chosen = _pick_metrics(matrix, metrics, "table", func)
    labels = _metric_info()[0]
    table = matrix.reindex(columns=chosen)
    table.columns = [labels.get(m, m) for m in chosen]
    table.columns.name = "指标"
    table.index.name = "文档"
    return table


def _heat_table(ax: Axes, matrix: pd.DataFrame, names: list[str], docs: list[str],
                scales: list[str]) -> None:
    import numpy as np
    from matplotlib import colormaps

    values = matrix.to_numpy(dtype="float64")
    shade = np.full(values.shape, np.nan)
    for j in range(values.shape[1]):
        col = values[:, j]
        if np.isnan(col).all():
            continue
        lo, hi = np.nanmin(col), np.nanmax(col)
        # One document, or all equal: a middle shade rather than the extreme.
        shade[:, j] = (col - lo) / (hi - lo) if hi > lo else np.where(np.isnan(col), np.nan, 0.5)
    cmap = colormaps["Blues"].with_extremes(bad=MISSING_COLOUR)
    ax.imshow(np.ma.masked_invalid(0.12 + 0.7 * shade), cmap=cmap, vmin=0, vmax=1,
              aspect="auto")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            dark = not np.isnan(shade[i, j]) and shade[i, j] > 0.6
            ax.text(j, i, _fmt(values[i, j], scales[j]), ha="center", va="center", fontsize=9,
                    color="white" if dark else "#222222")
    ax.set_xticks(range(len(names)), [_wrap(n, 5) for n in names], fontsize=9)
    ax.set_yticks(range(len(docs)), docs, fontsize=9)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xticks(np.arange(len(names) + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(len(docs) + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)


def _grouped_bars(ax: Axes, matrix: pd.DataFrame, names: list[str], docs: list[str],
                  scale: str) -> None:
    import numpy as np

    values = matrix.to_numpy(dtype="float64")
    n_docs, n_metrics = values.shape
    height = 0.8 / n_metrics
    top = float(np.nanmax(values))
    span = max(top, 100.0) if scale == "%" else (top or 1.0)
    for j in range(n_metrics):
        ys = np.arange(n_docs) + (j - (n_metrics - 1) / 2) * height
        col = values[:, j]
        ax.barh(ys, np.nan_to_num(col), height=height * 0.92, color=COLOURS[j % len(COLOURS)],
                label=names[j])
        _bar_labels(ax, list(ys), list(np.nan_to_num(col)),
                    [_fmt(v, scale) if not np.isnan(v) else "未提及" for v in col], span)
    ax.set_yticks(range(n_docs), docs)
    ax.invert_yaxis()
    ax.set_xlim(0, span * 1.15)
    if scale == "%":
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_xlabel({"%": "比率", "元": "金额（元）"}.get(scale, "数量"))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(n_metrics, 4),
              frameon=False, fontsize=9)
    _tidy(ax)


# --- key phrases ----------------------------------------------------------------------------
def _phrase_totals(data: object, func: str) -> tuple[list[tuple[str, int, int | None]], int]:
    """[(phrase, occurrences, documents or None)], number of documents (0 if unknown)."""
    import pandas as pd

    frame = _table(data, "phrases", func)
    if "phrase" not in frame.columns and len(frame.columns) and all(
            pd.api.types.is_numeric_dtype(t) for t in frame.dtypes):
        # phrase_frame(): documents × phrases, counts in the cells.
        counts = frame.fillna(0)
        return ([(str(p), int(counts[p].sum()), int((counts[p] > 0).sum()))
                 for p in counts.columns], len(counts))
    _require(frame, ["phrase"], func, "phrases")
    doc = _doc_column(frame)
    count = (pd.to_numeric(frame["count"], errors="coerce").fillna(1).astype("int64")
             if "count" in frame.columns else pd.Series(1, index=frame.index))
    table = pd.DataFrame({"phrase": frame["phrase"].astype(str), "count": count.to_numpy(),
                          "doc": frame[doc].astype(str).to_numpy() if doc else ""})
    table = table[frame["phrase"].notna().to_numpy()]
    grouped = table.groupby("phrase", sort=False).agg(count=("count", "sum"),
                                                      docs=("doc", "nunique"))
    # As for the categories chart: a Results counts its reports without phrases too.
    return ([(str(p), int(c), int(d) if doc else None)
             for p, c, d in zip(grouped.index, grouped["count"], grouped["docs"], strict=True)],
            _count_docs(data, frame) or 0)


def phrases(results: object, *, top: int = 20, measure: PhraseMeasure = "count",
            ax: Axes | None = None) -> Figure:
    """Bar chart of the ``top`` key phrases over the corpus.

    ``measure="count"`` (default) ranks phrases by their occurrences summed over the
    documents, ``"documents"`` by the number of documents listing them among their key
    phrases; each bar is labelled with both (``32次 / 3篇``).

    ``results``: the Results of :func:`~xuncha_nlp.analyze_folder`, its ``phrases`` table
    (columns ``phrase``, and ``count``, ``path``/``doc_id`` when present), or the
    documents × phrases matrix of :func:`~xuncha_nlp.phrase_frame`.
    """
    func = "plot.phrases()"
    if isinstance(top, bool) or not isinstance(top, int):
        raise TypeError(f"{func}: top must be an int, not {type(top).__name__}")
    if top < 1:
        raise ValueError(f"{func}: top must be at least 1, not {top}")
    _choice(measure, PHRASE_MEASURES, "measure", func)
    totals, n_docs = _phrase_totals(results, func)
    if measure == "documents" and totals and totals[0][2] is None:
        raise ValueError(f"{func}: measure='documents' needs a column naming the document "
                         f"({' or '.join(DOC_COLUMNS)}) in the phrases table")
    key = (lambda t: (-(t[2] or 0), -t[1], t[0])) if measure == "documents" else (
        lambda t: (-t[1], -(t[2] or 0), t[0]))
    rows = sorted((t for t in totals if t[1] > 0), key=key)[:top]
    title = f"高频关键短语（前{top}" + (f"，共{n_docs}份报告）" if n_docs else "）")
    with font_context():
        fig, ax = _figure(ax, 8.0, 1.6 + BAR_HEIGHT_IN * max(len(rows), 3), func)
        if not rows:
            _no_data(ax, "高频关键短语")
            return fig
        ys = list(range(len(rows)))
        widths = [float(d or 0) if measure == "documents" else float(c) for _, c, d in rows]
        ax.barh(ys, widths, color=COLOURS[0], height=0.65)
        ax.set_yticks(ys, [_wrap(p, 16) for p, _, _ in rows])
        ax.invert_yaxis()
        span = max(widths) or 1.0
        ax.set_xlim(0, span * 1.18)
        _bar_labels(ax, ys, widths, [f"{c}次" + (f" / {d}篇" if d is not None else "")
                                     for _, c, d in rows], span)
        _integer_axis(ax)
        ax.set_xlabel("出现次数" if measure == "count" else "提及的报告数")
        _tidy(ax)
        ax.set_title(title, loc="left", fontsize=13)
    return fig
