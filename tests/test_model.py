"""Training, saving and safely loading models; custom taxonomies; evaluation."""

from __future__ import annotations

import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha_nlp.classify import classify, classify_many
from xuncha_nlp.errors import ModelError
from xuncha_nlp.model import FORMAT_VERSION, Model, _ngrams, default_model, load_model
from xuncha_nlp.taxonomy import categories
from xuncha_nlp.training import (
    DEFAULT_PARAMS,
    Evaluation,
    _fit,
    evaluate,
    model_from_pipeline,
    prepare,
    read_labels,
    train,
)

# A small custom taxonomy of our own: three labels, written for these tests.
CUSTOM = [
    ("食堂饭菜价格偏高，职工意见较大", "canteen"),
    ("食堂卫生检查不合格，后厨存在鼠患", "canteen"),
    ("食堂采购蔬菜无验收记录", "canteen"),
    ("食堂从业人员健康证过期", "canteen"),
    ("食堂就餐环境拥挤，排队时间长", "canteen"),
    ("单位车辆保养不及时，轮胎磨损严重", "fleet"),
    ("车辆加油卡管理混乱，油耗异常", "fleet"),
    ("驾驶员超速违章多次未处理", "fleet"),
    ("车辆出车登记不全，去向不明", "fleet"),
    ("车库消防设施缺失", "fleet"),
    ("网站信息更新不及时，栏目长期空白", "web"),
    ("政务网站存在错别字和失效链接", "web"),
    ("网站安全防护薄弱，曾遭篡改", "web"),
    ("网站留言办理不及时，群众不满意", "web"),
    ("网站无障碍改造未完成", "web"),
]


def _write_csv(path: Path, rows: list[tuple[str, str]], header: str = "text,label",
               extra: list[str] | None = None) -> Path:
    lines = [header] + [f"{t},{lab}" + (f",{extra[i]}" if extra else "")
                        for i, (t, lab) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def custom_model(tmp_path_factory: pytest.TempPathFactory) -> Model:
    path = _write_csv(tmp_path_factory.mktemp("labels") / "custom.csv", CUSTOM)
    return train(path)


def test_custom_taxonomy_trains_and_classifies(custom_model: Model) -> None:
    assert set(custom_model.labels) == {"canteen", "fleet", "web"}
    assert custom_model.areas == (None, None, None)
    r = classify("食堂饭菜分量不足，价格偏高", model=custom_model)
    assert r.category == "canteen" and r.area is None
    assert r.runner_up is not None and r.runner_up[0] in {"fleet", "web"}


def test_area_column_is_kept(tmp_path: Path) -> None:
    areas = ["logistics" if lab in ("canteen", "fleet") else "it" for _, lab in CUSTOM]
    path = _write_csv(tmp_path / "with_area.csv", CUSTOM, "text,label,area", areas)
    model = train(path)
    assert model.area("fleet") == "logistics" and model.area("web") == "it"
    assert classify("单位车辆保养不及时", model=model).area == "logistics"


def test_our_labels_get_our_areas(tmp_path: Path) -> None:
    rows = [("违规发放津补贴", "conduct"), ("公款吃喝问题突出", "conduct"),
            ("收受礼金", "integrity"), ("收受购物卡", "integrity")]
    data = read_labels(_write_csv(tmp_path / "ours.csv", rows))
    assert data.areas == {"conduct": "strict_party", "integrity": "strict_party"}


def test_binary_taxonomy(tmp_path: Path) -> None:
    rows = [(t, "food" if lab == "canteen" else "other") for t, lab in CUSTOM]
    model = train(_write_csv(tmp_path / "binary.csv", rows))
    assert model.coef.shape[0] == 1
    r = classify("食堂后厨卫生不合格", model=model)
    assert r.category == "food" and r.runner_up is not None and r.runner_up[0] == "other"
    assert abs(r.score + r.runner_up[1] - 1.0) < 1e-9
    assert r.evidence


def test_jsonl_and_dataframe_sources(tmp_path: Path) -> None:
    import pandas as pd

    path = tmp_path / "labels.jsonl"
    path.write_text("\n".join(json.dumps({"text": t, "label": lab}, ensure_ascii=False)
                              for t, lab in CUSTOM) + "\n", encoding="utf-8")
    frame = pd.DataFrame(CUSTOM, columns=["text", "label"])
    a, b = read_labels(path), read_labels(frame)
    assert a.texts == b.texts and a.labels == b.labels


def test_gbk_csv_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes(("text,label\n" + "\n".join(f"{t},{lab}" for t, lab in CUSTOM))
                     .encode("gbk"))
    assert read_labels(path).texts[0] == CUSTOM[0][0]


@pytest.mark.parametrize(
    ("content", "suffix", "match"),
    [
        ("words,tag\n食堂,a\n", ".csv", "needs columns 'text' and 'label'"),
        ("text,label\n食堂,\n", ".csv", "row 2: empty or missing label"),
        ("text,label\n,a\n", ".csv", "row 2: empty or missing text"),
        ('{"text": "食堂", "label": "a"}\nnot json\n', ".jsonl", "line 2: not valid JSON"),
        ("text,label\n", ".csv", "no labelled statements"),
        ("text,label,area\n甲,a,x\n乙,a,y\n", ".csv", "belongs to one area"),
        ("a,b\n", ".xlsx", "unknown labels format"),
    ],
    ids=["columns", "empty_label", "empty_text", "bad_jsonl", "empty", "two_areas", "suffix"],
)
def test_bad_label_files(tmp_path: Path, content: str, suffix: str, match: str) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=match):
        read_labels(path)


@pytest.mark.parametrize(
    ("rows", "params", "exc", "match"),
    [
        ([("甲", "a"), ("乙", "a")], {}, ValueError, "at least two labels"),
        ([("甲", "a"), ("乙", "a"), ("丙", "b")], {}, ValueError, "at least 2 examples"),
        (CUSTOM, {"analyzer": "word"}, ValueError, "unknown analyzer"),
        (CUSTOM, {"classifier": "forest"}, ValueError, "unknown classifier"),
        (CUSTOM, {"alpha": 1}, ValueError, "unknown training parameter"),
        (CUSTOM, {"ngram_range": (3, 1)}, ValueError, "ngram_range"),
    ],
    ids=["one_label", "thin_label", "analyzer", "classifier", "unknown_param", "ngram_range"],
)
def test_bad_training_requests(tmp_path: Path, rows: list[tuple[str, str]],
                               params: dict[str, object], exc: type[Exception],
                               match: str) -> None:
    path = _write_csv(tmp_path / "l.csv", rows)
    with pytest.raises(exc, match=match):
        train(path, **params)


def test_train_rejects_other_types() -> None:
    with pytest.raises(TypeError, match="CSV/JSONL path or a pandas DataFrame"):
        train([("a", "b")])


# --- save / load ---------------------------------------------------------------------------------
def test_round_trip_keeps_predictions(custom_model: Model, tmp_path: Path) -> None:
    path = custom_model.save(tmp_path / "custom")
    assert path.suffix == ".npz"
    loaded = load_model(path)
    texts = prepare([t for t, _ in CUSTOM] + ["食堂车辆网站", ""])
    assert np.allclose(loaded.predict_proba(texts), custom_model.predict_proba(texts), atol=0)
    assert loaded.labels == custom_model.labels and loaded.taxonomy == custom_model.taxonomy
    assert classify_many(["网站更新慢"], model=path) == classify_many(["网站更新慢"],
                                                                   model=custom_model)


def test_numpy_model_reproduces_sklearn_probabilities() -> None:
    data = read_labels(Path(__file__).resolve().parents[1] / "data" / "training"
                       / "statements.csv")
    prepared = prepare(data.texts[::4])
    labels = data.labels[::4]
    for params in (DEFAULT_PARAMS, {"classifier": "logistic", "C": 10.0, "ngram_range": (1, 3)},
                   {"analyzer": "char", "min_df": 1, "ngram_range": (2, 4)}):
        pipe = _fit(prepared, labels, params, 0)
        model = model_from_pipeline(pipe, data.areas, params, {}, prepared)
        probe = [*prepare(data.texts[1::9]), "", "  ", "a b", "党"]
        theirs = pipe.predict_proba(probe)
        order = [list(pipe.classes_).index(x) for x in model.labels]
        assert np.abs(model.predict_proba(probe) - theirs[:, order]).max() < 1e-12


def _rewrite(src: Path, dst: Path, **changes: object) -> Path:
    with np.load(src, allow_pickle=False) as a:
        arrays = {k: a[k] for k in a.files}
    meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    for key, value in changes.items():
        if key.startswith("meta_"):
            meta[key[5:]] = value
        else:
            arrays[key] = value  # type: ignore[assignment]
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    np.savez(dst, **arrays)  # type: ignore[arg-type]
    return dst


def test_pickled_arrays_are_refused(custom_model: Model, tmp_path: Path) -> None:
    good = custom_model.save(tmp_path / "good.npz")
    evil = tmp_path / "evil.npz"
    with np.load(good, allow_pickle=False) as a:
        arrays = {k: a[k] for k in a.files}
    arrays["coef"] = np.array([{"payload": "x"}], dtype=object)  # type: ignore[assignment]
    np.savez(evil, **arrays)  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="pickled Python objects"):
        load_model(evil)


def test_a_plain_pickle_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    path.write_bytes(pickle.dumps({"coef": [1, 2, 3]}))
    with pytest.raises(ModelError, match=r"refuses to load|not a readable model"):
        load_model(path)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"meta_format_version": FORMAT_VERSION + 1}, "format version"),
        ({"meta_format": "someone-else/model"}, "not an xuncha_nlp classifier"),
        ({"meta_labels": ["a"]}, "at least two distinct labels"),
        ({"idf": np.zeros(3)}, "array 'idf' has shape"),
        ({"meta_analyzer": "word"}, "unknown analyzer"),
    ],
    ids=["version", "format", "labels", "shape", "analyzer"],
)
def test_foreign_or_damaged_models_are_refused(custom_model: Model, tmp_path: Path,
                                               changes: dict[str, object], match: str) -> None:
    good = custom_model.save(tmp_path / "good.npz")
    bad = _rewrite(good, tmp_path / "bad.npz", **changes)
    with pytest.raises(ModelError, match=match):
        load_model(bad)


def test_missing_and_garbage_files(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no such model file"):
        load_model(tmp_path / "absent.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(ModelError, match="not a readable model"):
        load_model(junk)
    other = tmp_path / "other.npz"
    np.savez(other, weights=np.ones(3))
    with pytest.raises(ModelError, match="not an xuncha_nlp model"):
        load_model(other)
    truncated = tmp_path / "truncated.npz"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("meta.npy", b"\x93NUMPY broken")
    truncated.write_bytes(buf.getvalue()[:40])
    with pytest.raises(ModelError):
        load_model(truncated)


def test_model_for_another_taxonomy_is_refused(custom_model: Model, tmp_path: Path) -> None:
    path = custom_model.save(tmp_path / "custom.npz")
    with pytest.raises(ModelError, match="another taxonomy"):
        load_model(path, labels=[c.id for c in categories("L2")])
    assert load_model(path, labels=["web", "fleet", "canteen"]).labels == custom_model.labels


def test_load_model_wants_a_path() -> None:
    with pytest.raises(TypeError, match="takes a path"):
        load_model(3)  # type: ignore[arg-type]


def test_shipped_model_matches_the_taxonomy_and_the_training_set() -> None:
    import hashlib

    model = default_model()
    assert sorted(model.labels) == sorted(c.id for c in categories("L2"))
    assert all(model.area(c.id) == c.parent for c in categories("L2"))
    labels = Path(__file__).resolve().parents[1] / "data" / "training" / "statements.csv"
    assert model.info["sha256"] == hashlib.sha256(labels.read_bytes()).hexdigest(), (
        "statements.csv changed: run python benchmarks/build_default_model.py")


# --- evaluation ----------------------------------------------------------------------------------
def test_evaluate_model_on_other_labels(custom_model: Model, tmp_path: Path) -> None:
    test_rows = [("食堂饭菜涨价", "canteen"), ("车辆加油记录不全", "fleet"),
                 ("网站栏目空白", "web"), ("食堂卫生差", "canteen")]
    ev = evaluate(_write_csv(tmp_path / "test.csv", test_rows), custom_model, cv=None)
    assert isinstance(ev, Evaluation) and ev.n == 4 and ev.cv_macro_f1 is None
    assert sum(map(sum, ev.confusion)) == 4
    assert {c.label for c in ev.per_category} == {"canteen", "fleet", "web"}
    assert not ev.notes
    text = ev.format()
    assert "precision" in text and "confusion" in text


def test_evaluate_flags_training_statements(custom_model: Model, tmp_path: Path) -> None:
    ev = evaluate(_write_csv(tmp_path / "train.csv", CUSTOM), custom_model, cv=3)
    assert any("15 of 15 statements were in the model's training data" in n for n in ev.notes)
    assert ev.cv_macro_f1 is not None and len(ev.cv_folds) == 3


def test_evaluate_cross_validates_the_procedure(tmp_path: Path) -> None:
    ev = evaluate(_write_csv(tmp_path / "c.csv", CUSTOM), cv=5)
    assert len(ev.cv_folds) == 5 and ev.cv_macro_f1 is not None
    assert ev.method.startswith("5-fold cross-validation")
    json.dumps(ev.to_dict())


def test_evaluate_keyword_engine(tmp_path: Path) -> None:
    rows = [("违规发放津补贴", "conduct"), ("公款吃喝问题突出", "conduct"),
            ("收受礼金", "integrity"), ("收受购物卡", "integrity"), ("今天天气晴朗", "integrity")]
    ev = evaluate(_write_csv(tmp_path / "k.csv", rows), engine="keyword", cv=2)
    assert ev.engine == "keyword" and "—" in ev.columns  # the abstention column
    assert ev.per_category[1].recall == pytest.approx(2 / 3)


def test_evaluate_refuses_foreign_labels(custom_model: Model, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "ours.csv", [("违规发放津补贴", "conduct"),
                                              ("收受礼金", "integrity")])
    with pytest.raises(ModelError, match="another taxonomy"):
        evaluate(path, custom_model)
    with pytest.raises(ModelError, match="keyword engine knows only"):
        evaluate(_write_csv(tmp_path / "c.csv", CUSTOM), engine="keyword")


@pytest.mark.parametrize(("kwargs", "match"),
                         [({"engine": "rules"}, "unknown engine"), ({"cv": 1}, "cv must be")],
                         ids=["engine", "cv"])
def test_evaluate_bad_options(tmp_path: Path, kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        evaluate(_write_csv(tmp_path / "c.csv", CUSTOM), **kwargs)  # type: ignore[arg-type]


# --- the numpy feature extraction equals scikit-learn's ------------------------------------------
_TEXT = st.text(st.sampled_from(list("党组学习不到位监督ab 1\t，。")), max_size=12)


@settings(max_examples=200, deadline=None)
@given(_TEXT, st.sampled_from(["char", "char_wb"]), st.sampled_from([(1, 1), (1, 2), (1, 3),
                                                                      (2, 4), (3, 5)]))
def test_ngrams_equal_sklearn(text: str, analyzer: str, ngram_range: tuple[int, int]) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer=analyzer, ngram_range=ngram_range, lowercase=False)
    assert sorted(_ngrams(text, analyzer, ngram_range)) == sorted(vec.build_analyzer()(text))


@settings(max_examples=100, deadline=None)
@given(st.lists(_TEXT, max_size=6))
def test_packed_lookup_equals_dictionary_lookup(texts: list[str]) -> None:
    model = default_model()
    a_docs, a_feats = model._hits_python(texts)
    b_docs, b_feats = model._hits_packed(texts)
    assert sorted(zip(a_docs.tolist(), a_feats.tolist(), strict=True)) == sorted(
        zip(b_docs.tolist(), b_feats.tolist(), strict=True))


def test_vocabulary_with_line_breaks_round_trips(tmp_path: Path) -> None:
    import pandas as pd

    rows = [(t.replace("，", "\n"), lab) for t, lab in CUSTOM]
    model = train(pd.DataFrame(rows, columns=["text", "label"]), analyzer="char", min_df=1)
    assert any("\n" in g for g in model.vocabulary)
    loaded = load_model(model.save(tmp_path / "nl.npz"))
    assert loaded.vocabulary == model.vocabulary
