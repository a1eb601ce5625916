"""The train / evaluate / problems command handlers, driven through their own parser."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from xuncha_nlp.classify_cli import register

from .test_model import CUSTOM


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="xuncha")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


@pytest.fixture()
def labels(tmp_path: Path) -> Path:
    path = tmp_path / "labels.csv"
    path.write_text("text,label\n" + "\n".join(f"{t},{lab}" for t, lab in CUSTOM) + "\n",
                    encoding="utf-8")
    return path


def test_train_then_evaluate(labels: Path, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "m"
    assert run(["train", str(labels), "-o", str(model), "--ngram-range", "1-3", "--cv", "3"]) == 0
    out = capsys.readouterr().out
    assert "trained on 15 statements, 3 labels" in out and "m.npz" in out
    assert "3-fold cross-validated macro-F1" in out
    assert run(["evaluate", str(labels), "-m", str(model) + ".npz", "--cv", "3"]) == 0
    out = capsys.readouterr().out
    assert "cross-validated macro-F1" in out and "confusion" in out
    assert "were in the model's training data" in out
    assert run(["evaluate", str(labels), "--json", "--cv", "3"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["engine"] == "model" and len(report["cv_folds"]) == 3


def test_train_failure_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("words,tag\n甲,a\n", encoding="utf-8")
    assert run(["train", str(bad), "-o", str(tmp_path / "m")]) == 1
    assert "needs columns" in capsys.readouterr().err


def test_bad_ngram_range_is_a_usage_error(labels: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        run(["train", str(labels), "-o", "m", "--ngram-range", "x"])
    assert exc.value.code == 2


def test_evaluate_missing_model(labels: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["evaluate", str(labels), "-m", "absent.npz"]) == 1
    assert "no such model file" in capsys.readouterr().err


def test_problems_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.txt"
    report.write_text("巡察发现的主要问题：一是公务接待超标准；二是发展党员程序不规范。",
                      encoding="utf-8")
    assert run(["problems", str(report)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "\tconduct\t" in lines[0] and "\tparty_building\t" in lines[1]
    assert run(["problems", "--json", "--engine", "keyword", str(report)]) == 0
    records = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["marker"] for r in records] == ["一是", "二是"]
    assert records[0]["file"] == str(report) and records[0]["text"] == "公务接待超标准"


def test_problems_reads_gbk_and_reports_missing(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "gbk.txt"
    report.write_bytes("该局违规发放津补贴，财务管理混乱。".encode("gbk"))
    assert run(["problems", str(report), str(tmp_path / "absent.txt")]) == 1
    captured = capsys.readouterr()
    assert "违规发放津补贴" in captured.out and "absent.txt: no such file" in captured.err


def test_problems_reads_web_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "feedback.html"
    page.write_text("<html><head><title>反馈</title><script>var x=1;</script></head><body>"
                    "<div id='zoom'><p>巡察发现，该局党组执行中央八项规定精神不严格，"
                    "存在公车私用问题。</p></div></body></html>", encoding="utf-8")
    assert run(["problems", str(page)]) == 0
    out = capsys.readouterr().out
    assert "\tconduct\t" in out and "var x" not in out
