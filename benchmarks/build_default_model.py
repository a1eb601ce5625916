"""Rebuild the shipped classifier, data/models/default.npz, from data/training/statements.csv.

Run after editing the labelled set or the training defaults:

    python benchmarks/build_default_model.py

It trains with xuncha_nlp.training.DEFAULT_PARAMS (chosen by benchmarks/eval_classify.py),
checks that the plain-format model reproduces the scikit-learn pipeline's probabilities, and
prints the file size and load time.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import numpy as np

from xuncha_nlp.model import load_model
from xuncha_nlp.training import DEFAULT_PARAMS, _fit, model_from_pipeline, prepare, read_labels

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "data" / "training" / "statements.csv"
TARGET = ROOT / "data" / "models" / "default.npz"


def main() -> int:
    data = read_labels(LABELS)
    prepared = prepare(data.texts)
    pipe = _fit(prepared, data.labels, DEFAULT_PARAMS, seed=0)
    info = {"source": "statements.csv", "size": len(prepared),
            "sha256": hashlib.sha256(LABELS.read_bytes()).hexdigest(),
            "note": "the shipped labelled set, written by the project (not real reports)"}
    model = model_from_pipeline(pipe, data.areas, DEFAULT_PARAMS, info, prepared)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    model.save(TARGET)
    start = time.perf_counter()
    loaded = load_model(TARGET)
    load_s = time.perf_counter() - start
    ours = loaded.predict_proba(prepared)
    theirs = pipe.predict_proba(prepared)
    order = [list(pipe.classes_).index(x) for x in loaded.labels]
    gap = float(np.abs(ours - theirs[:, order]).max())
    print(f"wrote {TARGET.relative_to(ROOT)}: {TARGET.stat().st_size / 1024:.0f} KiB, "
          f"{len(loaded.vocabulary)} n-grams, {len(loaded.labels)} labels")
    print(f"load_model: {load_s * 1000:.1f} ms (cold, includes numpy archive read)")
    print(f"max |p_numpy - p_sklearn| on the training texts: {gap:.2e}")
    return 0 if gap < 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
