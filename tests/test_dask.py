"""xuncha_nlp.dask: the batch's tables on Dask (a LocalCluster of two worker processes, and a
`dask scheduler` + `dask worker` started here), and the partition function for dataframes."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import pandas as pd
import pytest
from distributed import Client, LocalCluster
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xuncha_nlp import batch
from xuncha_nlp import dask as xd
from xuncha_nlp.batch import TABLES, Results, analyze_folder, list_files, write_results
from xuncha_nlp.errors import XunchaError

from .io_fixtures import write_docx, write_pdf

# Our own texts in the genre's style.
SUMMARY = (
    "2023年度巡察工作综述\n"
    "一年来，市委巡察办统筹安排两轮常规巡察，覆盖市直单位18个、乡镇12个，"
    "共发现问题214个，移交问题线索27件，推动追回资金356.8万元。\n"
    "巡察发现，部分单位党组织落实意识形态工作责任制不到位，"
    "重大事项集体决策制度执行不严格。\n"
)
NEWS = (
    "县委第一巡察组进驻县卫健局\n"
    "2024年4月8日，县委第一巡察组进驻县卫健局开展常规巡察，巡察期间受理群众来信来访31件。\n"
)
FEEDBACK = (
    "關於十一屆縣委第二輪巡察反饋意見的整改報告\n"
    "巡察組指出，局黨組選人用人把關不嚴，幹部監督管理存在薄弱環節，發現問題十九個。\n"
)
HTML = (
    "<html><head><meta charset='utf-8'><title>区委巡察组反馈巡察情况</title></head><body>"
    "<p>区委第二巡察组向区住建局党组反馈巡察情况，指出工程项目招投标监管缺位，"
    "要求于2024年9月30日前完成整改。</p></body></html>"
)
# relative path -> expected status
EXPECTED = {
    "综述.txt": "ok",
    "gb18030.txt": "ok",
    "繁體.txt": "ok",
    "反馈/page.html": "ok",
    "反馈/通报.docx": "ok",
    "反馈/整改.pdf": "ok",
    "a/b/新闻.txt": "ok",
    "empty.txt": "error",
    "binary.txt": "error",
    "old.doc": "error",
}


def make_folder(root: Path) -> Path:
    (root / "反馈").mkdir(parents=True)
    (root / "a" / "b").mkdir(parents=True)
    (root / "综述.txt").write_text(SUMMARY, encoding="utf-8")
    (root / "gb18030.txt").write_bytes((NEWS + SUMMARY).encode("gb18030"))
    (root / "繁體.txt").write_bytes(FEEDBACK.encode("big5"))
    (root / "反馈" / "page.html").write_text(HTML, encoding="utf-8")
    write_docx(root / "反馈" / "通报.docx")
    write_pdf(root / "反馈" / "整改.pdf")
    (root / "a" / "b" / "新闻.txt").write_text(NEWS, encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (root / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    (root / ".hidden.txt").write_text(NEWS, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_folder(tmp_path_factory.mktemp("dask") / "in")


@pytest.fixture(scope="module")
def expected(folder: Path) -> Results:
    return analyze_folder(folder, workers=1, progress=False)


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster, set_as_default=False) as c:
        yield c


def canonical(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with every missing value as None, in a fixed order."""
    rows = [{k: (None if v is None or v is pd.NA or v != v else v) for k, v in row.items()}
            for row in frame.astype(object).to_dict("records")]
    return sorted(rows, key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True,
                                                 default=str))


# --- the bag on a LocalCluster of two processes ---------------------------------------------
@pytest.fixture(scope="module")
def cluster_frames(client: Client, folder: Path) -> dict[str, pd.DataFrame]:
    bag = xd.analyze_bag(list_files(folder), npartitions=5)
    frames = xd.to_frames(bag)
    computed = client.compute(list(frames.values()), sync=True)
    return dict(zip(frames, computed, strict=True))


def test_expected_folder(expected: Results) -> None:
    # The comparison below means something only if the folder has both kinds of rows.
    assert dict(zip(expected.documents["path"], expected.documents["status"],
                    strict=True)) == EXPECTED
    assert len(expected.stats) and len(expected.phrases) and len(expected.problems)


@pytest.mark.parametrize("table", TABLES)
def test_cluster_tables_equal_analyze_folder(cluster_frames: dict[str, pd.DataFrame],
                                             expected: Results, table: str) -> None:
    got = cluster_frames[table]
    assert list(got.columns) == list(getattr(expected, table).columns)
    assert canonical(got) == canonical(getattr(expected, table))


def dtypes(frame: pd.DataFrame) -> dict[str, str]:
    # By name: a categorical's categories differ from partition to partition.
    return {c: str(t) for c, t in frame.dtypes.items()}


@pytest.mark.parametrize("table", TABLES)
def test_cluster_tables_have_analyze_folders_dtypes(cluster_frames: dict[str, pd.DataFrame],
                                                    expected: Results, table: str) -> None:
    assert dtypes(cluster_frames[table]) == dtypes(getattr(expected, table))


@pytest.mark.parametrize("table", TABLES)
def test_meta_has_analyze_folders_dtypes(folder: Path, expected: Results, table: str) -> None:
    meta = xd.to_frames(xd.analyze_bag(list_files(folder)))[table]
    assert dtypes(meta) == dtypes(getattr(expected, table))


def test_run_on_scheduler_with_a_client_equals_analyze_folder(
        client: Client, folder: Path, expected: Results) -> None:
    got = xd.run_on_scheduler(folder, "**/*", client)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name))
    assert client.status == "running"  # a client passed in is left open


def test_workers_load_once_per_process(client: Client, folder: Path) -> None:
    files = list_files(folder)

    def one_round() -> dict[str, dict[str, int]]:
        bag = xd.analyze_bag([p for _, p in files], npartitions=len(files))
        assert len(bag.compute(scheduler=client)) == len(files)
        counts: dict[str, dict[str, int]] = client.run(xd._load_counts)
        return counts

    first = one_round()
    second = one_round()
    assert len({c["pid"] for c in second.values()}) == 2
    busy = [w for w, c in second.items() if c["tasks"]]
    assert busy, second
    for worker in busy:
        before, after = first[worker], second[worker]
        assert after["warm_ups"] == 1
        assert after["model_loads"] == 1
        assert after["lexicon_loads"] == before["lexicon_loads"]  # nothing read again
    assert sum(c["tasks"] for c in second.values()) >= 2 * len(files) > len(busy)


def test_a_worker_that_cannot_see_the_folder_is_named(client: Client, tmp_path: Path) -> None:
    with pytest.raises(XunchaError, match="cannot see"):
        xd._check_workers(client, "test", str(tmp_path / "nowhere"), 10)


# --- the bag, item by item (synchronous scheduler) ------------------------------------------
ITEMS = [
    # (id, item, kind, key, status, reason contains)
    ("text", SUMMARY, "auto", "#0", "ok", None),
    ("keyed text", ("县-2023", SUMMARY), "auto", "县-2023", "ok", None),
    ("blank text", "  \n", "auto", "#0", "error", "no text"),
    ("path object", "PATH", "auto", "PATH", "ok", None),
    ("str path", "STR", "path", "STR", "ok", None),
    ("keyed path", ("f1", "PATH"), "auto", "f1", "ok", None),
    ("missing file", "MISSING", "auto", "MISSING", "error", "no such file"),
    ("empty file", "EMPTY", "auto", "EMPTY", "error", "empty"),
]


@pytest.mark.parametrize(("item", "kind", "key", "status", "reason"),
                         [c[1:] for c in ITEMS], ids=[c[0] for c in ITEMS])
def test_bag_items(folder: Path, item: Any, kind: xd.ItemKind, key: str, status: str,
                   reason: str | None) -> None:
    paths = {"PATH": folder / "综述.txt", "STR": str(folder / "综述.txt"),
             "MISSING": folder / "nothing.txt", "EMPTY": folder / "empty.txt"}

    def real(value: Any) -> Any:
        return paths.get(value, value) if isinstance(value, str) else value

    item = (item[0], real(item[1])) if isinstance(item, tuple) else real(item)
    key = str(real(key))
    [record] = xd.analyze_bag([item], kind=kind).compute(scheduler="sync")
    assert record.key == key
    assert record.ok == (status == "ok")
    if reason is None:
        assert record.reason is None and record.analysis is not None
        assert record.analysis.stats or record.analysis.phrases
    else:
        assert reason in (record.reason or "")
    assert json.loads(json.dumps(record.to_dict(), ensure_ascii=False))["key"] == key


def test_str_under_auto_is_text_not_a_path(folder: Path) -> None:
    [record] = xd.analyze_bag([str(folder / "综述.txt")]).compute(scheduler="sync")
    assert record.analysis is not None and record.analysis.document.path is None


BAD_BAGS = [
    ("bytes item", [b"abc"], {}, TypeError, "decode it first"),
    ("int item", [3], {}, TypeError, "item 0 is int"),
    ("triple", [("a", "b", "c")], {}, TypeError, "tuple"),
    ("path as text", [Path("a.txt")], {"kind": "text"}, TypeError, "is a path"),
    ("bare str", "一段文字", {}, TypeError, "iterable"),
    ("kind", ["x"], {"kind": "file"}, ValueError, "auto, path, text"),
    ("npartitions 0", ["x"], {"npartitions": 0}, ValueError, "at least 1"),
    ("npartitions str", ["x"], {"npartitions": "2"}, TypeError, "npartitions"),
]


@pytest.mark.parametrize(("items", "kwargs", "exc", "words"), [c[1:] for c in BAD_BAGS],
                         ids=[c[0] for c in BAD_BAGS])
def test_bad_bag_input(items: Any, kwargs: dict[str, Any], exc: type[Exception],
                       words: str) -> None:
    with pytest.raises(exc, match=words):
        xd.analyze_bag(items, **kwargs)


def test_to_frames_wants_a_bag_of_records() -> None:
    import dask.bag as db

    with pytest.raises(TypeError, match="dask bag"):
        xd.to_frames([1, 2])  # type: ignore[arg-type]
    frames = xd.to_frames(db.from_sequence([1, 2]))
    with pytest.raises(TypeError, match="Analyzed records"):
        frames["documents"].compute(scheduler="sync")


def test_empty_input_gives_empty_tables() -> None:
    frames = xd.to_frames(xd.analyze_bag([]))
    for name, frame in zip(frames, dask.compute(*frames.values(), scheduler="sync"),
                           strict=True):
        assert frame.empty and list(frame.columns) == list(batch._columns(name))


# --- dataframes -----------------------------------------------------------------------------
ROWS = [
    # (id, text, status, reason contains)
    ("report", SUMMARY, "ok", None),
    ("traditional", FEEDBACK, "ok", None),
    ("none", None, "error", "missing"),
    ("nan", float("nan"), "error", "missing"),
    ("blank", " \u3000\n", "error", "no text"),
    ("number", 42, "error", "int, not str"),
    ("bytes", SUMMARY.encode(), "error", "bytes, not str"),
]


@pytest.fixture(scope="module")
def partition() -> pd.DataFrame:
    df = pd.DataFrame({"doc": [r[0] for r in ROWS], "body": [r[1] for r in ROWS]},
                      index=[100 + i for i in range(len(ROWS))])
    df["body"] = df["body"].astype(object)
    return xd.analyze_partition(df, "body", id_column="doc")


@pytest.mark.parametrize(("doc", "status", "reason"), [(r[0], r[2], r[3]) for r in ROWS],
                         ids=[r[0] for r in ROWS])
def test_partition_rows(partition: pd.DataFrame, doc: str, status: str,
                        reason: str | None) -> None:
    row = partition.set_index("id").loc[doc]
    assert row["status"] == status
    if reason is None:
        assert pd.isna(row["reason"])
        assert json.loads(row["stats"]) and row["n_stats"] == len(json.loads(row["stats"]))
    else:
        assert reason in row["reason"]
        assert [json.loads(row[c]) for c in xd.JSON_COLUMNS] == [[], [], []]


def test_partition_layout(partition: pd.DataFrame) -> None:
    assert tuple(partition.columns) == xd.partition_columns()
    assert dtypes(partition) == dtypes(xd.partition_meta())
    assert list(partition.index) == [100 + i for i in range(len(ROWS))]


def test_partition_json_holds_the_table_rows(partition: pd.DataFrame) -> None:
    frames = xd.to_frames(xd.analyze_bag([("report", SUMMARY)]))
    stats, problems = dask.compute(frames["stats"], frames["problems"], scheduler="sync")
    row = partition.set_index("id").loc["report"]
    for table, column in ((stats, "stats"), (problems, "problems")):
        rows = canonical(table.drop(columns="path"))
        assert canonical(pd.DataFrame(json.loads(row[column]))) == rows


def test_partition_ids_default_to_the_index() -> None:
    df = pd.DataFrame({"t": [NEWS, NEWS]}, index=["x", "y"])
    assert list(xd.analyze_partition(df, "t")["id"]) == ["x", "y"]


BAD_PARTITIONS = [
    ("not a frame", [NEWS], "t", None, TypeError, "pandas DataFrame"),
    ("no text column", pd.DataFrame({"t": [NEWS]}), "text", None, ValueError, "columns are t"),
    ("no id column", pd.DataFrame({"t": [NEWS]}), "t", "id", ValueError, "id_column"),
]


@pytest.mark.parametrize(("df", "text", "id_column", "exc", "words"),
                         [c[1:] for c in BAD_PARTITIONS], ids=[c[0] for c in BAD_PARTITIONS])
def test_bad_partition_input(df: Any, text: str, id_column: str | None, exc: type[Exception],
                             words: str) -> None:
    with pytest.raises(exc, match=words):
        xd.analyze_partition(df, text, id_column=id_column)


def test_map_partitions_equals_one_pandas_call() -> None:
    import dask.dataframe as dd

    df = pd.DataFrame({"id": [f"d{i}" for i in range(6)],
                       "text": [SUMMARY, NEWS, FEEDBACK, None, SUMMARY + NEWS, HTML]})
    ddf = dd.from_pandas(df, npartitions=3)
    out = xd.analyze_dataframe(ddf, "text", id_column="id")
    assert dtypes(out) == dtypes(xd.partition_meta())
    got = out.compute(scheduler="sync")
    pd.testing.assert_frame_equal(got, xd.analyze_partition(df, "text", id_column="id"))


def test_batches_for_spark() -> None:
    frames = [pd.DataFrame({"t": [NEWS]}), pd.DataFrame({"t": [SUMMARY, None]})]
    out = list(xd.analyze_batches(iter(frames), "t"))
    assert [len(f) for f in out] == [1, 2]
    names = [part.split(" ")[0].strip("`") for part in xd.spark_schema().split(", ")]
    assert tuple(names) == xd.partition_columns()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=60),
                          st.sampled_from([SUMMARY, NEWS, FEEDBACK])), max_size=5))
def test_partition_never_raises_and_keeps_one_row_per_input(values: list[Any]) -> None:
    df = pd.DataFrame({"t": pd.Series(values, dtype=object)})
    out = xd.analyze_partition(df, "t")
    assert len(out) == len(df) and list(out.index) == list(df.index)
    assert set(out["status"]) <= {"ok", "error"}
    assert dtypes(out) == dtypes(xd.partition_meta())


# --- without the extra ----------------------------------------------------------------------
def test_importing_loads_no_dask() -> None:
    code = ("import sys, xuncha_nlp, xuncha_nlp.dask\n"
            "loaded = [m for m in ('dask', 'distributed', 'pandas') if m in sys.modules]\n"
            "assert not loaded, loaded\n"
            "xuncha_nlp.dask.analyze_bag(['x'])\n"
            "import dask\n"
            "assert dask.__name__ == 'dask' and 'xuncha_nlp' not in dask.__file__, dask\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


@pytest.fixture
def no_dask(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("dask", "dask.bag", "dask.dataframe", "distributed"):
        monkeypatch.setitem(sys.modules, name, None)


NEEDS_DASK = [
    ("analyze_bag", lambda folder: xd.analyze_bag(["x"])),
    ("to_frames", lambda folder: xd.to_frames(object())),
    ("analyze_dataframe", lambda folder: xd.analyze_dataframe(object(), "t")),
    ("run_on_scheduler", lambda folder: xd.run_on_scheduler(folder, "**/*", "tcp://127.0.0.1:9")),
]


@pytest.mark.usefixtures("no_dask")
@pytest.mark.parametrize("call", [c[1] for c in NEEDS_DASK], ids=[c[0] for c in NEEDS_DASK])
def test_missing_extra_is_named(folder: Path, call: Any) -> None:
    with pytest.raises(ImportError, match=r"xuncha-nlp\[dask\]"):
        call(folder)


@pytest.mark.usefixtures("no_dask")
def test_partition_needs_no_dask() -> None:
    out = xd.analyze_partition(pd.DataFrame({"t": [NEWS]}), "t")
    assert list(out["status"]) == ["ok"]


# --- xuncha batch --scheduler against a scheduler and a worker started here ------------------
def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # the worker's nanny has a child: stop the group
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("cluster")
    info = tmp / "scheduler.json"
    common = {"stdout": subprocess.DEVNULL, "start_new_session": True, "cwd": tmp}
    started: list[subprocess.Popen[bytes]] = []
    try:
        started.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
             "--port", "0", "--no-dashboard", "--scheduler-file", str(info)],
            stderr=open(tmp / "scheduler.log", "wb"), **common))
        deadline = time.monotonic() + 30
        while not info.exists() or not info.read_text():
            if time.monotonic() > deadline or started[0].poll() is not None:
                pytest.fail("dask scheduler did not start: "
                            + (tmp / "scheduler.log").read_text(errors="replace")[-2000:])
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        started.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "1",
             "--nthreads", "2", "--no-dashboard", "--host", "127.0.0.1",
             "--local-directory", str(tmp)],
            stderr=open(tmp / "worker.log", "wb"), **common))
        yield address
    finally:
        for proc in reversed(started):
            _stop(proc)


def _batch_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="xuncha batch")
    batch.add_batch_arguments(parser)
    if "--scheduler" not in parser._option_string_actions:
        xd.add_scheduler_argument(parser)
    return parser.parse_args(argv)


def test_batch_on_a_running_cluster(scheduler: str, folder: Path, expected: Results,
                                    tmp_path: Path) -> None:
    import io

    err = io.StringIO()
    args = _batch_args([str(folder), "-o", str(tmp_path / "out"), "--scheduler", scheduler,
                        "--quiet"])
    assert xd.cmd_batch_scheduler(args, err=err) == 1  # the folder holds unreadable files
    assert "3 files failed" in err.getvalue() and "empty.txt" in err.getvalue()
    write_results(expected, tmp_path / "local", "csv")
    for name in TABLES:
        local = (tmp_path / "local" / f"{name}.csv").read_bytes()
        assert (tmp_path / "out" / f"{name}.csv").read_bytes() == local, name


USAGE = [
    ("resume", ["--resume"], "--resume"),
    ("workers", ["--workers", "2"], "--workers"),
]


@pytest.mark.parametrize(("extra", "words"), [u[1:] for u in USAGE], ids=[u[0] for u in USAGE])
def test_scheduler_usage_errors(folder: Path, tmp_path: Path, extra: list[str],
                                words: str) -> None:
    import io

    err = io.StringIO()
    args = _batch_args([str(folder), "-o", str(tmp_path), "--scheduler", "tcp://127.0.0.1:9",
                        *extra])
    assert xd.cmd_batch_scheduler(args, err=err) == 2
    assert words in err.getvalue()


def test_unreachable_scheduler(folder: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(XunchaError, match="cannot reach the Dask scheduler"):
        xd.run_on_scheduler(folder, "**/*", f"tcp://127.0.0.1:{port}", timeout=2)
