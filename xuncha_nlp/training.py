"""Training and evaluating statement classifiers on labelled files (uses scikit-learn).

A labels file is CSV with columns ``text,label`` (optionally ``area``) or JSON Lines with
the same keys, in any encoding :func:`~xuncha_nlp.encoding.decode_bytes` recognises; a
pandas DataFrame with those columns works too. Labels are whatever the file says, so a user's
own taxonomy trains as easily as ours; a label's area comes from the ``area`` column, else
from the shipped taxonomy when the label is one of ours, else it is ``None``.

Nothing here is imported by ``import xuncha_nlp``; scikit-learn is imported inside the
functions that fit models.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ._version import __version__
from .errors import ModelError, ReadError
from .model import ANALYZERS, Model, text_hash
from .statement import clean_text, model_text, statement_text

__all__ = [
    "CLASSIFIERS", "DEFAULT_PARAMS", "CategoryScore", "Evaluation", "LabelSet", "evaluate",
    "read_labels", "train",
]

ClassifierName = Literal["svc", "logistic"]
CLASSIFIERS: tuple[str, ...] = ("svc", "logistic")
# Chosen by cross-validation on the shipped set (benchmarks/eval_classify.py prints the
# comparison): character uni- and bigrams within word boundaries, n-grams seen at least
# twice, a linear SVM with sigmoid-calibrated probabilities.
DEFAULT_PARAMS: dict[str, Any] = {
    "analyzer": "char_wb", "ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True,
    "classifier": "svc", "C": 2.0,
}
EngineName = Literal["model", "keyword"]


# --- labelled data -----------------------------------------------------------------------------
@dataclass(frozen=True)
class LabelSet:
    """Labelled statements: ``texts[i]`` has label ``labels[i]``; ``areas`` maps each label
    to its L1 heading or ``None``."""

    texts: tuple[str, ...]
    labels: tuple[str, ...]
    areas: dict[str, str | None]
    source: str

    @property
    def label_set(self) -> tuple[str, ...]:
        """Distinct labels: the shipped taxonomy's order for our ids, then the others sorted."""
        from .taxonomy import categories

        ours = [c.id for c in categories("L2")]
        present = set(self.labels)
        return tuple([x for x in ours if x in present] + sorted(present - set(ours)))

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "size": len(self.texts),
                "counts": dict(Counter(self.labels)), "areas": dict(self.areas)}


def read_labels(source: str | os.PathLike[str] | Any) -> LabelSet:
    """Read labelled statements from a CSV/JSONL path or a pandas DataFrame.

    Raises ``ValueError`` naming the row for a missing text or label, ``ReadError`` for an
    unreadable file, ``TypeError`` for anything that is neither a path nor a DataFrame.
    """
    if isinstance(source, LabelSet):
        return source
    if isinstance(source, (str, os.PathLike)):
        return _read_file(Path(source))
    if hasattr(source, "columns") and hasattr(source, "itertuples"):
        return _from_rows(_frame_rows(source), "<DataFrame>")
    raise TypeError(
        f"labels must be a CSV/JSONL path or a pandas DataFrame, not {type(source).__name__}")


def _frame_rows(frame: Any) -> list[tuple[int, dict[str, Any]]]:
    cols = [str(c) for c in frame.columns]
    _require_columns(cols, "<DataFrame>")
    return [(i + 1, dict(zip(cols, row, strict=True)))
            for i, row in enumerate(frame.itertuples(index=False, name=None))]


def _require_columns(cols: Sequence[str], where: str) -> None:
    missing = [c for c in ("text", "label") if c not in cols]
    if missing:
        raise ValueError(
            f"{where}: labelled data needs columns 'text' and 'label' (optionally 'area'); "
            f"missing {', '.join(missing)}; found {', '.join(cols) or 'none'}")


def _read_file(path: Path) -> LabelSet:
    from .encoding import decode_bytes

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    text = decode_bytes(data, name=str(path)).text
    suffix = path.suffix.lower()
    rows: list[tuple[int, dict[str, Any]]] = []
    if suffix in (".jsonl", ".ndjson", ".json"):
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}, line {n}: not valid JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise ValueError(f"{path}, line {n}: expected an object with text and label")
            rows.append((n, obj))
        if rows:
            _require_columns(sorted(set().union(*(r.keys() for _, r in rows))), str(path))
    elif suffix in (".csv", ".tsv", ".txt", ""):
        delimiter = "\t" if suffix == ".tsv" else ","
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        _require_columns([c.strip() for c in reader.fieldnames or []], str(path))
        for n, rec in enumerate(reader, start=2):
            rows.append((n, {(k or "").strip(): v for k, v in rec.items()}))
    else:
        raise ValueError(f"{path}: unknown labels format {suffix!r}; use .csv, .tsv or .jsonl")
    return _from_rows(rows, str(path))


def _from_rows(rows: list[tuple[int, dict[str, Any]]], where: str) -> LabelSet:
    from .taxonomy import area_of

    texts: list[str] = []
    labels: list[str] = []
    areas: dict[str, str | None] = {}
    given: dict[str, str] = {}
    for n, rec in rows:
        text, label, area = rec.get("text"), rec.get("label"), rec.get("area")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{where}, row {n}: empty or missing text")
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"{where}, row {n}: empty or missing label")
        label = label.strip()
        texts.append(text)
        labels.append(label)
        if isinstance(area, str) and area.strip():
            area = area.strip()
            if given.setdefault(label, area) != area:
                raise ValueError(
                    f"{where}, row {n}: label {label!r} has area {area!r} here but "
                    f"{given[label]!r} earlier; a label belongs to one area")
    if not texts:
        raise ValueError(f"{where}: no labelled statements")
    for label in set(labels):
        areas[label] = given.get(label, area_of(label))
    return LabelSet(tuple(texts), tuple(labels), areas, where)


def prepare(texts: Sequence[str]) -> list[str]:
    """The texts the model sees (normalised statement, numbers folded)."""
    return [model_text(statement_text(clean_text(t))) for t in texts]


# --- fitting -----------------------------------------------------------------------------------
def _check_params(params: dict[str, Any]) -> dict[str, Any]:
    p = {**DEFAULT_PARAMS, **params}
    unknown = set(p) - set(DEFAULT_PARAMS)
    if unknown:
        raise ValueError(f"unknown training parameter(s) {sorted(unknown)}; valid: "
                         f"{sorted(DEFAULT_PARAMS)}")
    if p["analyzer"] not in ANALYZERS:
        raise ValueError(f"unknown analyzer {p['analyzer']!r}; choose one of {ANALYZERS}")
    if p["classifier"] not in CLASSIFIERS:
        raise ValueError(f"unknown classifier {p['classifier']!r}; choose one of {CLASSIFIERS}")
    lo, hi = (int(x) for x in p["ngram_range"])
    if not 1 <= lo <= hi <= 6:
        raise ValueError(f"ngram_range must satisfy 1 <= low <= high <= 6, got {(lo, hi)}")
    p["ngram_range"] = (lo, hi)
    if not (isinstance(p["min_df"], int) and p["min_df"] >= 1):
        raise ValueError(f"min_df must be a positive integer, got {p['min_df']!r}")
    if not float(p["C"]) > 0:
        raise ValueError(f"C must be positive, got {p['C']!r}")
    p["C"] = float(p["C"])
    p["sublinear_tf"] = bool(p["sublinear_tf"])
    return p


def build_pipeline(params: dict[str, Any], *, n_min: int, seed: int = 0) -> Any:
    """The scikit-learn pipeline for ``params`` (exposed for benchmarks)."""
    import numpy as np
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    p = _check_params(params)
    vec = TfidfVectorizer(analyzer=p["analyzer"], ngram_range=p["ngram_range"],
                          min_df=p["min_df"], sublinear_tf=p["sublinear_tf"], lowercase=False,
                          dtype=np.float64)
    clf: Any
    if p["classifier"] == "logistic":
        clf = LogisticRegression(C=p["C"], max_iter=5000)
    else:
        folds = max(2, min(5, n_min))
        clf = CalibratedClassifierCV(
            LinearSVC(C=p["C"], random_state=seed),
            cv=StratifiedKFold(folds, shuffle=True, random_state=seed),
            method="sigmoid", ensemble=False)
    return Pipeline([("tfidf", vec), ("clf", clf)])


def _fit(prepared: Sequence[str], y: Sequence[str], params: dict[str, Any],
         seed: int) -> Any:
    counts = Counter(y)
    if len(counts) < 2:
        raise ValueError(f"training needs at least two labels; found {sorted(counts)}")
    thin = sorted(k for k, v in counts.items() if v < 2)
    if thin:
        raise ValueError(f"every label needs at least 2 examples; too few for {thin}")
    pipe = build_pipeline(params, n_min=min(counts.values()), seed=seed)
    p = _check_params(params)
    if p["min_df"] > 1:
        # A tiny set may have no n-gram seen twice; fall back rather than fail to fit.
        from sklearn.feature_extraction.text import TfidfVectorizer

        probe = TfidfVectorizer(analyzer=p["analyzer"], ngram_range=p["ngram_range"],
                                min_df=p["min_df"], lowercase=False)
        try:
            probe.fit(prepared)
        except ValueError:
            pipe.set_params(tfidf__min_df=1)
    pipe.fit(list(prepared), list(y))
    return pipe


def model_from_pipeline(pipe: Any, areas: dict[str, str | None], params: dict[str, Any],
                        info: dict[str, Any], training_texts: Sequence[str]) -> Model:
    """Turn a fitted pipeline into a plain :class:`Model` (same probabilities)."""
    import numpy as np

    p = _check_params(params)
    vec = pipe.named_steps["tfidf"]
    clf = pipe.named_steps["clf"]
    vocab = sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])
    labels = tuple(str(c) for c in clf.classes_)
    if p["classifier"] == "logistic":
        coef, intercept = clf.coef_, clf.intercept_
        calibration = np.zeros((0, 2))
        kind = "logistic"
    else:
        (cal,) = clf.calibrated_classifiers_
        coef, intercept = cal.estimator.coef_, cal.estimator.intercept_
        calibration = np.array([[c.a_, c.b_] for c in cal.calibrators], dtype=float)
        kind = "svc_sigmoid"
    hashes = np.array(sorted({text_hash(t) for t in training_texts}), dtype=np.uint64)
    return Model(
        labels=labels, areas=tuple(areas.get(x) for x in labels),
        analyzer=p["analyzer"], ngram_range=p["ngram_range"], kind=kind,  # type: ignore[arg-type]
        params={**p, "ngram_range": list(p["ngram_range"]), "min_df": vec.min_df},
        info=info, vocabulary=tuple(g for g, _ in vocab),
        idf=np.asarray(vec.idf_, dtype=float), coef=np.asarray(coef, dtype=float),
        intercept=np.asarray(intercept, dtype=float), calibration=calibration,
        training_hashes=hashes)


def train(labels: str | os.PathLike[str] | Any, *, seed: int = 0,
          **params: Any) -> Model:
    """Train a classifier on labelled statements (path to CSV/JSONL, or a DataFrame).

    ``params`` override :data:`DEFAULT_PARAMS` (``analyzer``, ``ngram_range``, ``min_df``,
    ``sublinear_tf``, ``classifier`` = ``"svc"`` or ``"logistic"``, ``C``). The returned
    model predicts exactly the labels found in the data.
    """
    data = read_labels(labels)
    prepared = prepare(data.texts)
    p = _check_params(params)
    pipe = _fit(prepared, data.labels, p, seed)
    info = {"source": Path(data.source).name if data.source != "<DataFrame>" else data.source,
            "size": len(data.texts), "counts": dict(Counter(data.labels)),
            "library": __version__, "seed": seed}
    return model_from_pipeline(pipe, data.areas, p, info, prepared)


# --- evaluation --------------------------------------------------------------------------------
@dataclass(frozen=True)
class CategoryScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "precision": self.precision, "recall": self.recall,
                "f1": self.f1, "support": self.support}


@dataclass(frozen=True)
class Evaluation:
    """Figures for one engine or model on labelled statements.

    ``per_category``/``confusion``/``macro_f1`` come from the method in ``method``;
    ``cv_macro_f1`` is the mean macro-F1 over ``cv_folds`` (k-fold cross-validation of the
    training procedure, or for the keyword engine its score on each fold's test part).
    ``confusion[i][j]`` counts statements labelled ``labels[i]`` predicted ``columns[j]``.
    """

    method: str
    engine: str
    n: int
    labels: tuple[str, ...]
    columns: tuple[str, ...]
    per_category: tuple[CategoryScore, ...]
    confusion: tuple[tuple[int, ...], ...]
    macro_f1: float
    accuracy: float
    cv_macro_f1: float | None
    cv_folds: tuple[float, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method, "engine": self.engine, "n": self.n,
            "labels": list(self.labels), "columns": list(self.columns),
            "per_category": [c.to_dict() for c in self.per_category],
            "confusion": [list(r) for r in self.confusion], "macro_f1": self.macro_f1,
            "accuracy": self.accuracy, "cv_macro_f1": self.cv_macro_f1,
            "cv_folds": list(self.cv_folds), "notes": list(self.notes),
        }

    def format(self) -> str:
        """A plain-text report: summary, per-category table, confusion table."""
        lines = [f"{self.method}", f"statements: {self.n}   engine: {self.engine}"]
        if self.cv_macro_f1 is not None:
            folds = " ".join(f"{f:.3f}" for f in self.cv_folds)
            lines.append(f"cross-validated macro-F1: {self.cv_macro_f1:.3f}  "
                         f"({len(self.cv_folds)} folds: {folds})")
        lines.append(f"macro-F1: {self.macro_f1:.3f}   accuracy: {self.accuracy:.3f}")
        width = max([len(x) for x in self.labels] + [8])
        lines.append("")
        lines.append(f"{'category':<{width}}  precision  recall     f1  support")
        for c in self.per_category:
            lines.append(f"{c.label:<{width}}  {c.precision:9.3f}  {c.recall:6.3f}  "
                         f"{c.f1:5.3f}  {c.support:7d}")
        lines.append("")
        short = [_abbrev(c) for c in self.columns]
        lines.append("confusion (rows: true label, columns: predicted)")
        lines.append(f"{'':<{width}}  " + " ".join(f"{s:>5}" for s in short))
        for label, row in zip(self.labels, self.confusion, strict=True):
            lines.append(f"{label:<{width}}  " + " ".join(f"{v:>5d}" for v in row))
        for note in self.notes:
            lines.append(f"note: {note}")
        return "\n".join(lines)


def _abbrev(label: str) -> str:
    return label if len(label) <= 5 else label[:5]


def _scores(y_true: Sequence[str], y_pred: Sequence[str | None], labels: Sequence[str]
            ) -> tuple[tuple[CategoryScore, ...], tuple[tuple[int, ...], ...], float, float,
                       tuple[str, ...]]:
    pred = ["—" if p is None else p for p in y_pred]
    extra = sorted(set(pred) - set(labels))
    columns = tuple(labels) + tuple(extra)
    col = {c: i for i, c in enumerate(columns)}
    row = {c: i for i, c in enumerate(labels)}
    conf = [[0] * len(columns) for _ in labels]
    for t, p in zip(y_true, pred, strict=True):
        conf[row[t]][col[p]] += 1
    per: list[CategoryScore] = []
    for i, label in enumerate(labels):
        tp = conf[i][i]
        support = sum(conf[i])
        predicted = sum(r[i] for r in conf)
        prec = tp / predicted if predicted else 0.0
        rec = tp / support if support else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per.append(CategoryScore(label, prec, rec, f1, support))
    macro = sum(c.f1 for c in per) / len(per) if per else 0.0
    acc = sum(conf[i][i] for i in range(len(labels))) / max(1, len(y_true))
    return tuple(per), tuple(tuple(r) for r in conf), macro, acc, columns


def _folds(y: Sequence[str], cv: int, seed: int) -> list[tuple[Any, Any]]:
    from sklearn.model_selection import StratifiedKFold

    smallest = min(Counter(y).values())
    k = min(cv, smallest)
    if k < 2:
        raise ValueError(f"cross-validation needs at least 2 examples of every label; the "
                         f"smallest label has {smallest}")
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return list(splitter.split(list(y), list(y)))


def cross_val_predict(data: LabelSet, params: dict[str, Any], *, cv: int = 5, seed: int = 0
                      ) -> tuple[list[str], list[float]]:
    """Out-of-fold predictions of the training procedure and the macro-F1 of each fold."""
    prepared = prepare(data.texts)
    y = list(data.labels)
    oof: list[str] = [""] * len(y)
    fold_f1: list[float] = []
    labels = data.label_set
    for train_idx, test_idx in _folds(y, cv, seed):
        pipe = _fit([prepared[i] for i in train_idx], [y[i] for i in train_idx], params, seed)
        model = model_from_pipeline(pipe, data.areas, params, {}, [])
        proba = model.predict_proba([prepared[i] for i in test_idx])
        pred = [model.labels[j] for j in proba.argmax(axis=1)]
        for i, p in zip(test_idx, pred, strict=True):
            oof[i] = p
        present = [x for x in labels if x in {y[i] for i in test_idx}]
        fold_f1.append(_scores([y[i] for i in test_idx], pred, present)[2])
    return oof, fold_f1


def evaluate(labels: str | os.PathLike[str] | Any, model: Model | str | os.PathLike[str]
             | None = None, *, engine: EngineName | None = None, cv: int | None = 5,
             seed: int = 0) -> Evaluation:
    """Measure a classifier on labelled statements.

    - ``model`` given: the model is applied to the statements (per-category figures and
      confusion), and, unless ``cv`` is None, the same training settings are cross-validated
      on the statements (``cv_macro_f1``). Statements that were in the model's own training
      data are counted in a note: figures on them are optimistic.
    - no model, ``engine`` None or ``"model"``: k-fold cross-validation of the default
      training procedure; per-category figures come from the out-of-fold predictions.
    - ``engine="keyword"``: the keyword engine (no training) scored on the statements, and on
      each fold of the same split for ``cv_macro_f1``.
    """
    data = read_labels(labels)
    if engine is not None and engine not in ("model", "keyword"):
        raise ValueError(f"unknown engine {engine!r}; choose 'model' or 'keyword'")
    if cv is not None and (not isinstance(cv, int) or cv < 2):
        raise ValueError(f"cv must be an integer >= 2 or None, got {cv!r}")
    label_order = data.label_set
    y = list(data.labels)
    notes: list[str] = []
    if engine == "keyword":
        if model is not None:
            raise ValueError("model= applies to the model engine, not engine='keyword'")
        return _evaluate_keyword(data, cv, seed)
    if model is None:
        params = dict(DEFAULT_PARAMS)
        oof, folds = cross_val_predict(data, params, cv=cv or 5, seed=seed)
        per, conf, macro, acc, columns = _scores(y, oof, label_order)
        return Evaluation(
            f"{len(folds)}-fold cross-validation of the training procedure on {data.source}",
            "model", len(y), label_order, columns, per, conf, macro, acc,
            sum(folds) / len(folds), tuple(folds), tuple(notes))
    if not isinstance(model, Model):
        from .model import load_model

        model = load_model(model)
    unknown = sorted(set(y) - set(model.labels))
    if unknown:
        raise ModelError(
            f"the labels in {data.source} include {unknown}, which the model does not know "
            f"(it predicts {list(model.labels)}): the model belongs to another taxonomy")
    prepared = prepare(data.texts)
    proba = model.predict_proba(prepared)
    pred = [model.labels[j] for j in proba.argmax(axis=1)]
    seen = _seen(model, prepared)
    if seen:
        notes.append(f"{seen} of {len(y)} statements were in the model's training data; "
                     "figures on them are optimistic (use the cross-validated figure)")
    per, conf, macro, acc, columns = _scores(y, pred, label_order)
    cv_mean: float | None = None
    folds_t: tuple[float, ...] = ()
    if cv is not None:
        params = {k: v for k, v in model.params.items() if k in DEFAULT_PARAMS}
        _, folds = cross_val_predict(data, params, cv=cv, seed=seed)
        cv_mean, folds_t = sum(folds) / len(folds), tuple(folds)
    return Evaluation(
        f"model applied to {data.source}", "model", len(y), label_order, columns, per, conf,
        macro, acc, cv_mean, folds_t, tuple(notes))


def _seen(model: Model, prepared: Sequence[str]) -> int:
    import numpy as np

    if not len(model.training_hashes):
        return 0
    hashes = np.array([text_hash(t) for t in prepared], dtype=np.uint64)
    return int(np.isin(hashes, model.training_hashes).sum())


def _evaluate_keyword(data: LabelSet, cv: int | None, seed: int) -> Evaluation:
    from .keywords import keyword_labels

    ours = set(keyword_labels())
    foreign = sorted(set(data.labels) - ours)
    if foreign:
        raise ModelError(
            f"the keyword engine knows only the shipped taxonomy ({sorted(ours)}); "
            f"{data.source} has other labels {foreign}: train a model for them instead")
    from .classify import classify_many

    results = classify_many(list(data.texts), engine="keyword")
    pred: list[str | None] = [r.category for r in results]
    y = list(data.labels)
    per, conf, macro, acc, columns = _scores(y, pred, data.label_set)
    folds: list[float] = []
    if cv is not None:
        for _, test_idx in _folds(y, cv, seed):
            present = [x for x in data.label_set if x in {y[i] for i in test_idx}]
            folds.append(_scores([y[i] for i in test_idx], [pred[i] for i in test_idx],
                                 present)[2])
    notes = ["the keyword engine has no training: these figures score its cues on all "
             "statements; cues written with this set in view score optimistically on it"]
    return Evaluation(
        f"keyword engine applied to {data.source}", "keyword", len(y), data.label_set,
        columns, per, conf, macro, acc, (sum(folds) / len(folds)) if folds else None,
        tuple(folds), tuple(notes))

