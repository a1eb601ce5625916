"""The xuncha command: output, exit codes (0 ok, 1 some input failed, 2 usage)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xuncha_nlp import __version__
from xuncha_nlp.cli import main

TRADITIONAL = "來源：縣紀委監委網站\n巡察組發(fā)現問題23個,,移交問題線索5件。\n責編：王某\n"


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "报告.txt"
    path.write_text(TRADITIONAL, encoding="utf-8")
    return path


def test_normalize_prints_text(report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["normalize", str(report)]) == 0
    assert capsys.readouterr().out.strip() == "巡察组发现问题23个，移交问题线索5件。"


def test_normalize_changes(report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["normalize", "--changes", str(report)]) == 0
    out = capsys.readouterr().out
    for kind in ("furniture", "pinyin", "punctuation", "script"):
        assert kind in out


def test_normalize_json(report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["normalize", "--json", "--changes", str(report)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["text"].startswith("巡察组") and record["changes"]


def test_gb18030_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "gb.txt"
    path.write_bytes("巡察整改完成率达到95.8%。".encode("gb18030"))
    assert main(["normalize", str(path)]) == 0
    assert "95.8%" in capsys.readouterr().out


def test_missing_file_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["normalize", str(tmp_path / "none.txt")]) == 1
    assert "none.txt" in capsys.readouterr().err


def test_usage_error_exit_2() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["normalize"])
    assert exc.value.code == 2


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out
