"""Accuracy of the two classify() engines, measured honestly.

    python benchmarks/eval_classify.py [--quick]

THE LABELLED SET IS OURS: data/training/statements.csv was written by this project in the
genre's wording, not taken from real reports, so every figure here says how well the engines
fit our own writing. Real published reports will score lower.

1. Model engine: 5-fold stratified cross-validation of the training procedure (the model is
   refitted on each training part, scored on the held-out part; macro-F1 averaged over
   folds; per-category figures from the pooled out-of-fold predictions).
2. Keyword engine: it has no training, so it is scored on each test fold of the same split
   (and on the whole set). Its cues were written and then corrected while looking at errors on
   this set, so this figure is in-sample and optimistic; it is not comparable to (1).
3. Candidate models ("try a couple, keep the best by CV"): several feature/classifier
   settings on the same folds, and a nested cross-validation of choosing among them (inner
   3-fold CV picks the setting on each outer training part), which is the honest estimate of
   "select by CV, then train".
4. A held-out set written separately (benchmarks/data/heldout_statements.csv, 20 per
   category) and never used for training or for tuning cues: both engines, and a blend of
   model probabilities with keyword cue shares, with the model trained on the whole shipped
   set. This is the fair comparison of the engines.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "data" / "training" / "statements.csv"
HELDOUT = ROOT / "benchmarks" / "data" / "heldout_statements.csv"

CANDIDATES: dict[str, dict[str, Any]] = {
    "char_wb 1-2, min_df 2, calibrated LinearSVC C=2 (default)": {},
    "char_wb 1-3, min_df 2, calibrated LinearSVC C=1": {"ngram_range": (1, 3), "C": 1.0},
    "char 1-3, min_df 1, calibrated LinearSVC C=1": {
        "analyzer": "char", "ngram_range": (1, 3), "min_df": 1, "C": 1.0},
    "char_wb 1-2, min_df 2, LogisticRegression C=20": {"classifier": "logistic", "C": 20.0},
}


def macro_f1(y: list[str], pred: list[str | None], labels: list[str]) -> float:
    from xuncha_nlp.training import _scores

    return _scores(y, pred, labels)[2]


def cv_candidates(data: Any, folds: list[Any], prepared: list[str]) -> dict[str, float]:
    from xuncha_nlp.training import _fit, model_from_pipeline

    y = list(data.labels)
    out: dict[str, float] = {}
    for name, params in CANDIDATES.items():
        scores = []
        for tr, te in folds:
            pipe = _fit([prepared[i] for i in tr], [y[i] for i in tr], params, 0)
            m = model_from_pipeline(pipe, data.areas, params, {}, [])
            proba = m.predict_proba([prepared[i] for i in te])
            pred = [m.labels[j] for j in proba.argmax(axis=1)]
            scores.append(macro_f1([y[i] for i in te], pred, list(data.label_set)))
        out[name] = sum(scores) / len(scores)
    return out


def nested(data: Any, folds: list[Any], prepared: list[str]) -> tuple[float, list[str]]:
    from sklearn.model_selection import StratifiedKFold

    from xuncha_nlp.training import _fit, model_from_pipeline

    y = list(data.labels)
    labels = list(data.label_set)
    outer: list[float] = []
    chosen: list[str] = []
    for tr, te in folds:
        inner = StratifiedKFold(3, shuffle=True, random_state=1)
        tr_y = [y[i] for i in tr]
        best, best_score = "", -1.0
        for name, params in CANDIDATES.items():
            s = []
            for itr, ite in inner.split(tr_y, tr_y):
                a = [tr[i] for i in itr]
                b = [tr[i] for i in ite]
                pipe = _fit([prepared[i] for i in a], [y[i] for i in a], params, 0)
                m = model_from_pipeline(pipe, data.areas, params, {}, [])
                pr = m.predict_proba([prepared[i] for i in b])
                s.append(macro_f1([y[i] for i in b], [m.labels[j] for j in pr.argmax(1)],
                                  labels))
            if sum(s) / len(s) > best_score:
                best, best_score = name, sum(s) / len(s)
        chosen.append(best)
        params = CANDIDATES[best]
        pipe = _fit([prepared[i] for i in tr], tr_y, params, 0)
        m = model_from_pipeline(pipe, data.areas, params, {}, [])
        pr = m.predict_proba([prepared[i] for i in te])
        outer.append(macro_f1([y[i] for i in te], [m.labels[j] for j in pr.argmax(1)],
                              labels))
    return sum(outer) / len(outer), chosen


def heldout(model: Any) -> None:
    import numpy as np

    from xuncha_nlp.classify import classify_many
    from xuncha_nlp.keywords import keyword_labels, keyword_scores
    from xuncha_nlp.statement import clean_text, model_text, statement_text
    from xuncha_nlp.training import Evaluation, _scores, read_labels

    data = read_labels(HELDOUT)
    y = list(data.labels)
    labels = list(data.label_set)
    rows: list[tuple[str, list[str | None]]] = []
    model_pred = [r.category for r in classify_many(data.texts, model=model)]
    kw_pred = [r.category for r in classify_many(data.texts, engine="keyword")]
    prepared = [statement_text(clean_text(t)) for t in data.texts]
    proba = model.predict_proba([model_text(s) for s in prepared])
    order = list(keyword_labels())
    cols = [model.labels.index(x) for x in order]
    blend: list[str | None] = []
    for s, p in zip(prepared, proba[:, cols], strict=True):
        ks = keyword_scores(s).scores
        total = sum(ks.values())
        share = np.array([ks.get(x, 0.0) / total if total else 0.0 for x in order])
        blend.append(order[int(np.argmax(0.5 * p + 0.5 * share))])
    rows = [("model engine", model_pred), ("keyword engine", kw_pred),
            ("blend 0.5 model + 0.5 keyword share", blend)]
    print(f"\n4. held-out set ({HELDOUT.relative_to(ROOT)}, {len(y)} statements written "
          "separately, never trained or tuned on; also ours):")
    for name, pred in rows:
        print(f"   {name:38s} macro-F1 {macro_f1(y, pred, labels):.3f}")
    per, conf, macro, acc, columns = _scores(y, model_pred, labels)
    ev = Evaluation("model engine on the held-out set", "model", len(y), tuple(labels),
                    columns, per, conf, macro, acc, None, (), ())
    print("\n" + "\n".join("   " + line for line in ev.format().splitlines()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="skip the candidate comparison and nested CV")
    args = parser.parse_args()

    from xuncha_nlp.model import default_model
    from xuncha_nlp.training import _folds, evaluate, prepare, read_labels

    start = time.perf_counter()
    data = read_labels(LABELS)
    print(f"labelled set: {LABELS.relative_to(ROOT)}, {len(data.texts)} statements, "
          f"{len(data.label_set)} categories.")
    print("NOTE: the set is ours (written by the project, not real reports): these figures "
          "measure fit to our own writing and overstate accuracy on real reports.\n")

    ev_model = evaluate(LABELS, cv=5, seed=0)
    ev_kw = evaluate(LABELS, engine="keyword", cv=5, seed=0)
    print(f"1. model engine, 5-fold CV macro-F1: {ev_model.cv_macro_f1:.3f} "
          f"(folds {' '.join(f'{f:.3f}' for f in ev_model.cv_folds)})")
    print(f"2. keyword engine on the same folds:  {ev_kw.cv_macro_f1:.3f} "
          f"(whole set {ev_kw.macro_f1:.3f}; in-sample: cues were tuned on this set)")
    print("\nmodel engine, out-of-fold predictions:")
    print("\n".join("   " + line for line in ev_model.format().splitlines()))
    print("\nkeyword engine, whole set:")
    print("\n".join("   " + line for line in ev_kw.format().splitlines()))

    if not args.quick:
        y = list(data.labels)
        folds = _folds(y, 5, 0)
        prepared = prepare(data.texts)
        print("\n3. candidate models, 5-fold CV macro-F1 on the same folds:")
        for name, score in cv_candidates(data, folds, prepared).items():
            print(f"   {score:.3f}  {name}")
        score, chosen = nested(data, folds, prepared)
        picks = ", ".join(c.split(",")[0] + ("/LR" if "Logistic" in c else "") for c in chosen)
        print(f"   nested CV (inner 3-fold selection, outer 5-fold): {score:.3f}; chosen per "
              f"outer fold: {picks}")

    heldout(default_model())
    print(f"\n({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
