"""A folder of reports in, one set of tables out: ``analyze_folder`` and the ``xuncha
analyze`` / ``xuncha batch`` commands.

Every file the pattern matches gets a row in ``documents``, read or not: a file that cannot
be read (empty, binary, corrupt, scanned, not permitted, unsupported type …) has status
``error`` and the reason, and is also listed in ``errors``. Hidden files and files inside
hidden directories (a name starting with ``.``) are skipped, so ``.git``, ``.DS_Store`` and
our own ``.xuncha-state.jsonl`` never count as reports.

Files are analysed in worker processes; at most a few tasks per worker are in flight, so
memory does not grow with the number of files waiting. Each worker reads its file itself and
sends back plain rows (no texts), and the parent orders them by relative path, so the tables
are the same whatever the number of workers or the order in which files finish.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import operator
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, get_args

from ._version import __version__
from .errors import ReadError, XunchaError

if TYPE_CHECKING:
    import pandas as pd

    from .analyze import Analysis
    from .io import Document

__all__ = [
    "OUTPUT_FORMATS",
    "STATE_FILE",
    "TABLES",
    "OutputFormat",
    "Results",
    "add_analyze_arguments",
    "add_batch_arguments",
    "analyze_folder",
    "analyze_main",
    "batch_main",
    "cmd_analyze",
    "cmd_batch",
    "list_files",
    "write_results",
]

OutputFormat = Literal["csv", "parquet", "jsonl", "xlsx"]
OUTPUT_FORMATS: tuple[str, ...] = get_args(OutputFormat)
TABLES = ("documents", "stats", "phrases", "problems", "errors")
STATE_FILE = ".xuncha-state.jsonl"
# Tasks in flight per worker: enough to keep every worker busy while the parent collects.
IN_FLIGHT_PER_WORKER = 4
# Files per task, at most: one task per file costs the parent (which shares the CPUs with
# the workers) a queue round trip each; a few per task, and the last tasks still spread out.
MAX_FILES_PER_TASK = 8
_STATE_SCHEMA = 1

# --- table layouts: fixed columns, so empty tables and every run have the same shape --------
_DOC_COLUMNS = (
    "path", "status", "reason", "format", "encoding", "title", "size", "sha256", "chars",
    "script", "script_share", "artefacts", "n_stats", "n_phrases", "n_problems", "n_dates",
    "first_date", "last_date", "top_phrases", "main_categories",
)
_STAT_COLUMNS = ("path", "metric", "label", "value", "value_max", "unit", "approximate",
                 "redacted", "scope", "quote", "start", "end", "sentence", "rule")
_PHRASE_COLUMNS = ("path", "rank", "phrase", "kind", "source", "score", "count", "start",
                   "end")
_PROBLEM_COLUMNS = ("path", "index", "text", "statement", "category", "label", "area",
                    "score", "runner_up", "runner_up_score", "cues", "evidence", "marker",
                    "start", "end")
_ERROR_COLUMNS = ("path", "reason", "format", "size")
_DTYPES: dict[str, dict[str, str]] = {
    "documents": {"size": "Int64", "chars": "Int64", "script_share": "Float64",
                  "artefacts": "Int64", "n_stats": "Int64", "n_phrases": "Int64",
                  "n_problems": "Int64", "n_dates": "Int64"},
    "stats": {"value": "Float64", "value_max": "Float64", "approximate": "bool",
              "redacted": "bool", "start": "int64", "end": "int64"},
    "phrases": {"rank": "int64", "score": "float64", "count": "int64", "start": "Int64",
                "end": "Int64"},
    "problems": {"index": "int64", "score": "float64", "runner_up_score": "Float64",
                 "start": "int64", "end": "int64"},
    "errors": {"size": "Int64"},
}


def _doc_columns() -> tuple[str, ...]:
    from .analyze import CHANGE_KINDS
    from .stats import METRICS

    return (_DOC_COLUMNS[:12] + tuple(f"artefacts_{k}" for k in CHANGE_KINDS)
            + _DOC_COLUMNS[12:] + tuple(f"stat_{m}" for m in METRICS))


def _columns(table: str) -> tuple[str, ...]:
    return {"documents": _doc_columns(), "stats": _STAT_COLUMNS, "phrases": _PHRASE_COLUMNS,
            "problems": _PROBLEM_COLUMNS, "errors": _ERROR_COLUMNS}[table]


# --- one file -> plain rows (what a worker sends back and the state file keeps) ----------
@dataclass(frozen=True)
class _Outcome:
    """The rows of one file, JSON-safe and without its path (added when tables are built,
    so a renamed file found again by its hash gets its new name)."""

    ok: bool
    reason: str | None
    document: dict[str, Any]
    stats: list[dict[str, Any]] = field(default_factory=list)
    phrases: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "reason": self.reason, "document": self.document,
                "stats": self.stats, "phrases": self.phrases, "problems": self.problems}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> _Outcome:
        return cls(bool(data["ok"]), data["reason"], dict(data["document"]),
                   list(data["stats"]), list(data["phrases"]), list(data["problems"]))


def _rows(analysis: Analysis) -> _Outcome:
    from .stats import metric_labels

    summary = analysis.summary()
    for key in ("path",):
        summary.pop(key)
    labels = metric_labels()
    stats = [{"metric": s.metric, "label": labels.get(s.metric, s.metric), "value": s.value,
              "value_max": s.value_max, "unit": s.unit, "approximate": s.approximate,
              "redacted": s.redacted, "scope": s.scope, "quote": s.quote,
              "start": s.span[0], "end": s.span[1], "sentence": s.sentence, "rule": s.rule}
             for s in analysis.stats]
    phrases = [{"rank": i, "phrase": p.text, "kind": p.kind, "source": p.source,
                "score": p.score, "count": p.count,
                "start": p.spans[0][0] if p.spans else None,
                "end": p.spans[0][1] if p.spans else None}
               for i, p in enumerate(analysis.phrases, start=1)]
    problems = []
    for i, p in enumerate(analysis.problems, start=1):
        c = p.classification
        problems.append({
            "index": i, "text": p.text, "statement": p.statement, "category": c.category,
            "label": c.label, "area": c.area, "score": round(c.score, 6),
            "runner_up": c.runner_up[0] if c.runner_up else None,
            "runner_up_score": round(c.runner_up[1], 6) if c.runner_up else None,
            "cues": "；".join(p.cues), "evidence": "；".join(c.evidence), "marker": p.marker,
            "start": p.span[0], "end": p.span[1]})
    return _Outcome(True, None, summary, stats, phrases, problems)


def _error(reason: str, path: str) -> _Outcome:
    from .io import EXTENSIONS

    size: int | None
    try:
        size = os.stat(path).st_size
    except OSError:
        size = None
    # The hash of a readable file lets --resume skip it next time: same bytes, same failure.
    return _Outcome(False, reason, {"format": EXTENSIONS.get(Path(path).suffix.lower()),
                                    "size": size, "sha256": _sha256(Path(path))})


def _process_many(paths: Sequence[str]) -> list[_Outcome]:
    """Read and analyse files, together (see analyze._analyze_many); any failure becomes
    an error row, never an exception."""
    outcomes: list[_Outcome | None] = []
    docs: list[Document] = []
    places: list[int] = []
    for path in paths:
        read = _read(path)
        if isinstance(read, _Outcome):
            outcomes.append(read)
        else:
            places.append(len(outcomes))
            docs.append(read)
            outcomes.append(None)
    for i, out in zip(places, _analyse_documents(docs), strict=True):
        outcomes[i] = out
    return [out for out in outcomes if out is not None]


def _analyse_documents(docs: Sequence[Document]) -> list[_Outcome]:
    """The rows of each document, analysed together; one that fails is analysed again on
    its own so that only it becomes an error row."""
    from .analyze import _analyze_many, analyze

    try:
        analyses: list[Analysis] | None = _analyze_many(docs)
    except Exception:  # one bad document must not lose the others: try each on its own
        analyses = None
    outcomes = []
    for k, doc in enumerate(docs):
        try:
            outcomes.append(_rows(analyze(doc) if analyses is None else analyses[k]))
        except Exception as exc:  # one bad file must not lose the others
            outcomes.append(_document_failure(
                doc, f"analysis failed: {type(exc).__name__}: {exc}"))
    return outcomes


def _document_failure(doc: Document, reason: str) -> _Outcome:
    """The error row of a document that was read but not analysed."""
    return _Outcome(False, reason, {"format": doc.format, "size": doc.size,
                                    "sha256": doc.sha256, "encoding": doc.encoding})


def _read(path: str) -> Document | _Outcome:
    from .io import read_text

    try:
        return read_text(path)
    except ReadError as exc:
        return _error(exc.reason or str(exc), path)
    except OSError as exc:
        return _error(f"cannot read ({exc.strerror or exc})", path)


# A short head line (checked against the furniture cues) and a report sentence with a
# problem, statistics and a date: every lexicon the analysis reads gets loaded.
_WARM_TEXT = ("来源：县纪委监委网站\n"
              "巡察发现，2024年3月5日该局党组落实主体责任不到位，发现问题12个，移交问题线索3件。")


def _warm_up() -> None:
    """Load what reading and analysing a file needs, once per process, before the first
    file: lexicons, segmenter, model, the decoder's table of common characters and the web
    page block cues (which only a GB18030, Big5 or HTML file would otherwise load, at some
    later file)."""
    from .analyze import analyze
    from .encoding import decode_bytes
    from .html import html_to_text

    decode_bytes(_WARM_TEXT.encode("gb18030"))
    html_to_text(f"<html><body><p>{_WARM_TEXT}</p></body></html>")
    analyze(_WARM_TEXT)


def _init_worker() -> None:
    """:func:`_warm_up`. Ctrl-C is the parent's to handle: it stops handing out files and
    writes what finished."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _warm_up()


# --- finding files ------------------------------------------------------------------------
def list_files(root: str | os.PathLike[str], pattern: str = "**/*") -> list[tuple[str, Path]]:
    """(relative POSIX path, path) of every file under ``root`` whose relative path matches
    the glob ``pattern`` (``**`` for any number of folders), sorted by relative path.

    Hidden files and folders are skipped. Symlinked folders are followed (pathlib's glob
    does not, which would lose their files without a word), each real folder once, so a
    link back up the tree cannot loop.
    """
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"analyze_folder() takes a folder path, not {type(root).__name__}")
    if not isinstance(pattern, str):
        raise TypeError(f"pattern must be str, not {type(pattern).__name__}")
    if not pattern or Path(pattern).is_absolute():
        raise ValueError(f"pattern must be a relative glob such as '**/*.txt', not {pattern!r}")
    base = Path(root)
    if not base.is_dir():
        raise ValueError(f"{os.fspath(root)!r} is not a folder")
    segments = [s for s in pattern.replace(os.sep, "/").split("/") if s and s != "."]
    found: list[tuple[str, Path]] = []
    seen: set[str] = set()
    for folder, dirs, files in os.walk(base, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            dirs.clear()
            continue
        seen.add(real)
        # Sorted, so that of two paths to one folder the same one always wins.
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel_folder = Path(folder).relative_to(base).parts
        for name in files:
            if name.startswith("."):
                continue
            parts = (*rel_folder, name)
            if _glob_match(parts, segments):
                found.append(("/".join(parts), Path(folder, name)))
    return sorted(found)


def _glob_match(parts: Sequence[str], segments: Sequence[str]) -> bool:
    """Whether path parts match glob segments, ``**`` standing for zero or more folders."""
    if not segments:
        return not parts
    head, rest = segments[0], segments[1:]
    if head == "**":
        return any(_glob_match(parts[i:], rest) for i in range(len(parts) + 1))
    return bool(parts) and fnmatchcase(parts[0], head) and _glob_match(parts[1:], rest)


def _workers(workers: int | None, n_files: int) -> int:
    if workers is None:
        try:
            cpus = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cpus = os.cpu_count() or 1
        return max(1, min(cpus, n_files))
    if isinstance(workers, bool) or not isinstance(workers, int):
        raise TypeError(f"workers must be int or None, not {type(workers).__name__}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1 (or None for one per CPU), not {workers}")
    return max(1, min(workers, n_files))


# --- progress ----------------------------------------------------------------------------------
class _Counter:
    """A plain ``n/total files`` line on stderr, for when tqdm is not installed."""

    def __init__(self, total: int) -> None:
        self.total, self.n = total, 0

    def update(self, n: int = 1) -> None:
        self.n += n
        sys.stderr.write(f"\r{self.n}/{self.total} files")
        if self.n == self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.n != self.total:
            sys.stderr.write("\n")


class _Silent:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, enabled: bool) -> _Counter | _Silent | Any:
    if not enabled:
        return _Silent()
    try:
        from tqdm import tqdm
    except ImportError:
        return _Counter(total)
    return tqdm(total=total, unit="file", file=sys.stderr, dynamic_ncols=True)


# --- running ----------------------------------------------------------------------------------
def _run(paths: Sequence[str], workers: int) -> Iterator[tuple[int, _Outcome]]:
    """(index into ``paths``, outcome) as files finish, in completion order."""
    if workers == 1:
        for first in range(0, len(paths), MAX_FILES_PER_TASK):
            yield from enumerate(_process_many(paths[first:first + MAX_FILES_PER_TASK]),
                                 start=first)
        return
    # Imported here: importing xuncha_nlp should not pay for the process pool machinery.
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    if sys.platform.startswith("linux"):
        # Warm up once here and fork: every worker inherits the loaded lexicons, segmenter
        # and model (shared copy-on-write) instead of paying ~1 s of start-up each. The
        # parent holds no lock a worker would need (tqdm's monitor thread only prints).
        _warm_up()
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("spawn")
    limit = workers * IN_FLIGHT_PER_WORKER
    # Enough tasks that each worker gets many, so none idles while another finishes the last.
    size = max(1, min(MAX_FILES_PER_TASK, len(paths) // (workers * 32)))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_init_worker)
    pending: dict[Future[list[_Outcome]], int] = {}
    todo = iter(range(0, len(paths), size))

    def top_up() -> None:
        for first in todo:
            pending[pool.submit(_process_many, paths[first:first + size])] = first
            if len(pending) >= limit:
                break

    try:
        top_up()
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                first = pending.pop(fut)
                yield from enumerate(fut.result(), start=first)
            top_up()
    finally:
        for fut in pending:
            fut.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class Results:
    """The tables of :func:`analyze_folder`, each a pandas DataFrame sorted by ``path``
    (the file's path relative to the folder, with ``/``):

    ``documents`` one row per file matched (``status`` "ok" or "error", ``reason``, format,
    encoding, title, size, sha256, counts, top phrases, main categories and ``stat_<metric>``
    key figures); ``stats``, ``phrases`` and ``problems`` one row per item found; ``errors``
    one row per file that failed, with the reason.
    """

    documents: pd.DataFrame
    stats: pd.DataFrame
    phrases: pd.DataFrame
    problems: pd.DataFrame
    errors: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name, in :data:`TABLES` order."""
        return {name: getattr(self, name) for name in TABLES}

    @property
    def failed(self) -> list[str]:
        """Paths of the files that could not be analysed."""
        return [str(p) for p in self.errors["path"]]


def _display(rel: str) -> str:
    # A file name that is not valid UTF-8 arrives with surrogate escapes, which no output
    # format can store; show the undecodable bytes as U+FFFD instead.
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


# Files whose rows are held as Python objects before they are packed into Arrow columns:
# memory then grows by the packed size of a file (a few KB), not by its row dicts.
CHUNK_FILES = 256
# Columns whose values repeat from row to row (the few metric, kind or category names, the
# sentence shared by the figures it holds): categorical, so each distinct value is stored
# once. Not ``path``: selecting a file's rows by path must not leave every other path behind
# as an unused category.
_CATEGORICAL = {
    "stats": ("metric", "label", "unit", "scope", "sentence", "rule"),
    "phrases": ("kind", "source"),
    "problems": ("category", "label", "area", "runner_up", "marker"),
}


def _dtype(table: str, column: str) -> str | None:
    """The pandas dtype of a column, None for text."""
    if table == "documents" and column.startswith("stat_"):
        return "Float64"
    if table == "documents" and column.startswith("artefacts_"):
        return "Int64"
    return _DTYPES.get(table, {}).get(column)


def _arrow_type(table: str, column: str) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped]

    dtype = _dtype(table, column)
    if dtype is None:
        return pa.string()
    return {"Int64": pa.int64(), "int64": pa.int64(), "Float64": pa.float64(),
            "float64": pa.float64(), "bool": pa.bool_()}[dtype]


class _Collector:
    """The rows of finished files, gathered in any order and packed into Arrow tables every
    :data:`CHUNK_FILES` files; :meth:`results` sorts them by file index into DataFrames.

    Kept compact because a folder may hold many thousands of reports: text columns end up
    as pyarrow-backed strings (no Python object per cell) and a stats sentence is stored
    once however many figures it holds.
    """

    def __init__(self) -> None:
        self._names = {name: ("_order", *_columns(name)) for name in TABLES}
        self._cells = {name: operator.itemgetter(*self._names[name][2:])
                       for name in ("stats", "phrases", "problems")}
        self._rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLES}
        self._chunks: dict[str, list[Any]] = {name: [] for name in TABLES}
        self._files = 0
        self.count = 0

    def add(self, order: int, rel: str, out: _Outcome) -> None:
        """Keep the rows of file number ``order`` (its place in the final tables)."""
        path = _display(rel)
        doc = out.document
        self._rows["documents"].append(
            (order, path, "ok" if out.ok else "error", out.reason,
             *[doc.get(c) for c in self._names["documents"][4:]]))
        if not out.ok:
            self._rows["errors"].append((order, path, out.reason, doc.get("format"),
                                         doc.get("size")))
        for table in ("stats", "phrases", "problems"):
            rows = getattr(out, table)
            try:  # a report has dozens of rows: one C call per row instead of one per cell
                cells = [(order, path, *self._cells[table](r)) for r in rows]
            except KeyError:  # a row lacking a column (e.g. from an older state file)
                columns = self._names[table][2:]
                cells = [(order, path, *[r.get(c) for c in columns]) for r in rows]
            self._rows[table].extend(cells)
        self._files += 1
        self.count += 1
        if self._files >= CHUNK_FILES:
            self._pack()

    def _pack(self) -> None:
        import pyarrow as pa

        for name in TABLES:
            rows = self._rows[name]
            if not rows:
                continue
            names = self._names[name]
            repeated = _CATEGORICAL.get(name, ())
            arrays = []
            for c, values in zip(names, zip(*rows, strict=True), strict=True):
                array = pa.array(values, type=pa.int64() if c == "_order"
                                 else _arrow_type(name, c))
                arrays.append(array.dictionary_encode() if c in repeated else array)
            self._chunks[name].append(pa.table(arrays, names=list(names)))
            rows.clear()
        self._files = 0

    def results(self) -> Results:
        """The tables, rows ordered by file index (then as the file gave them)."""
        import numpy as np
        import pandas as pd
        import pyarrow as pa

        self._pack()
        text = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' "str"
        frames: dict[str, pd.DataFrame] = {}
        for name in TABLES:
            names = self._names[name]
            chunks, self._chunks[name] = self._chunks[name], []
            if chunks:
                table = pa.concat_tables(chunks)
            else:
                table = pa.table([pa.array([], type=pa.int64() if c == "_order"
                                           else _arrow_type(name, c)) for c in names],
                                 names=list(names))
            del chunks
            table = table.take(table.column("_order").to_numpy().argsort(kind="stable"))
            frame = table.drop_columns(["_order"]).to_pandas(
                types_mapper={pa.string(): text}.get)
            del table
            types = {c: _dtype(name, c) or str(frame[c].dtype) for c in frame.columns}
            frame = frame.astype(types)
            for column in _CATEGORICAL.get(name, ()):
                # categories in sorted order, whichever file came first
                values = frame[column].astype("category").cat
                frame[column] = values.reorder_categories(sorted(values.categories))
            frames[name] = frame
        return Results(**frames)


def _build(items: Sequence[tuple[str, _Outcome]]) -> Results:
    """The tables of (relative path, outcome) pairs, in the order given."""
    collector = _Collector()
    for order, (rel, out) in enumerate(items):
        collector.add(order, rel, out)
    return collector.results()


def analyze_folder(
    path: str | os.PathLike[str],
    *,
    pattern: str = "**/*",
    workers: int | None = None,
    progress: bool = True,
) -> Results:
    """Analyse every report under ``path`` (see :func:`xuncha_nlp.analyze`) and return the
    tables as :class:`Results`.

    ``pattern`` is a glob relative to ``path`` (``"**/*"``: every file in every subfolder;
    hidden files and folders are skipped). Every matched file appears in ``documents``;
    files that cannot be read or analysed have status ``error`` and appear in ``errors``.
    ``workers`` processes analyse files in parallel (None: one per CPU; 1: in this process);
    results are ordered by relative path whatever the number of workers. ``progress``
    shows a bar on stderr (tqdm when installed, else a counter).
    """
    files = list_files(path, pattern)
    n = _workers(workers, len(files))
    collector = _Collector()
    bar = _progress(len(files), progress)
    try:
        for i, out in _run([str(p) for _, p in files], n):
            collector.add(i, files[i][0], out)
            bar.update(1)
    finally:
        bar.close()
    return collector.results()


# --- writing tables ---------------------------------------------------------------------------
def _atomic(target: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file beside ``target`` and rename it into place, so a reader
    never sees half a file and an interrupted write leaves the old one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _plain(frame: pd.DataFrame) -> list[list[Any]]:
    """Rows with pandas' missing values as None (for openpyxl)."""
    import pandas as pd

    return [[None if v is pd.NA or (isinstance(v, float) and v != v) else v for v in row]
            for row in frame.astype(object).itertuples(index=False, name=None)]


def _write_xlsx(results: Results, tmp: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    for name, frame in results.tables().items():
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        for row in _plain(frame):
            cells = []
            for value in row:
                if isinstance(value, str):
                    # Excel refuses control characters; a leading "=" would become a formula.
                    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                    cell.data_type = "s"
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    book.save(tmp)


def write_results(results: Results, out: str | os.PathLike[str], fmt: OutputFormat) -> list[Path]:
    """Write the tables into folder ``out`` (created if needed), each file atomically.

    ``csv``: one file per table, UTF-8 with BOM so Excel shows Chinese; ``parquet`` and
    ``jsonl`` likewise; ``xlsx``: one workbook ``results.xlsx`` with a sheet per table.
    Returns the files written.
    """
    if fmt not in OUTPUT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        target = folder / "results.xlsx"
        _atomic(target, lambda tmp: _write_xlsx(results, tmp))
        return [target]
    written = []
    for name, frame in results.tables().items():
        target = folder / f"{name}.{fmt}"
        _atomic(target, _table_writer(frame, fmt))
        written.append(target)
    return written


def _table_writer(frame: pd.DataFrame, fmt: OutputFormat) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        if fmt == "csv":
            frame.to_csv(tmp, index=False, encoding="utf-8-sig")
        elif fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_json(tmp, orient="records", lines=True, force_ascii=False)

    return write


# --- resume state -------------------------------------------------------------------------------
def _read_state(path: Path) -> dict[str, _Outcome]:
    """Finished outcomes by content hash; lines from another version, or cut short by a
    kill, are ignored (those files are simply analysed again)."""
    known: dict[str, _Outcome] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return known
    except (OSError, UnicodeDecodeError) as exc:
        raise XunchaError(f"{path}: cannot read the resume state ({exc}); delete it to start "
                          "afresh") from None
    for line in lines:
        try:
            entry = json.loads(line)
            if entry.get("schema") != _STATE_SCHEMA or entry.get("version") != __version__:
                continue
            known[entry["sha256"]] = _Outcome.from_json(entry["outcome"])
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return known


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _state_key(out: _Outcome, fallback: str | None) -> str | None:
    key = out.document.get("sha256") or fallback
    return key if isinstance(key, str) else None


# --- command line ------------------------------------------------------------------------------
def add_analyze_arguments(parser: argparse.ArgumentParser) -> None:
    """``xuncha analyze FILE [--json]``."""
    parser.add_argument("file", metavar="FILE", help="a report (.txt, .docx, .pdf, .html)")
    parser.add_argument("--json", action="store_true",
                        help="print the whole analysis as JSON instead of a summary")


def add_batch_arguments(parser: argparse.ArgumentParser) -> None:
    """``xuncha batch DIR -o OUT [--format F] [--workers N] [--resume] [--pattern GLOB]``."""
    parser.add_argument("folder", metavar="DIR", help="folder of reports")
    parser.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="folder for the tables (created if needed)")
    parser.add_argument("--format", default="csv", choices=OUTPUT_FORMATS,
                        help="csv (default, UTF-8 with BOM), parquet, jsonl or xlsx")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="worker processes (default: one per CPU; 1: no subprocesses)")
    parser.add_argument("--resume", action="store_true",
                        help=f"skip files already done in OUT/{STATE_FILE} (by content hash)")
    parser.add_argument("--pattern", default="**/*", metavar="GLOB",
                        help="which files, relative to DIR (default **/*)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _text_summary(a: Analysis, out: IO[str]) -> None:
    from .stats import metric_labels

    s = a.summary()
    labels = metric_labels()
    lines = [
        f"title      {s['title'] or '-'}",
        f"format     {s['format']}  encoding {s['encoding'] or '-'}  {s['size']:,} bytes  "
        f"{s['chars']:,} characters",
        f"script     {s['script']} ({s['script_share']:.1%} converted); artefacts repaired "
        f"{s['artefacts']}" + "".join(f", {k} {v}" for k, v in a.artefacts.items() if v),
        f"dates      {', '.join(d.iso for d in a.dates) or '-'}",
        f"phrases    {s['top_phrases'] or '-'}",
        f"problems   {s['n_problems']}" + (
            " (" + ", ".join(f"{k} {v}" for k, v in a.category_counts().items()) + ")"
            if a.problems else ""),
        f"stats      {s['n_stats']}",
    ]
    for metric, value in a.key_stats().items():
        shown = "redacted" if value is None else f"{value:g}"
        lines.append(f"  {labels.get(metric, metric)}\t{shown}")
    out.write("\n".join(lines) + "\n")


def cmd_analyze(args: argparse.Namespace, *, out: IO[str] | None = None,
                err: IO[str] | None = None) -> int:
    """Handler of ``xuncha analyze``: 0 done, 1 the file could not be read."""
    from .analyze import analyze
    from .io import read_text

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        analysis = analyze(read_text(args.file))
    except XunchaError as exc:
        err.write(f"xuncha analyze: {exc}\n")
        return 1
    if args.json:
        out.write(json.dumps(analysis.to_dict(), ensure_ascii=False) + "\n")
    else:
        _text_summary(analysis, out)
    return 0


def _usable_paths(folder: Path, output: Path, err: IO[str]) -> bool:
    """Check the command's DIR and -o OUT, reporting a usage error on ``err``."""
    if not folder.is_dir():
        err.write(f"xuncha batch: {str(folder)!r} is not a folder\n")
        return False
    if output.exists() and not output.is_dir():
        err.write(f"xuncha batch: -o {str(output)!r} exists and is not a folder\n")
        return False
    return True


def cmd_batch(args: argparse.Namespace, *, err: IO[str] | None = None) -> int:
    """Handler of ``xuncha batch``: 0 every file analysed, 1 some failed (listed on
    stderr), 2 usage error, 130 interrupted (tables hold the files finished so far)."""
    err = err or sys.stderr
    folder = Path(args.folder)
    output = Path(args.output)
    if not _usable_paths(folder, output, err):
        return 2
    try:
        files = list_files(folder, args.pattern)
        n_workers = _workers(args.workers, len(files))
    except (TypeError, ValueError) as exc:
        err.write(f"xuncha batch: {exc}\n")
        return 2
    output.mkdir(parents=True, exist_ok=True)
    state_path = output / STATE_FILE
    try:
        known = _read_state(state_path) if args.resume else {}
    except XunchaError as exc:
        err.write(f"xuncha batch: {exc}\n")
        return 2

    # Outcomes go straight into the collector (packed as they come), not kept per file.
    collector = _Collector()
    reused: dict[int, _Outcome] = {}
    todo: list[int] = []
    hashes: dict[int, str | None] = {}
    for i, (_, p) in enumerate(files):
        if known:
            digest = _sha256(p)
            hashes[i] = digest
            if digest is not None and digest in known:
                reused[i] = known[digest]
                continue
        todo.append(i)
    known.clear()
    skipped = len(reused)
    interrupted = False
    bar = _progress(len(todo), not args.quiet)
    # Replace the state with what is reused, then append each file as it finishes, so a
    # killed run keeps every file it finished.
    def keep(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as f:
            for i, o in reused.items():
                _append_state(f, o, _state_key(o, hashes.get(i)))

    _atomic(state_path, keep)
    for i, o in reused.items():
        collector.add(i, files[i][0], o)
    reused.clear()
    with open(state_path, "a", encoding="utf-8") as state:
        try:
            for k, o in _run([str(files[i][1]) for i in todo], n_workers):
                i = todo[k]
                collector.add(i, files[i][0], o)
                _append_state(state, o, _state_key(o, hashes.get(i)))
                bar.update(1)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            bar.close()
    finished = collector.count
    results = collector.results()
    if not _write_tables(results, output, args.format, err):
        return 1
    ok = int((results.documents["status"] == "ok").sum())
    err.write(f"xuncha batch: {ok} of {len(files)} files analysed"
              + (f" ({skipped} reused from an earlier run)" if skipped else "")
              + f"; tables in {output}\n")
    if interrupted:
        err.write(f"xuncha batch: interrupted after {finished} of {len(files)} files; "
                  "run again with --resume to finish\n")
        return 130
    return report_failures(results, err)


def _write_tables(results: Results, output: Path, fmt: OutputFormat, err: IO[str]) -> bool:
    """write_results for the batch commands: False, said on ``err``, when it fails."""
    try:
        write_results(results, output, fmt)
    except (OSError, ImportError) as exc:
        err.write(f"xuncha batch: cannot write {fmt} tables into {output}: {exc}\n")
        return False
    return True


def report_failures(results: Results, err: IO[str]) -> int:
    """List the failed files on ``err``; the exit code: 1 when some failed, else 0."""
    if not len(results.errors):
        return 0
    err.write(f"xuncha batch: {len(results.errors)} files failed:\n")
    for path, reason in zip(results.errors["path"], results.errors["reason"], strict=True):
        err.write(f"  {path}: {reason}\n")
    return 1


def _append_state(state: IO[str], out: _Outcome, key: str | None) -> None:
    if key is None:  # unreadable: nothing identifies its content, so it is tried again
        return
    entry = {"schema": _STATE_SCHEMA, "version": __version__, "sha256": key,
             "outcome": out.to_json()}
    state.write(json.dumps(entry, ensure_ascii=False) + "\n")
    state.flush()


def _standalone(prog: str, add: Callable[[argparse.ArgumentParser], None],
                argv: Sequence[str] | None) -> argparse.Namespace | int:
    parser = argparse.ArgumentParser(prog=prog)
    add(parser)
    try:
        return parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2


def analyze_main(argv: Sequence[str] | None = None) -> int:
    """``xuncha analyze`` on its own (for tests and ``python -m``)."""
    args = _standalone("xuncha analyze", add_analyze_arguments, argv)
    return args if isinstance(args, int) else cmd_analyze(args)


def batch_main(argv: Sequence[str] | None = None) -> int:
    """``xuncha batch`` on its own (for tests and ``python -m``)."""
    args = _standalone("xuncha batch", add_batch_arguments, argv)
    return args if isinstance(args, int) else cmd_batch(args)
