"""The phrase lexicon: the shipped data itself, lookups, custom lexicons, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from xuncha_nlp.errors import LexiconError
from xuncha_nlp.lexicon import KINDS, Entry, Lexicon
from xuncha_nlp.resources import read_rows, read_words


def test_shipped_lexicon_is_large_and_valid() -> None:
    lex = Lexicon.default()
    assert len(lex) >= 450
    assert {e.kind for e in lex} == set(KINDS)
    phrases = [e.phrase for e in lex]
    assert len(phrases) == len(set(phrases))
    for entry in lex:
        assert len(entry.phrase) >= 2
        for surface in entry.surfaces:
            assert lex.lookup(surface) is entry


def test_default_is_cached() -> None:
    assert Lexicon.default() is Lexicon.default()


@pytest.mark.parametrize(
    ("surface", "canonical", "kind"),
    [
        ("两个维护", "两个维护", "political"),
        ("三会一课", "三会一课", "numbered"),
        ("回头看", "回头看", "inspection"),
        ("中央八项规定精神", "中央八项规定精神", "discipline"),
        ("民主生活会", "民主生活会", "organisation"),
        ("三聚焦", "三个聚焦", "numbered"),
    ],
    ids=["political", "numbered", "inspection", "discipline", "organisation", "variant"],
)
def test_lookup(surface: str, canonical: str, kind: str) -> None:
    entry = Lexicon.default().lookup(surface)
    assert entry is not None
    assert (entry.phrase, entry.kind) == (canonical, kind)


@pytest.mark.parametrize("surface", ["维护", "工作", "", "两个維護"],
                         ids=["part", "plain_word", "empty", "traditional_not_normalised"])
def test_lookup_misses(surface: str) -> None:
    assert Lexicon.default().lookup(surface) is None


def test_custom_entries_are_normalised() -> None:
    lex = Lexicon.from_entries([
        ("巡察體檢", "inspection", ["政治體檢清單"]),
        Entry("一县一策", "numbered"),
    ])
    assert lex.lookup("巡察体检") is not None
    assert lex.lookup("政治体检清单") is lex.lookup("巡察体检")
    assert "一县一策" in lex
    assert len(lex) == 2


def test_extend_replaces_and_adds() -> None:
    base = Lexicon.default()
    extended = base.extend([("未巡先改", "inspection"), ("两个维护", "numbered")])
    assert extended.lookup("未巡先改") is not None
    entry = extended.lookup("两个维护")
    assert entry is not None and entry.kind == "numbered"
    assert base.lookup("未巡先改") is None  # the original is untouched
    assert len(extended) == len(base) + 1


def test_extend_takes_a_variant_from_an_old_entry() -> None:
    base = Lexicon.from_entries([("三个聚焦", "numbered", ["三聚焦"])])
    extended = base.extend([("三聚焦", "numbered")])
    assert extended.lookup("三聚焦").phrase == "三聚焦"  # type: ignore[union-attr]
    assert extended.lookup("三个聚焦").variants == ()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("entries", "error", "message"),
    [
        ([("两个维护", "slogan")], ValueError, "unknown kind 'slogan'"),
        ([("维", "political")], ValueError, "at least 2 characters"),
        ([("两个维护", "political"), ("两个维护", "numbered")], ValueError, "listed twice"),
        ([("甲乙", "political", ["丙丁"]), ("丙丁", "political")], ValueError, "belongs to both"),
        ([("两个维护", "political", "两个坚决维护")], TypeError, "not one string"),
        (["两个维护"], TypeError, "Entry objects or"),
        ("两个维护", TypeError, "not str"),
        ([(1, "political")], TypeError, "must be str"),
    ],
    ids=["bad_kind", "too_short", "duplicate", "variant_clash", "variants_str", "bare_str",
         "string_not_iterable", "not_str"],
)
def test_bad_entries(entries: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        Lexicon.from_entries(entries)  # type: ignore[arg-type]


def test_from_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.tsv"
    path.write_text("# my phrases\n未巡先改\tinspection\t\n一县一策\tnumbered\t一县一策略\n",
                    encoding="utf-8")
    lex = Lexicon.from_file(path)
    assert [e.phrase for e in lex] == ["未巡先改", "一县一策"]
    assert lex.lookup("一县一策略") is lex.lookup("一县一策")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("未巡先改\tinspection\n一县一策\tslogan\n", r"line 2: unknown kind 'slogan'"),
        ("未巡先改\n", r"line 1: expected phrase<TAB>kind"),
        ("甲乙\tpolitical\n甲乙\tnumbered\n", r"line 2: phrase '甲乙' already listed on line 1"),
    ],
    ids=["bad_kind", "missing_kind", "duplicate"],
)
def test_from_file_errors_name_the_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        Lexicon.from_file(path)


def test_from_file_missing(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="cannot read"):
        Lexicon.from_file(tmp_path / "absent.tsv")


def test_entry_to_dict_and_lexicon_is_immutable() -> None:
    entry = Entry("三个聚焦", "numbered", ("三聚焦",))
    assert entry.to_dict() == {"phrase": "三个聚焦", "kind": "numbered", "variants": ["三聚焦"]}
    lex = Lexicon.from_entries([entry])
    with pytest.raises(AttributeError):
        lex.entries = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        lex.surfaces["新词"] = entry  # type: ignore[index]


# --- the data files extract_phrases reads (format, classes, uniqueness) ------------------
@pytest.mark.parametrize(
    ("name", "classes"),
    [
        ("count_words.tsv", {"measure", "noun", "fixed"}),
        ("quote_cues.tsv", {"start", "speech", "end"}),
        ("genre_common.tsv", {"genre", "suffix"}),
    ],
    ids=["count_words", "quote_cues", "genre_common"],
)
def test_two_column_data_files(name: str, classes: set[str]) -> None:
    rows = read_rows(name, 2)
    assert rows
    assert {cls for _, cls in rows} <= classes
    words = [w for w, _ in rows]
    assert len(words) == len(set(words)), "a word is listed twice"


def test_formulation_heads_are_not_counted_nouns() -> None:
    heads = read_words("formulation_heads.tsv")
    nouns = {w for w, c in read_rows("count_words.tsv", 2) if c == "noun"}
    assert heads and not heads & nouns


def test_stopwords_never_hide_a_lexicon_entry() -> None:
    lex = Lexicon.default()
    stop = read_words("stopwords.tsv")
    assert not [w for w in stop if w in lex]
