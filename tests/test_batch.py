"""analyze_folder and the batch command over a generated folder of every kind of file."""

from __future__ import annotations

import builtins
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import xuncha_nlp.io
from xuncha_nlp.batch import (
    STATE_FILE,
    TABLES,
    Results,
    analyze_folder,
    analyze_main,
    batch_main,
    list_files,
)

from .io_fixtures import (
    REPORT_TEXT,
    REPORT_TRAD,
    truncated,
    write_blank_pdf,
    write_docx,
    write_pdf,
)

ROOT = Path(__file__).resolve().parent.parent
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
LOCKED = "locked.txt"

# Our own texts in the genre's style, one per encoding.
RECTIFY = (
    "关于县供销社党委巡察整改进展情况的通报\n"
    "2024年1月，县委第一巡察组向县供销社党委反馈了巡察意见。社党委高度重视，"
    "逐条制定整改措施35条，截至2024年6月30日，已完成整改31项。\n"
    "针对资产管理不规范的问题，社党委对闲置房产开展清查，收回被占用资产2处。\n"
)
NEWS = (
    "区委巡察工作领导小组召开会议\n"
    "会议听取了第三轮巡察情况汇报。本轮巡察共发现问题126个，移交问题线索9件。"
    "会议强调，要强化巡察成果运用，压实被巡察党组织整改主体责任。\n"
)
HTML = (
    "<html><head><meta charset='utf-8'><title>县委巡察组进驻县教育局</title>"
    "<script>var a=1;</script></head><body><div class='nav'>首页 | 巡察动态</div>"
    "<h1>县委巡察组进驻县教育局</h1><p>2024年3月11日，县委第二巡察组进驻县教育局开展常规巡察。"
    "巡察期间设立举报箱，公布举报电话，受理群众来信来访。</p>"
    "<p>巡察组将重点检查教育经费使用、校园食堂管理等方面情况。</p></body></html>"
)

# (relative path, expected status)
EXPECTED: dict[str, str] = {
    "utf8.txt": "ok",
    "utf8_bom.txt": "ok",
    "gb18030.txt": "ok",
    "big5_繁體.txt": "ok",
    "utf16.txt": "ok",
    "报告/通报.docx": "ok",
    "报告/整改.pdf": "ok",
    "page.html": "ok",
    "page2.htm": "ok",
    "a/b/c/d/深层目录.txt": "ok",
    "empty.txt": "error",
    "binary.txt": "error",
    "truncated.docx": "error",
    "scan.pdf": "error",
    "notes.doc": "error",
    LOCKED: "error",
}
HIDDEN = (".hidden.txt", ".git/config.txt")


def make_folder(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "utf8.txt").write_text(RECTIFY, encoding="utf-8")
    (root / "utf8_bom.txt").write_text(NEWS, encoding="utf-8-sig")
    (root / "gb18030.txt").write_bytes(REPORT_TEXT.encode("gb18030"))
    (root / "big5_繁體.txt").write_bytes(REPORT_TRAD.encode("big5"))
    (root / "utf16.txt").write_text(NEWS + RECTIFY, encoding="utf-16")
    write_docx(root / "报告" / "通报.docx")
    write_pdf(root / "报告" / "整改.pdf")
    (root / "page.html").write_text(HTML, encoding="utf-8")
    (root / "page2.htm").write_bytes(HTML.replace("utf-8", "gbk").encode("gbk"))
    deep = root / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    (deep / "深层目录.txt").write_text(NEWS, encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 8)
    whole = root / "whole.docx"
    write_docx(whole)
    (root / "truncated.docx").write_bytes(truncated(whole.read_bytes()))
    whole.unlink()
    write_blank_pdf(root / "scan.pdf", image=False)
    (root / "notes.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    (root / LOCKED).write_text(RECTIFY, encoding="utf-8")
    if not IS_ROOT:
        (root / LOCKED).chmod(0)
    for name in HIDDEN:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(NEWS, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_folder(tmp_path_factory.mktemp("reports") / "in")


def _deny_locked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads any file; simulate the permission error the reader would meet."""
    if not IS_ROOT:
        return
    real = builtins.open

    def fake(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file).endswith(LOCKED):
            raise PermissionError(13, "Permission denied", str(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(xuncha_nlp.io, "open", fake, raising=False)


@pytest.fixture(scope="module")
def one_worker(folder: Path) -> Results:
    mp = pytest.MonkeyPatch()
    _deny_locked(mp)
    try:
        return analyze_folder(folder, workers=1, progress=False)
    finally:
        mp.undo()


def test_every_file_has_a_row(one_worker: Results) -> None:
    docs = one_worker.documents
    assert list(docs["path"]) == sorted(EXPECTED)
    assert dict(zip(docs["path"], docs["status"], strict=True)) == EXPECTED


@pytest.mark.parametrize("name", list(HIDDEN), ids=["file", "folder"])
def test_hidden_skipped(one_worker: Results, name: str) -> None:
    assert name not in set(one_worker.documents["path"])


REASONS = [
    ("empty.txt", "empty"),
    ("binary.txt", "binary"),
    ("truncated.docx", "docx"),
    ("scan.pdf", "text"),
    ("notes.doc", ".docx"),
    (LOCKED, "permission"),
]


@pytest.mark.parametrize(("path", "words"), REASONS, ids=[r[0] for r in REASONS])
def test_error_reasons(one_worker: Results, path: str, words: str) -> None:
    errors = one_worker.errors.set_index("path")
    assert words in errors.loc[path, "reason"]
    row = one_worker.documents.set_index("path").loc[path]
    assert row["reason"] == errors.loc[path, "reason"]


def test_errors_table_lists_every_failure(one_worker: Results) -> None:
    failed = sorted(p for p, s in EXPECTED.items() if s == "error")
    assert list(one_worker.errors["path"]) == failed
    assert one_worker.failed == failed


# Supersets count: Big5 text is decoded as cp950, GBK text as GB18030.
ENCODINGS = [("utf8.txt", ("utf-8",)), ("utf8_bom.txt", ("utf-8-sig", "utf-8")),
             ("gb18030.txt", ("gb18030", "gbk")), ("big5_繁體.txt", ("big5", "cp950")),
             ("utf16.txt", ("utf-16",))]


@pytest.mark.parametrize(("path", "encodings"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_encoding_recorded(one_worker: Results, path: str, encodings: tuple[str, ...]) -> None:
    import codecs

    row = one_worker.documents.set_index("path").loc[path]
    got = codecs.lookup(str(row["encoding"])).name
    assert got in {codecs.lookup(e).name for e in encodings}


def test_document_rows(one_worker: Results) -> None:
    docs = one_worker.documents.set_index("path")
    big5 = docs.loc["big5_繁體.txt"]
    assert big5["script"] == "traditional"
    assert docs.loc["utf8.txt", "script"] == "simplified"
    assert docs.loc["utf8.txt", "title"] == "关于县供销社党委巡察整改进展情况的通报"
    assert docs.loc["page.html", "title"] == "县委巡察组进驻县教育局"
    assert docs.loc["a/b/c/d/深层目录.txt", "stat_problems_found"] == 126
    assert docs.loc["报告/通报.docx", "format"] == "docx"
    ok = docs[docs["status"] == "ok"]
    assert ok["sha256"].str.len().eq(64).all()
    assert (ok["chars"] > 0).all()


def test_item_tables_point_at_documents(one_worker: Results) -> None:
    ok = set(one_worker.documents.loc[one_worker.documents["status"] == "ok", "path"])
    for name in ("stats", "phrases", "problems"):
        frame = getattr(one_worker, name)
        assert len(frame), name
        assert set(frame["path"]) <= ok
        assert list(frame["path"]) == sorted(frame["path"]), "grouped in path order"
    stats = one_worker.stats
    deep = stats[stats["path"] == "a/b/c/d/深层目录.txt"]
    assert {"problems_found": 126.0, "clues": 9.0}.items() <= dict(
        zip(deep["metric"], deep["value"], strict=True)).items()


def test_two_workers_same_tables(folder: Path, one_worker: Results) -> None:
    two = analyze_folder(folder, workers=2, progress=False)
    for name in TABLES:
        left, right = getattr(one_worker, name), getattr(two, name)
        if IS_ROOT:  # root cannot be denied a file in a child process
            left = left[left["path"] != LOCKED].reset_index(drop=True)
            right = right[right["path"] != LOCKED].reset_index(drop=True)
        pd.testing.assert_frame_equal(left, right, check_dtype=True)


def test_pattern(folder: Path) -> None:
    rels = [rel for rel, _ in list_files(folder, "**/*.docx")]
    assert rels == ["truncated.docx", "报告/通报.docx"]


# pattern → files it selects in the tree built below, as pathlib's glob would (plus the
# symlinked folder, which pathlib does not enter).
GLOB_CASES = [
    ("**/*", ["a.txt", "link/c.txt", "sub/b.txt", "sub/deep/d.docx", "sub/deep/e.txt"]),
    ("*", ["a.txt"]),
    ("*.txt", ["a.txt"]),
    ("**/*.txt", ["a.txt", "link/c.txt", "sub/b.txt", "sub/deep/e.txt"]),
    ("sub/**/*.txt", ["sub/b.txt", "sub/deep/e.txt"]),
    ("sub/*/*", ["sub/deep/d.docx", "sub/deep/e.txt"]),
    ("**/deep/*.docx", ["sub/deep/d.docx"]),
    ("**/?.txt", ["a.txt", "link/c.txt", "sub/b.txt", "sub/deep/e.txt"]),
    ("**/[ab].txt", ["a.txt", "sub/b.txt"]),
    ("nothing/*", []),
]


@pytest.fixture(scope="module")
def linked_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    top = tmp_path_factory.mktemp("linked")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "c.txt").write_text("巡察", encoding="utf-8")
    (elsewhere / "up").symlink_to(top, target_is_directory=True)  # a loop back up
    (top / "a.txt").write_text("巡察", encoding="utf-8")
    (top / ".hidden.txt").write_text("巡察", encoding="utf-8")
    (top / "sub" / "deep").mkdir(parents=True)
    (top / "sub" / "b.txt").write_text("巡察", encoding="utf-8")
    (top / "sub" / "deep" / "d.docx").write_bytes(b"PK")
    (top / "sub" / "deep" / "e.txt").write_text("巡察", encoding="utf-8")
    (top / "link").symlink_to(elsewhere, target_is_directory=True)
    return top


@pytest.mark.parametrize(("pattern", "expected"), GLOB_CASES, ids=[c[0] for c in GLOB_CASES])
def test_list_files_globs_and_follows_links(linked_tree: Path, pattern: str,
                                            expected: list[str]) -> None:
    assert [rel for rel, _ in list_files(linked_tree, pattern)] == expected

@pytest.mark.parametrize(("kwargs", "error"), [
    ({"workers": 0}, ValueError),
    ({"workers": "2"}, TypeError),
    ({"pattern": "/abs/*"}, ValueError),
], ids=["zero_workers", "str_workers", "absolute_pattern"])
def test_bad_options(folder: Path, kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        analyze_folder(folder, progress=False, **kwargs)


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a folder"):
        analyze_folder(tmp_path / "missing", progress=False)


def test_empty_folder(tmp_path: Path) -> None:
    results = analyze_folder(tmp_path, progress=False)
    assert all(len(f) == 0 for f in results.tables().values())
    assert "stat_clues" in results.documents.columns


# --- the command ---------------------------------------------------------------------------
def _ok_folder(root: Path, n: int, *, repeat: int = 1) -> Path:
    root.mkdir(parents=True)
    texts = (RECTIFY, NEWS, REPORT_TEXT)
    for i in range(n):
        body = "\n".join(texts[(i + k) % 3] for k in range(repeat))
        (root / f"r{i:03d}.txt").write_text(f"第{i}号\n{body}", encoding="utf-8")
    return root


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig") for name in TABLES}


def test_batch_exit_codes_and_csv(folder: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _deny_locked(monkeypatch)
    out = tmp_path / "out"
    code = batch_main([str(folder), "-o", str(out), "--workers", "1", "--quiet"])
    assert code == 1
    err = capsys.readouterr().err
    for path, status in EXPECTED.items():
        assert (path in err) == (status == "error"), path
    raw = (out / "documents.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    tables = _tables(out)
    assert list(tables["documents"]["path"]) == sorted(EXPECTED)
    assert not list(out.glob("*.tmp"))


@pytest.mark.parametrize("fmt", ["parquet", "jsonl", "xlsx"])
def test_batch_formats(tmp_path: Path, fmt: str) -> None:
    src = _ok_folder(tmp_path / "in", 3)
    out = tmp_path / "out"
    assert batch_main([str(src), "-o", str(out), "--format", fmt, "--workers", "1",
                       "--quiet"]) == 0
    if fmt == "xlsx":
        book = pd.read_excel(out / "results.xlsx", sheet_name=None)
        assert list(book) == list(TABLES)
        docs = book["documents"]
    elif fmt == "parquet":
        docs = pd.read_parquet(out / "documents.parquet")
    else:
        docs = pd.read_json(out / "documents.jsonl", lines=True)
    assert list(docs["path"]) == ["r000.txt", "r001.txt", "r002.txt"]
    assert set(docs["status"]) == {"ok"}


@pytest.mark.parametrize("argv", [
    ["{missing}", "-o", "{out}"],
    ["{src}"],
    ["{src}", "-o", "{out}", "--format", "docx"],
    ["{src}", "-o", "{out}", "--workers", "0"],
    ["{src}", "-o", "{file}"],
], ids=["missing_dir", "no_output", "bad_format", "zero_workers", "output_is_file"])
def test_batch_usage_errors(tmp_path: Path, argv: list[str],
                            capsys: pytest.CaptureFixture[str]) -> None:
    src = _ok_folder(tmp_path / "in", 1)
    (tmp_path / "file").write_text("x")
    names = {"missing": tmp_path / "nope", "out": tmp_path / "out", "src": src,
             "file": tmp_path / "file"}
    assert batch_main([a.format(**names) for a in argv]) == 2
    assert capsys.readouterr().err


def test_resume_processes_nothing_the_second_time(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    src = _ok_folder(tmp_path / "in", 4)
    (src / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    assert batch_main([str(src), "-o", str(out), "--workers", "1", "--quiet"]) == 1
    first = _tables(out)
    import xuncha_nlp.batch as batch

    def fail(paths: Any) -> Any:
        raise AssertionError(f"{paths} analysed again")

    monkeypatch.setattr(batch, "_process_many", fail)
    assert batch_main([str(src), "-o", str(out), "--workers", "1", "--quiet",
                       "--resume"]) == 1
    second = _tables(out)
    for name in TABLES:
        pd.testing.assert_frame_equal(first[name], second[name])
    # A renamed file is found again by its content and gets its new name.
    (src / "r000.txt").rename(src / "renamed.txt")
    assert batch_main([str(src), "-o", str(out), "--workers", "1", "--quiet",
                       "--resume"]) == 1
    assert "renamed.txt" in set(_tables(out)["documents"]["path"])


def test_resume_ignores_a_cut_line(tmp_path: Path) -> None:
    src = _ok_folder(tmp_path / "in", 2)
    out = tmp_path / "out"
    assert batch_main([str(src), "-o", str(out), "--workers", "1", "--quiet"]) == 0
    state = out / STATE_FILE
    lines = state.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    state.write_text(lines[0] + "\n" + lines[1][: len(lines[1]) // 2], encoding="utf-8")
    assert batch_main([str(src), "-o", str(out), "--workers", "1", "--quiet",
                       "--resume"]) == 0
    assert len(state.read_text(encoding="utf-8").splitlines()) == 2
    assert json.loads(state.read_text(encoding="utf-8").splitlines()[1])["sha256"]


def _spawn_batch(src: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    code = ("import sys; from xuncha_nlp.batch import batch_main; "
            "sys.exit(batch_main(sys.argv[1:]))")
    return subprocess.Popen([sys.executable, "-c", code, str(src), "-o", str(out),
                             "--quiet", *extra], cwd=ROOT, stderr=subprocess.PIPE)


def _wait_for_lines(state: Path, n: int, proc: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if state.exists():
            done = state.read_bytes().count(b"\n")
            if done >= n:
                return done
        time.sleep(0.005)
    pytest.fail("the batch finished or stalled before it could be interrupted")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill", "ctrl_c"])
def test_interrupted_run_resumes_to_the_same_tables(tmp_path: Path, sig: int) -> None:
    src = _ok_folder(tmp_path / "in", 60, repeat=40)
    clean = tmp_path / "clean"
    assert batch_main([str(src), "-o", str(clean), "--workers", "1", "--quiet"]) == 0

    out = tmp_path / "out"
    proc = _spawn_batch(src, out, "--workers", "1")
    _wait_for_lines(out / STATE_FILE, 5, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    if sig == signal.SIGINT:
        assert proc.returncode == 130, err.decode()
        partial = _tables(out)["documents"]
        assert 5 <= len(partial) < 60
        assert set(partial["status"]) == {"ok"}
    else:
        assert proc.returncode == -signal.SIGKILL
    done = (out / STATE_FILE).read_bytes().count(b"\n")
    assert done < 60

    resumed = _spawn_batch(src, out, "--workers", "2", "--resume")
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err.decode()
    assert f"({done} reused" in err.decode()
    final, expected = _tables(out), _tables(clean)
    for name in TABLES:
        pd.testing.assert_frame_equal(final[name], expected[name])


# --- xuncha analyze FILE --------------------------------------------------------------------------
def test_analyze_command_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "通报.txt"
    path.write_text(RECTIFY, encoding="gb18030")
    assert analyze_main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "关于县供销社党委巡察整改进展情况的通报" in out
    assert "2024-06-30" in out


def test_analyze_command_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "news.txt"
    path.write_text(NEWS, encoding="utf-8")
    assert analyze_main([str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["document"]["path"] == str(path)
    assert {s["metric"] for s in data["stats"]} >= {"problems_found", "clues"}


@pytest.mark.parametrize(("argv", "code"), [(["{empty}"], 1), (["{missing}"], 1), ([], 2)],
                         ids=["empty_file", "missing_file", "no_argument"])
def test_analyze_command_failures(tmp_path: Path, argv: list[str], code: int,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    names = {"empty": tmp_path / "empty.txt", "missing": tmp_path / "missing.txt"}
    assert analyze_main([a.format(**names) for a in argv]) == code
    assert capsys.readouterr().err


def test_a_file_whose_analysis_fails_is_an_error_row_and_the_others_survive(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Files are analysed several at a time; one that breaks the analysis must not take the
    # others of its batch with it.
    analyze_module = sys.modules["xuncha_nlp.analyze"]  # the package re-exports analyze()
    src = _ok_folder(tmp_path / "in", 5)
    (src / "r002.txt").write_text("第2号\n这一份会让分析出错。", encoding="utf-8")
    real = analyze_module._script

    def brittle(norm: Any, counts: Any = None) -> Any:
        if "分析出错" in norm.text:
            raise RuntimeError("boom")
        return real(norm, counts)

    monkeypatch.setattr(analyze_module, "_script", brittle)
    results = analyze_folder(src, workers=1, progress=False)
    docs = results.documents.set_index("path")
    assert list(docs.index) == [f"r{i:03d}.txt" for i in range(5)]
    assert docs.loc["r002.txt", "status"] == "error"
    assert docs.loc["r002.txt", "reason"] == "analysis failed: RuntimeError: boom"
    assert (docs.drop(index="r002.txt")["status"] == "ok").all()
    assert set(results.phrases["path"]) == {f"r{i:03d}.txt" for i in (0, 1, 3, 4)}


# Run in a fresh interpreter: in this one, other tests have loaded every lexicon already.
_LOADS_AFTER_WARM_UP = """
import sys
from pathlib import Path
from xuncha_nlp import batch, resources
from tests.test_batch import make_folder

batch._warm_up()
warm = resources.read_rows.cache_info().misses
for rel, path in batch.list_files(make_folder(Path(sys.argv[1]))):
    batch._process_many([str(path)])
    late = resources.read_rows.cache_info().misses - warm
    if late:
        sys.exit(f"{rel} read {late} lexicon(s) that the warm-up had not")
"""


def test_warm_up_loads_every_lexicon_a_file_needs(tmp_path: Path) -> None:
    # Every kind of file in one process: a lexicon read at some later file would cost that
    # file's task the load (and makes the Dask once-per-process test fail at random).
    proc = subprocess.run([sys.executable, "-c", _LOADS_AFTER_WARM_UP, str(tmp_path / "in")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
