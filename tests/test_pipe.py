"""``xuncha pipe``: JSON lines in, one answer per line, in order; bad lines answered with an
error and the pipe goes on."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.io_fixtures import REPORT_TEXT, write_docx
from xuncha_nlp.pipe import TASKS, run_pipe, run_request

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = ("2023年，县委巡察办统筹开展两轮常规巡察，共巡察党组织28个，发现问题312个，"
           "移交问题线索9件。巡察发现，部分单位落实全面从严治党主体责任不到位。")


def pipe(lines: list[str | bytes], *args: str) -> tuple[list[dict[str, Any]], str, int]:
    """Run ``python -m xuncha_nlp.pipe`` as a subprocess on the given lines."""
    data = b"".join((ln if isinstance(ln, bytes) else ln.encode("utf-8")) + b"\n"
                    for ln in lines)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "ascii",
           "LC_ALL": "C"}  # the output must be UTF-8 whatever the locale says
    done = subprocess.run([sys.executable, "-m", "xuncha_nlp.pipe", *args], input=data,
                          capture_output=True, env=env, cwd=ROOT, timeout=120)
    out = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    return out, done.stderr.decode("utf-8"), done.returncode


def test_good_and_bad_lines_in_order(tmp_path: Path) -> None:
    report = tmp_path / "报告.txt"
    report.write_bytes(REPORT_TEXT.encode("gb18030"))
    docx = tmp_path / "r.docx"
    write_docx(docx)
    lines: list[str | bytes] = [
        json.dumps({"id": "a", "text": SUMMARY, "tasks": ["stats"]}, ensure_ascii=False),
        "this is not json",
        json.dumps({"id": 2, "path": str(report), "tasks": ["stats", "phrases"]}),
        "",
        json.dumps({"id": 3}),
        json.dumps({"id": 4, "path": str(tmp_path / "missing.txt")}),
        b"\xff\xfe not utf-8",
        json.dumps({"id": 5, "path": str(docx)}),
        json.dumps([1, 2]),
        json.dumps({"id": 6, "text": SUMMARY, "tasks": ["problems", "normalize"]}),
    ]
    out, err, code = pipe(lines)
    assert code == 1  # some lines failed
    assert [(o["id"], o["line"], o["ok"]) for o in out] == [
        ("a", 1, True), (None, 2, False), (2, 3, True), (3, 5, False), (4, 6, False),
        (None, 7, False), (5, 8, True), (None, 9, False), (6, 10, True)]
    assert {s["metric"]: s["value"] for s in out[0]["results"]["stats"]}["problems_found"] == 312
    assert list(out[2]["results"]) == ["stats", "phrases"]
    assert out[1]["error"]["type"] == "invalid_json"
    assert out[3]["error"]["type"] == "invalid_request"
    assert out[4]["error"]["type"] == "read_error"
    assert "missing.txt" in out[4]["error"]["message"]
    assert out[5]["error"]["type"] == "invalid_encoding"
    assert out[6]["results"]["analyze"]["document"]["format"] == "docx"
    assert list(out[8]["results"]) == ["problems", "normalize"]
    assert "line 6 (id 4)" in err and "missing.txt" in err


def test_all_good_exits_0_and_uses_default_tasks() -> None:
    out, _, code = pipe([json.dumps({"id": i, "text": SUMMARY}, ensure_ascii=False)
                         for i in range(3)], "--tasks", "stats,phrases")
    assert code == 0
    assert [o["id"] for o in out] == [0, 1, 2]
    assert all(list(o["results"]) == ["stats", "phrases"] for o in out)


def test_empty_input_exits_0() -> None:
    assert pipe([]) == ([], "", 0)


def test_bad_tasks_option_is_a_usage_error() -> None:
    _, err, code = pipe([], "--tasks", "stats,bogus")
    assert code == 2 and "bogus" not in err.split(":")[0] and "unknown task 'bogus'" in err


def test_answers_are_flushed_line_by_line() -> None:
    # A caller that writes one request and waits must get its answer before writing more.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen([sys.executable, "-m", "xuncha_nlp.pipe", "--tasks", "stats"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                          cwd=ROOT) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        for i in range(3):
            proc.stdin.write(json.dumps({"id": i, "text": SUMMARY}).encode() + b"\n")
            proc.stdin.flush()
            answer = json.loads(proc.stdout.readline())
            assert answer["id"] == i and answer["ok"]
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0


# --- in process ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("request_", "message"), [
    pytest.param({"text": "x", "path": "a.txt"}, "exactly one of text and path", id="both"),
    pytest.param({}, "exactly one of text and path", id="neither"),
    pytest.param({"text": 5}, "text must be a string", id="text-type"),
    pytest.param({"path": ""}, "path must be a non-empty string", id="empty-path"),
    pytest.param({"text": "x", "tasks": []}, "non-empty list", id="no-tasks"),
    pytest.param({"text": "x", "tasks": "stats"}, "non-empty list", id="tasks-str"),
    pytest.param({"text": "x", "tasks": ["stat"]}, "unknown task 'stat'", id="task-typo"),
    pytest.param({"text": "x", "top_k": -1}, "top_k", id="top-k"),
    pytest.param({"text": "x", "top_k": True}, "top_k", id="top-k-bool"),
    pytest.param({"text": "x", "title": 3}, "title", id="title"),
    pytest.param({"text": "x", "txt": "y"}, "unknown key 'txt'", id="unknown-key"),
    pytest.param("text", "JSON object", id="not-object"),
])
def test_run_request_rejects(request_: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run_request(request_)


def test_run_request_every_task() -> None:
    results = run_request({"text": SUMMARY, "tasks": list(TASKS), "top_k": 3})
    assert list(results) == list(TASKS)
    assert results["analyze"]["stats"] and results["stats"]
    assert len(results["phrases"]) <= 3
    assert results["normalize"]["text"] == SUMMARY
    for p in results["problems"]:
        assert SUMMARY[p["span"][0]:p["span"][1]] == p["text"]


def test_tasks_with_analyze_equal_the_tasks_alone() -> None:
    # With analyze, the other tasks reuse its normalised text and findings.
    together = run_request({"text": SUMMARY, "tasks": list(TASKS), "top_k": 3})
    for task in TASKS:
        assert together[task] == run_request({"text": SUMMARY, "tasks": [task], "top_k": 3})[task]
    assert together["stats"] == together["analyze"]["stats"]
    assert together["problems"] == together["analyze"]["problems"]


def test_a_task_named_twice_runs_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import xuncha_nlp.stats

    calls = []
    real = xuncha_nlp.stats.extract_stats_normalized
    monkeypatch.setattr(xuncha_nlp.stats, "extract_stats_normalized",
                        lambda norm: calls.append(1) or real(norm))
    out, err = io.StringIO(), io.StringIO()
    assert run_pipe([json.dumps({"text": SUMMARY})], out, err,
                    default_tasks=["stats", "stats"]) == 0
    assert list(json.loads(out.getvalue())["results"]) == ["stats"] and calls == [1]


def test_run_pipe_in_process_with_str_lines_and_surrogates() -> None:
    lines = [json.dumps({"id": 1, "text": "巡察\ud800组", "tasks": ["normalize"]}) + "\n",
             "   \n", "{}\n"]
    out, err = io.StringIO(), io.StringIO()
    assert run_pipe(lines, out, err) == 1
    answers = [json.loads(x) for x in out.getvalue().splitlines()]
    assert answers[0]["results"]["normalize"]["text"] == "巡察组"
    assert answers[1]["line"] == 3 and not answers[1]["ok"]
    assert "line 3" in err.getvalue()


def test_internal_error_is_an_error_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr("xuncha_nlp.stats.extract_stats_normalized", broken)
    out, err = io.StringIO(), io.StringIO()
    lines = [json.dumps({"id": 1, "text": SUMMARY, "tasks": ["stats"]}),
             json.dumps({"id": 2, "text": SUMMARY, "tasks": ["normalize"]})]
    assert run_pipe(lines, out, err) == 1
    first, second = (json.loads(x) for x in out.getvalue().splitlines())
    assert first["error"] == {"type": "internal_error", "message": "RuntimeError: boom"}
    assert second["ok"]
    assert "Traceback" in err.getvalue()


def test_a_library_error_is_internal_not_the_requests_fault(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A ValueError from inside the analysis is a bug to report, not a bad request.
    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("inner")

    monkeypatch.setattr("xuncha_nlp.stats.extract_stats_normalized", broken)
    out, err = io.StringIO(), io.StringIO()
    assert run_pipe([json.dumps({"text": SUMMARY, "tasks": ["stats"]}),
                     json.dumps({"path": "a\x00b.txt"})], out, err) == 1
    first, second = (json.loads(x) for x in out.getvalue().splitlines())
    assert first["error"] == {"type": "internal_error", "message": "ValueError: inner"}
    assert second["error"]["type"] == "invalid_request"
    assert "Traceback" in err.getvalue()


@pytest.mark.parametrize("tasks", [[], ["stat"]])
def test_run_pipe_rejects_bad_default_tasks(tasks: list[str]) -> None:
    with pytest.raises(ValueError, match="default_tasks"):
        run_pipe([], io.StringIO(), io.StringIO(), default_tasks=tasks)
