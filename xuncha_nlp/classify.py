"""Assign a problem statement to the taxonomy: ``classify`` and ``classify_many``.

Two engines answer behind one interface:

- ``"model"`` (the default): character n-gram TF-IDF and a linear SVM with calibrated
  probabilities, trained on the shipped labelled set (or on yours: ``model=``). ``score`` is
  the probability of the category, ``evidence`` the statement's strongest n-grams for it.
- ``"keyword"``: weighted cue words and context rules from ``category_cues.tsv``; no
  training, fully transparent. ``score`` is the category's share of all cue weight found,
  ``evidence`` the cues. A statement without any cue gets ``category=None``.

The model engine is the default because it wins on held-out statements and in
cross-validation (figures: ``benchmarks/eval_classify.py``). Both engines normalise first, so
traditional-script input works, and both drop a leading list marker or lead-in clause.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from .model import Model, default_model, load_model
from .normalize import require_str
from .statement import clean_text, model_text, statement_text

__all__ = ["DEFAULT_ENGINE", "ENGINES", "Classification", "Classifier", "Engine", "classify",
           "classify_many"]

Engine = Literal["model", "keyword"]
ENGINES: tuple[str, ...] = get_args(Engine)
DEFAULT_ENGINE: Engine = "model"
EVIDENCE = 3
_EDGE = "，。、；：？！,.;:?!“”‘’（）()《》【】 "


@dataclass(frozen=True)
class Classification:
    """Where a statement sits in the taxonomy.

    ``category`` is the L2 id (``None`` when the keyword engine found no cue), ``area`` its L1
    heading (``None`` for a custom label without an area), ``score`` the engine's confidence
    in [0, 1], ``runner_up`` the next category and its score (``None`` if there is none),
    ``evidence`` the cue words or strongest n-grams behind the decision.
    """

    category: str | None
    area: str | None
    score: float
    runner_up: tuple[str, float] | None
    evidence: tuple[str, ...]
    engine: str

    @property
    def label(self) -> str | None:
        """The Chinese display label of a shipped category, else ``None``."""
        from .taxonomy import label_of

        return None if self.category is None else label_of(self.category)

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category, "label": self.label, "area": self.area,
            "score": round(self.score, 6),
            "runner_up": None if self.runner_up is None else
            {"category": self.runner_up[0], "score": round(self.runner_up[1], 6)},
            "evidence": list(self.evidence), "engine": self.engine,
        }


class Classifier:
    """A configured classifier: an engine and, for the model engine, a model.

    ``model`` may be a :class:`~xuncha_nlp.model.Model` or a path to a saved one; without it
    the shipped model is used. Create one and reuse it for many calls.
    """

    def __init__(self, *, engine: Engine | None = None,
                 model: Model | str | os.PathLike[str] | None = None) -> None:
        if engine is not None and engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
        if model is not None and engine == "keyword":
            raise ValueError("model= applies to the model engine; the keyword engine has none")
        if model is not None and not isinstance(model, (Model, str, os.PathLike)):
            raise TypeError(f"model must be a Model or a path, not {type(model).__name__}")
        self.engine: Engine = engine or DEFAULT_ENGINE
        self._model = model

    @property
    def model(self) -> Model | None:
        """The model in use (loaded on first access), or None for the keyword engine."""
        if self.engine == "keyword":
            return None
        if self._model is None:
            self._model = default_model()
        elif not isinstance(self._model, Model):
            self._model = load_model(self._model)
        return self._model

    def classify(self, statement: str) -> Classification:
        require_str(statement, "classify()")
        return self.classify_many([statement])[0]

    def classify_many(self, statements: Iterable[str]) -> list[Classification]:
        texts = list(statements) if not isinstance(statements, list) else statements
        for t in texts:
            require_str(t, "classify_many()")
        return self._classify_clean([clean_text(t) for t in texts])

    def _classify_clean(self, texts: list[str]) -> list[Classification]:
        """Classify statements that are already normalised (normalize is idempotent, so
        find_problems need not convert its own output again)."""
        prepared = [statement_text(t) for t in texts]
        if self.engine == "keyword":
            return [_keyword_one(s) for s in prepared]
        model = self.model
        assert model is not None
        raw = model.predict_raw([model_text(s) for s in prepared])
        area = dict(zip(model.labels, model.areas, strict=True))
        return [Classification(best, area[best], p, (second, q), _evidence(s, feats), "model")
                for s, (best, p, second, q, feats) in zip(prepared, raw, strict=True)]


def classify(statement: str, *, engine: Engine | None = None,
             model: Model | str | os.PathLike[str] | None = None) -> Classification:
    """Classify one problem statement (simplified or traditional Chinese).

    ``engine`` is ``"model"`` (default) or ``"keyword"``; ``model`` a trained model or the
    path of one (see :func:`xuncha_nlp.train`). For many statements use
    :func:`classify_many`, which is much faster than calling this in a loop.
    """
    return Classifier(engine=engine, model=model).classify(statement)


def classify_many(statements: Iterable[str], *, engine: Engine | None = None,
                  model: Model | str | os.PathLike[str] | None = None
                  ) -> list[Classification]:
    """Classify many statements in one batch; results are in input order."""
    if isinstance(statements, str):
        raise TypeError("classify_many() takes an iterable of statements, not one str; "
                        "use classify() for a single statement")
    return Classifier(engine=engine, model=model).classify_many(statements)


# --- engines ------------------------------------------------------------------------------------
def _evidence(statement: str, features: Sequence[str]) -> tuple[str, ...]:
    """The strongest n-grams as readable pieces of the statement: overlapping or touching
    n-grams are merged (公款 + 款吃 + 吃喝 → 公款吃喝), ranked by their best n-gram."""
    found: list[tuple[int, int, int]] = []
    for rank, gram in enumerate(features):
        i = statement.find(gram)
        if i >= 0:
            found.append((i, i + len(gram), rank))
    if not found:
        return ()
    found.sort()
    pieces: list[tuple[int, int, int]] = []
    s0, e0, r0 = found[0]
    for s, e, r in found[1:]:
        if s <= e0:
            e0 = max(e0, e)
            r0 = min(r0, r)
        else:
            pieces.append((r0, s0, e0))
            s0, e0, r0 = s, e, r
    pieces.append((r0, s0, e0))
    pieces.sort()
    out: list[str] = []
    singles: list[str] = []
    for _, s, e in pieces:
        piece = statement[s:e].strip(_EDGE)
        if len(piece) == 1:  # a lone character explains little; kept only as a last resort
            singles.append(piece)
        elif piece and piece not in out:
            out.append(piece)
            if len(out) == EVIDENCE:
                break
    return tuple(out) if out else tuple(dict.fromkeys(singles))[:EVIDENCE]


def _keyword_one(statement: str) -> Classification:
    from .keywords import keyword_labels, keyword_scores, rank
    from .taxonomy import area_of

    ks = keyword_scores(statement)
    ranked = rank(ks.scores, keyword_labels())
    if not ranked:
        return Classification(None, None, 0.0, None, (), "keyword")
    total = sum(v for _, v in ranked)
    best, top = ranked[0]
    runner = (ranked[1][0], ranked[1][1] / total) if len(ranked) > 1 else None
    return Classification(best, area_of(best), top / total, runner,
                          ks.evidence.get(best, ())[:5], "keyword")
