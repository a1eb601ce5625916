"""Every shipped lexicon parses, has unique keys and known kinds; the loader names bad lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from xuncha_nlp import LexiconError, resources

LEXICONS = sorted(p.name for p in (resources.data_dir() / "lexicons").iterdir()
                  if p.name.endswith((".tsv", ".txt")))


@pytest.mark.parametrize("name", LEXICONS)
def test_lexicon_has_header_and_no_repeated_entry(name: str) -> None:
    text = resources.lexicon_path(name).read_text(encoding="utf-8")
    assert text.startswith("#"), f"{name} must start with a comment header saying its format"
    rows = [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    seen: set[str] = set()
    repeated = {r for r in rows if r in seen or seen.add(r)}  # type: ignore[func-returns-value]
    assert not repeated, f"{name}: repeated entries {sorted(repeated)[:10]}"


def test_furniture_modes_are_known() -> None:
    modes = {mode for _, mode in resources.read_rows("furniture.tsv", 2)}
    assert modes <= {"contains", "prefix", "exact"}


def test_script_fixes_keep_length() -> None:
    for wrong, right in resources.read_rows("script_fixes.tsv", 2):
        assert len(wrong) == len(right) and "著" in wrong and "着" in right


def test_bad_line_names_file_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lexicons").mkdir()
    (tmp_path / "lexicons" / "broken.tsv").write_text("# header\nok\tfine\nbad\n", encoding="utf-8")
    monkeypatch.setattr(resources, "data_dir", lambda: tmp_path)
    resources.read_rows.cache_clear()
    try:
        with pytest.raises(LexiconError, match=r"broken\.tsv, line 3"):
            resources.read_rows("broken.tsv", 2)
    finally:
        resources.read_rows.cache_clear()


def test_missing_lexicon_is_named() -> None:
    with pytest.raises(LexiconError, match=r"nope\.tsv"):
        resources.lexicon_path("nope.tsv")
