"""The segmenter adapter: lexicon entries stay whole, both back-ends agree, lazy loading."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha_nlp.lexicon import Lexicon
from xuncha_nlp.segment import (
    BACKENDS,
    CHUNK_CHARS,
    Segmenter,
    chunks,
    default_backend,
    default_segmenter,
)

# Our own sentences in the genre's style.
OWN_TEXTS = [
    "县委巡察组坚持把“两个维护”作为根本任务，推动被巡察党组织增强“四个意识”、坚定“四个自信”。",
    "针对巡察反馈的问题，局党组召开专题民主生活会，建立问题清单、任务清单、责任清单，实行对账销号。",
    "有的村党支部“三会一课”制度落实不严格，一岗双责履行不到位，中央八项规定精神执行有偏差。",
    "巡察办会同区纪委监委开展巡察“回头看”，坚决防止敷衍整改、虚假整改，做好巡察整改“后半篇文章”。",
    "2023年以来，全市完成对108家单位的常规巡察，发现问题763个，移交问题线索26件。",
]

CONTEXTS = ["{w}", "加强{w}建设", "一{w}", "二{w}的", "以{w}为", "深入推进{w}和", "坚决做到{w}。"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "word",
    ["两个维护", "四个意识", "三会一课", "一岗双责", "后半篇文章", "回头看", "中央八项规定精神",
     "两手抓两手硬", "三不腐", "三个以案"],
)
def test_lexicon_entries_are_never_split(backend: str, word: str) -> None:
    seg = default_segmenter(backend)  # type: ignore[arg-type]
    for context in CONTEXTS:
        text = context.format(w=word)
        assert word in seg.cut(text), (context, seg.cut(text))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("hmm", [True, False], ids=["hmm", "no_hmm"])
def test_tokens_rebuild_the_text(backend: str, hmm: bool) -> None:
    seg = default_segmenter(backend)  # type: ignore[arg-type]
    for text in [*OWN_TEXTS, "", "  空格\n\n换行\t制表 ABC 1+N ２０２３"]:
        assert "".join(seg.cut(text, hmm=hmm)) == text


@pytest.mark.parametrize("hmm", [True, False], ids=["hmm", "no_hmm"])
def test_backends_give_the_same_tokens(hmm: bool) -> None:
    fast, ref = default_segmenter("rjieba"), default_segmenter("jieba")
    for text in OWN_TEXTS:
        assert fast.cut(text, hmm=hmm) == ref.cut(text, hmm=hmm)


def test_custom_lexicon_is_used_and_isolated() -> None:
    lex = Lexicon.default().extend([("未巡先改", "inspection")])
    text = "推动未巡先改，做到立行立改。"
    for backend in BACKENDS:
        custom = Segmenter(lex, backend=backend)  # type: ignore[arg-type]
        assert "未巡先改" in custom.cut(text, hmm=False)
        assert "未巡先改" not in default_segmenter(backend).cut(text, hmm=False)  # type: ignore[arg-type]


def test_the_callers_global_jieba_is_untouched() -> None:
    import jieba

    default_segmenter("jieba").cut("两个维护")
    assert jieba.dt.FREQ.get("两个维护") is None if jieba.dt.initialized else True


def test_default_backend_and_bad_backend() -> None:
    assert default_backend() == "rjieba"
    assert default_segmenter() is default_segmenter("rjieba")
    with pytest.raises(ValueError, match=r"unknown backend 'pkuseg'; choose one of rjieba, jieba"):
        Segmenter(backend="pkuseg")  # type: ignore[arg-type]


def test_bad_input() -> None:
    with pytest.raises(TypeError, match="takes str, not bytes"):
        default_segmenter().cut(b"abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be a Lexicon"):
        Segmenter(["两个维护"])  # type: ignore[arg-type]


def test_nothing_is_loaded_before_the_first_cut() -> None:
    code = (
        "import sys, xuncha_nlp\n"
        "from xuncha_nlp.segment import Segmenter\n"
        "from xuncha_nlp.phrases import PhraseExtractor\n"
        "s = Segmenter(backend='jieba'); e = PhraseExtractor(backend='jieba')\n"
        "assert 'jieba' not in sys.modules and 'rjieba' not in sys.modules, 'loaded early'\n"
        "s.cut('两个维护')\n"
        "assert 'jieba' in sys.modules and 'jieba.analyse' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", "jieba's start-up messages leaked to stderr"


@given(st.text(alphabet="巡察整改。！\n，两个维护abc 1", max_size=CHUNK_CHARS * 3))
@settings(max_examples=60, deadline=None)
def test_chunks_cover_the_text(text: str) -> None:
    pieces = list(chunks(text, size=50))
    assert "".join(pieces) == text
    assert all(pieces)


def test_chunks_cut_after_sentence_ends() -> None:
    text = "巡察整改。" * 30
    pieces = list(chunks(text, size=23))
    assert all(p.endswith("。") for p in pieces)
