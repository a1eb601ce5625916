"""A trained statement classifier: character n-gram TF-IDF and a linear model, kept as plain
arrays so that predicting needs only numpy and loading never unpickles anything.

A model file is a ``.npz`` archive read with ``allow_pickle=False``. It holds a JSON header
(format name and version, labels and their areas, feature settings, how it was trained),
the n-gram vocabulary as a JSON list, and numeric arrays (idf,
coefficients, intercepts, sigmoid calibration). Anything else is refused with
:class:`~xuncha_nlp.errors.ModelError`.

Training (scikit-learn) lives in :mod:`xuncha_nlp.training`; this module reproduces the
fitted pipeline's ``predict_proba`` exactly, in numpy, batch by batch.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ._version import __version__
from .errors import ModelError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["FORMAT", "FORMAT_VERSION", "Model", "Prediction", "default_model", "load_model"]

FORMAT = "xuncha-nlp/classifier"
FORMAT_VERSION = 1
Analyzer = Literal["char", "char_wb"]
ANALYZERS: tuple[str, ...] = ("char", "char_wb")
Kind = Literal["logistic", "svc_sigmoid"]
KINDS: tuple[str, ...] = ("logistic", "svc_sigmoid")
BATCH = 2048  # documents per numpy batch: bounds the (features x classes) temporary
PACKED_MAX_N = 3  # n-grams up to this length are looked up as packed integers
_WHITE = re.compile(r"\s\s+")
_WORDLIKE = re.compile("[\u3400-\u9fffA-Za-z]")
_SPACE = re.compile(r"\s")
_ARRAYS = ("meta", "vocabulary", "idf", "coef", "intercept", "calibration", "training_hashes")


@dataclass(frozen=True)
class Prediction:
    """The best label of one document with its probability, the runner-up, and the n-grams
    that pushed hardest towards the best label (strongest first)."""

    best: tuple[str, float]
    runner_up: tuple[str, float]
    features: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Model:
    """A trained classifier. Build one with :func:`xuncha_nlp.train` or :func:`load_model`.

    ``labels`` are the categories it predicts, ``areas`` their L1 headings (``None`` where
    unknown), ``params`` the settings it was trained with and ``info`` what it was trained on.
    """

    labels: tuple[str, ...]
    areas: tuple[str | None, ...]
    analyzer: Analyzer
    ngram_range: tuple[int, int]
    kind: Kind
    params: dict[str, Any]
    info: dict[str, Any]
    vocabulary: tuple[str, ...] = field(repr=False)
    idf: npt.NDArray[np.float64] = field(repr=False)
    coef: npt.NDArray[np.float64] = field(repr=False)
    intercept: npt.NDArray[np.float64] = field(repr=False)
    calibration: npt.NDArray[np.float64] = field(repr=False)
    training_hashes: npt.NDArray[np.uint64] = field(repr=False)

    def __post_init__(self) -> None:
        _validate(self)

    # --- identity ---------------------------------------------------------------------------
    @property
    def taxonomy(self) -> str:
        """A short id of the label set and its areas; models with equal ids are comparable."""
        from .taxonomy import taxonomy_fingerprint

        return taxonomy_fingerprint(dict(zip(self.labels, self.areas, strict=True)))

    def area(self, label: str) -> str | None:
        try:
            return self.areas[self.labels.index(label)]
        except ValueError:
            return None

    # --- saving -----------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the model to ``path`` (``.npz`` is appended if missing); return the path."""
        import numpy as np

        target = Path(path)
        if target.suffix != ".npz":
            target = target.with_name(target.name + ".npz")
        meta = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "library": __version__,
            "labels": list(self.labels), "areas": list(self.areas),
            "analyzer": self.analyzer, "ngram_range": list(self.ngram_range),
            "kind": self.kind, "params": self.params, "info": self.info,
            "taxonomy": self.taxonomy,
        }
        vocab = json.dumps(list(self.vocabulary), ensure_ascii=False).encode("utf-8")
        with open(target, "wb") as fh:
            np.savez_compressed(
                fh,
                meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"),
                                   dtype=np.uint8),
                vocabulary=np.frombuffer(vocab, dtype=np.uint8),
                idf=self.idf.astype(np.float64), coef=self.coef.astype(np.float64),
                intercept=self.intercept.astype(np.float64),
                calibration=self.calibration.astype(np.float64),
                training_hashes=self.training_hashes.astype(np.uint64),
            )
        return target

    # --- predicting ---------------------------------------------------------------------------
    @cached_property
    def _index(self) -> dict[str, int]:
        """n-gram → column; built on first use (a frozen dataclass may still cache)."""
        return {g: i for i, g in enumerate(self.vocabulary)}

    def analyze(self, text: str) -> list[str]:
        """The n-grams of ``text``, exactly as the training vectoriser produced them."""
        return _ngrams(text, self.analyzer, self.ngram_range)

    def decision(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Raw linear scores, shape (len(texts), n_columns)."""
        import numpy as np

        out = [self._batch(texts[i:i + BATCH])[0] for i in range(0, len(texts), BATCH)]
        return np.vstack(out) if out else np.zeros((0, self.coef.shape[0]))

    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Probabilities, shape (len(texts), len(labels)), columns in ``labels`` order."""
        import numpy as np

        out = [self._proba(self._batch(texts[i:i + BATCH])[0])
               for i in range(0, len(texts), BATCH)]
        return np.vstack(out) if out else np.zeros((0, len(self.labels)))

    def predict(self, texts: Sequence[str], *, top_features: int = 6) -> list[Prediction]:
        """Best label, runner-up and strongest n-grams of each text (already prepared text:
        see :func:`xuncha_nlp.statement.model_text`)."""
        return [Prediction((b, p), (r, q), f)
                for b, p, r, q, f in self.predict_raw(texts, top_features=top_features)]

    def predict_raw(self, texts: Sequence[str], *, top_features: int = 6
                    ) -> list[tuple[str, float, str, float, tuple[str, ...]]]:
        """:meth:`predict` as plain tuples (best, p, runner-up, q, n-grams), for bulk use."""
        out: list[tuple[str, float, str, float, tuple[str, ...]]] = []
        for i in range(0, len(texts), BATCH):
            out.extend(self._predict_batch(texts[i:i + BATCH], top_features))
        return out

    def _rows(self, texts: Sequence[str]) -> tuple[Any, Any, Any]:
        """TF-IDF rows of a batch as (doc ids, feature ids, values), sorted by doc."""
        import numpy as np

        if self.ngram_range[1] <= PACKED_MAX_N:
            docs, feats = self._hits_packed(texts)
        else:
            docs, feats = self._hits_python(texts)
        if not len(feats):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        n_feat = len(self.vocabulary)
        key, counts = np.unique(docs * n_feat + feats, return_counts=True)
        doc = key // n_feat
        feat = key % n_feat
        tf = 1.0 + np.log(counts) if self.params.get("sublinear_tf", True) else counts * 1.0
        val = tf * self.idf[feat]
        norms = np.sqrt(np.bincount(doc, weights=val * val, minlength=len(texts)))
        val = val / np.where(norms > 0, norms, 1.0)[doc]
        return doc, feat, val

    def _hits_python(self, texts: Sequence[str]) -> tuple[Any, Any]:
        """(doc id, feature id) of every known n-gram occurrence, one dict lookup each."""
        import numpy as np

        get = self._index.get
        analyzer, ngram_range = self.analyzer, self.ngram_range
        per_doc = [[i for i in map(get, _ngrams(t, analyzer, ngram_range)) if i is not None]
                   for t in texts]
        lengths = np.fromiter(map(len, per_doc), dtype=np.int64, count=len(per_doc))
        total = int(lengths.sum())
        feats = np.fromiter(chain.from_iterable(per_doc), dtype=np.int64, count=total)
        docs = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        return docs, feats

    def _hits_packed(self, texts: Sequence[str]) -> tuple[Any, Any]:
        """:meth:`_hits_python` without a Python step per n-gram.

        The batch becomes one array of code points, segments (words for char_wb, documents
        for char) separated by a NUL; an n-gram of up to three characters packs into one
        uint64 (21 bits per code point) and is looked up in the model's sorted keys with
        ``searchsorted``. For n <= 3 every padded char_wb word is at least n long, so
        scikit-learn's short-word special case never arises.
        """
        import numpy as np

        pieces: list[str] = []
        owners: list[int] = []
        if self.analyzer == "char_wb":
            for d, text in enumerate(texts):
                words = text.split()
                pieces.extend(f" {w} " for w in words)
                owners.extend([d] * len(words))
        else:
            for d, text in enumerate(texts):
                if text:
                    pieces.append(_WHITE.sub(" ", text))
                    owners.append(d)
        empty = np.zeros(0, dtype=np.int64)
        if not pieces:
            return empty, empty
        joined = "\0".join(pieces)
        cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        # segment of each position; the NUL separators get -1 so no n-gram spans them
        seg = np.repeat(np.arange(len(pieces), dtype=np.int64), lengths + 1)[:len(cps)]
        seg[np.cumsum(lengths + 1)[:-1] - 1] = -1
        owner = np.asarray(owners, dtype=np.int64)
        docs_out: list[Any] = []
        feats_out: list[Any] = []
        total = len(cps)
        for n, (keys, ids) in self._packed_keys.items():
            if total < n or not len(keys):
                continue
            m = total - n + 1
            packed = cps[:m].copy()
            for j in range(1, n):
                packed = (packed << np.uint64(21)) | cps[j:j + m]
            ok = (seg[:m] >= 0) & (seg[:m] == seg[n - 1:n - 1 + m])
            pos = keys.searchsorted(packed)
            np.minimum(pos, len(keys) - 1, out=pos)
            ok &= keys[pos] == packed
            docs_out.append(owner[seg[:m][ok]])
            feats_out.append(ids[pos[ok]])
        if not docs_out:
            return empty, empty
        return np.concatenate(docs_out), np.concatenate(feats_out)

    @cached_property
    def _packed_keys(self) -> dict[int, tuple[Any, Any]]:
        """For each n, the vocabulary's n-grams packed into uint64, sorted, with their ids."""
        import numpy as np

        lo, hi = self.ngram_range
        by_n: dict[int, tuple[list[int], list[int]]] = {n: ([], []) for n in range(lo, hi + 1)}
        for i, gram in enumerate(self.vocabulary):
            slot = by_n.get(len(gram))
            if slot is None:
                continue
            key = 0
            for ch in gram:
                key = (key << 21) | ord(ch)
            slot[0].append(key)
            slot[1].append(i)
        out: dict[int, tuple[Any, Any]] = {}
        for n, (keys, ids) in by_n.items():
            k = np.asarray(keys, dtype=np.uint64)
            order = np.argsort(k, kind="stable")
            out[n] = (k[order], np.asarray(ids, dtype=np.int64)[order])
        return out

    def _batch(self, texts: Sequence[str]) -> tuple[npt.NDArray[np.float64], Any]:
        """Decision scores of a batch and its sparse rows (doc ids, feature ids, values)."""
        import numpy as np

        doc, feat, val = self._rows(texts)
        scores = np.zeros((len(texts), self.coef.shape[0]))
        if len(doc):
            contrib = val[:, None] * self._coef_t[feat]
            starts = np.flatnonzero(np.concatenate(([True], doc[1:] != doc[:-1])))
            scores[doc[starts]] = np.add.reduceat(contrib, starts, axis=0)
        return scores + self.intercept, (doc, feat, val)

    @cached_property
    def _coef_t(self) -> npt.NDArray[np.float64]:
        import numpy as np

        return np.ascontiguousarray(self.coef.T)

    @cached_property
    def _evidence_ok(self) -> npt.NDArray[np.bool_]:
        """Which n-grams can serve as evidence: those with a letter or Han character."""
        import numpy as np

        return np.fromiter((bool(_WORDLIKE.search(g)) for g in self.vocabulary), dtype=bool,
                           count=len(self.vocabulary))

    @cached_property
    def _evidence_vocab(self) -> tuple[str, ...]:
        """The vocabulary without char_wb's word-boundary spaces."""
        return tuple(g.strip() for g in self.vocabulary)

    def _proba(self, scores: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        import numpy as np

        if self.kind == "logistic":
            if len(self.labels) == 2:
                p1 = 1.0 / (1.0 + np.exp(-scores[:, 0]))
                return np.column_stack([1.0 - p1, p1])
            z = scores - scores.max(axis=1, keepdims=True)
            e = np.exp(z)
            soft: npt.NDArray[np.float64] = e / e.sum(axis=1, keepdims=True)
            return soft
        a, b = self.calibration[:, 0], self.calibration[:, 1]
        with np.errstate(over="ignore"):
            p = 1.0 / (1.0 + np.exp(a * scores + b))
        if len(self.labels) == 2:
            return np.column_stack([1.0 - p[:, 0], p[:, 0]])
        total = p.sum(axis=1, keepdims=True)
        uniform = np.full_like(p, 1.0 / p.shape[1])
        p = np.divide(p, total, out=uniform, where=total != 0)
        clipped: npt.NDArray[np.float64] = np.clip(p, 0.0, 1.0)
        return clipped

    def _predict_batch(self, texts: Sequence[str], top: int
                       ) -> list[tuple[str, float, str, float, tuple[str, ...]]]:
        import numpy as np

        scores, (doc, feat, val) = self._batch(texts)
        proba = self._proba(scores)
        n = len(texts)
        # Array methods and plain fancy indexing rather than np.argsort/np.take_along_axis:
        # the same operations without their Python-level wrappers, which cost more than the
        # work itself on the few rows of one report.
        top2 = (-proba).argsort(axis=1, kind="stable")[:, :2]
        best = top2[:, 0]
        rows = np.arange(n)[:, None]
        p_top2 = proba[rows, top2]
        # Contribution of each n-gram to its document's best label (binary models have one
        # coefficient row, which points towards the second label).
        if self.coef.shape[0] == 1:
            sign = np.where(best == 1, 1.0, -1.0)
            contrib = val * self.coef[0, feat] * sign[doc]
        else:
            contrib = val * self._coef_t[feat, best[doc]]
        useful = (contrib > 0) & self._evidence_ok[feat]
        feats_by_doc = self._top_features(doc[useful], feat[useful], contrib[useful], n, top)
        labels = self.labels
        return [(labels[i], p, labels[j], q, fs)
                for (i, j), (p, q), fs in zip(top2.tolist(), p_top2.tolist(), feats_by_doc,
                                              strict=True)]

    def _top_features(self, doc: Any, feat: Any, contrib: Any, n: int, top: int
                      ) -> list[tuple[str, ...]]:
        """The ``top`` n-grams of largest contribution per document, strongest first.

        Rows are grouped by document already; they are laid out in a (documents x longest
        row) matrix so that one ``argpartition`` finds every document's top n-grams.
        """
        import numpy as np

        if not len(doc) or top <= 0:
            return [()] * n
        starts = doc.searchsorted(np.arange(n))
        pos = np.arange(len(doc)) - starts[doc]
        width = int(pos.max()) + 1
        scores = np.full((n, width), -np.inf)
        scores[doc, pos] = contrib
        ids = np.full((n, width), -1, dtype=np.int64)
        ids[doc, pos] = feat
        k = min(top, width)
        # A stable sort, so that equal contributions (common) keep the document's own order:
        # a statement gets the same evidence alone or among others, however wide the widest
        # row (argpartition's pick among ties depended on it).
        cols = (-scores).argsort(axis=1, kind="stable")[:, :k]
        # fancy indexing by (row, column) is what np.take_along_axis does, minus its wrapper
        rows = np.arange(n)[:, None]
        chosen = ids[rows, cols]
        chosen[~np.isfinite(scores[rows, cols])] = -1
        vocab = self._evidence_vocab
        return [tuple(vocab[f] for f in row if f >= 0) for row in chosen.tolist()]


# --- loading -----------------------------------------------------------------------------------
def load_model(path: str | os.PathLike[str], *,
               labels: Sequence[str] | None = None) -> Model:
    """Read a model saved by :meth:`Model.save`.

    Never unpickles: the archive is read with ``allow_pickle=False`` and only the expected
    numeric arrays are accepted. ``labels``, if given, must be exactly the model's label set
    (in any order), so that a model trained for another taxonomy is refused up front.
    Raises :class:`~xuncha_nlp.errors.ModelError` for a missing, foreign, damaged or
    mismatched file.
    """
    import numpy as np

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load_model() takes a path, not {type(path).__name__}")
    p = Path(path)
    if not p.is_file():
        raise ModelError(f"{p}: no such model file; train one with `xuncha train LABELS -o {p}`")
    if not zipfile.is_zipfile(p):
        raise ModelError(
            f"{p}: not a readable model file (an xuncha_nlp model is a .npz archive; this is "
            "something else, possibly a pickle, which is never loaded)")
    try:
        with np.load(p, allow_pickle=False) as archive:
            names = set(archive.files)
            missing = [n for n in _ARRAYS if n not in names]
            if missing:
                raise ModelError(
                    f"{p}: not an xuncha_nlp model (missing {', '.join(missing)}); train one "
                    "with `xuncha train`")
            arrays = {n: archive[n] for n in _ARRAYS}
    except ModelError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc):
            raise ModelError(
                f"{p}: the file holds pickled Python objects, which xuncha_nlp refuses to load "
                "(they can run arbitrary code); use a model saved by xuncha_nlp") from None
        raise ModelError(f"{p}: not a readable model file ({exc})") from None
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelError(f"{p}: not a readable model file ({exc})") from None
    for name, arr in arrays.items():
        if arr.dtype.kind not in "uif":
            raise ModelError(f"{p}: array {name!r} has dtype {arr.dtype}; expected numbers")
    try:
        meta = json.loads(arrays["meta"].astype(np.uint8).tobytes().decode("utf-8"))
        vocabulary = arrays["vocabulary"].astype(np.uint8).tobytes().decode("utf-8")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{p}: damaged model header ({exc})") from None
    model = _from_meta(meta, vocabulary, arrays, str(p))
    if labels is not None:
        want = set(labels)
        if want != set(model.labels):
            raise ModelError(
                f"{p}: the model was trained for labels {sorted(model.labels)}, not "
                f"{sorted(want)}: it belongs to another taxonomy; retrain with `xuncha train`")
    return model


def _from_meta(meta: Any, vocabulary: str, arrays: dict[str, Any], where: str) -> Model:
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelError(f"{where}: not an xuncha_nlp classifier (format "
                         f"{meta.get('format') if isinstance(meta, dict) else None!r})")
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelError(
            f"{where}: model format version {version!r}, but this xuncha_nlp "
            f"({__version__}) reads version {FORMAT_VERSION}; retrain the model with "
            "`xuncha train` using this version")
    try:
        labels = tuple(str(x) for x in meta["labels"])
        areas = tuple(None if a is None else str(a) for a in meta["areas"])
        lo, hi = (int(x) for x in meta["ngram_range"])
        return Model(
            labels=labels, areas=areas, analyzer=meta["analyzer"], ngram_range=(lo, hi),
            kind=meta["kind"], params=dict(meta["params"]), info=dict(meta["info"]),
            vocabulary=_vocabulary(vocabulary, where),
            idf=arrays["idf"].astype("float64"), coef=arrays["coef"].astype("float64"),
            intercept=arrays["intercept"].astype("float64"),
            calibration=arrays["calibration"].astype("float64"),
            training_hashes=arrays["training_hashes"].astype("uint64"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{where}: damaged model ({type(exc).__name__}: {exc})") from None


def _vocabulary(text: str, where: str) -> tuple[str, ...]:
    try:
        grams = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(f"{where}: damaged vocabulary ({exc})") from None
    if not isinstance(grams, list) or not all(isinstance(g, str) for g in grams):
        raise ModelError(f"{where}: the vocabulary must be a list of strings")
    return tuple(grams)


def _validate(m: Model) -> None:
    where = "model"
    if m.analyzer not in ANALYZERS:
        raise ModelError(f"{where}: unknown analyzer {m.analyzer!r}; known: {ANALYZERS}")
    if m.kind not in KINDS:
        raise ModelError(f"{where}: unknown model kind {m.kind!r}; known: {KINDS}")
    lo, hi = m.ngram_range
    if not 1 <= lo <= hi <= 8:
        raise ModelError(f"{where}: bad n-gram range {m.ngram_range}")
    n_labels = len(m.labels)
    if n_labels < 2 or len(set(m.labels)) != n_labels or len(m.areas) != n_labels:
        raise ModelError(f"{where}: needs at least two distinct labels, each with an area slot")
    width = 1 if n_labels == 2 else n_labels
    n_feat = len(m.vocabulary)
    shapes = {"idf": (n_feat,), "coef": (width, n_feat), "intercept": (width,)}
    for name, shape in shapes.items():
        if getattr(m, name).shape != shape:
            raise ModelError(f"{where}: array {name!r} has shape {getattr(m, name).shape}, "
                             f"expected {shape}")
    if m.kind == "svc_sigmoid" and m.calibration.shape != (width, 2):
        raise ModelError(f"{where}: calibration has shape {m.calibration.shape}, expected "
                         f"{(width, 2)}")
    if len(set(m.vocabulary)) != n_feat:
        raise ModelError(f"{where}: the vocabulary has repeated n-grams")


def _ngrams(text: str, analyzer: str, ngram_range: tuple[int, int]) -> list[str]:
    """scikit-learn's ``char`` / ``char_wb`` n-grams (same n-grams, same multiplicities)."""
    lo, hi = ngram_range
    text = _WHITE.sub(" ", text)
    if analyzer == "char":
        n_text = len(text)
        return [text[i:i + n] for n in range(lo, min(hi, n_text) + 1)
                for i in range(n_text - n + 1)]
    if text and not _SPACE.search(text) and len(text) + 2 >= hi:
        # one word, long enough: sklearn's loop reduces to every n-gram of " text "
        w = f" {text} "
        w_len = len(w)
        return [w[i:i + n] for n in range(lo, hi + 1) for i in range(w_len - n + 1)]
    grams: list[str] = []
    for word in text.split():
        w = f" {word} "
        w_len = len(w)
        for n in range(lo, hi + 1):
            offset = 0
            grams.append(w[offset:offset + n])
            while offset + n < w_len:
                offset += 1
                grams.append(w[offset:offset + n])
            if offset == 0:  # the word is shorter than n: longer n-grams repeat it
                break
    return grams


# --- the shipped model ----------------------------------------------------------------------
def default_model_path() -> Path:
    from .resources import data_dir

    return Path(str(data_dir() / "models" / "default.npz"))


@cache
def default_model() -> Model:
    """The shipped model (trained on ``data/training/statements.csv``), loaded once."""
    from .taxonomy import categories

    path = default_model_path()
    model = load_model(path)
    ids = [c.id for c in categories("L2")]
    if sorted(model.labels) != sorted(ids):
        raise ModelError(
            f"{path}: the shipped model predicts {list(model.labels)} but taxonomy.tsv lists "
            f"{ids}; rebuild it with `python benchmarks/build_default_model.py`")
    return model


def text_hash(text: str) -> int:
    """A stable 64-bit hash of a prepared statement (to spot training texts in test sets)."""
    import hashlib

    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")

