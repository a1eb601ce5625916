"""The batch on Dask: the tables of :func:`~xuncha_nlp.analyze_folder` computed by any Dask
scheduler (threads, processes, a cluster), and a partition function for dataframes (Dask's
``map_partitions``, Spark's ``mapInPandas``).

- :func:`analyze_bag` turns paths or texts into a bag of :class:`Analyzed` records; an input
  that cannot be read or analysed becomes a record with the reason, never an exception.
- :func:`to_frames` turns such a bag into dask DataFrames with the columns and dtypes of
  ``analyze_folder``'s tables (built by the same row builders).
- :func:`analyze_partition` maps a pandas DataFrame with a text column to one row per text
  (:func:`partition_columns`); :func:`analyze_dataframe` applies it to a dask DataFrame and
  :func:`analyze_batches` is the iterator form Spark's ``mapInPandas`` calls.
- :func:`run_on_scheduler` analyses a folder on a running Dask cluster (``xuncha batch DIR
  --scheduler tcp://HOST:PORT``).

Every task first warms its process up once (lexicons, segmenter, model), so a worker loads
them a single time however many tasks it runs. dask and distributed are the optional extra
``xuncha-nlp[dask]``, imported only inside the functions that need them: importing this module
is cheap, and :func:`analyze_partition` runs where dask is not installed (Spark executors).
"""

from __future__ import annotations

# This module is ``xuncha_nlp.dask``; imports are absolute (Python 3), so ``import dask``
# below is the top-level dask package, never this file.
import json
import math
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from typing import IO, TYPE_CHECKING, Any, Literal, cast, get_args

from . import batch
from .errors import XunchaError

if TYPE_CHECKING:
    import argparse
    from types import ModuleType

    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client

    from .analyze import Analysis

__all__ = [
    "ITEM_KINDS",
    "JSON_COLUMNS",
    "Analyzed",
    "ItemKind",
    "add_scheduler_argument",
    "analyze_bag",
    "analyze_batches",
    "analyze_dataframe",
    "analyze_partition",
    "cmd_batch_scheduler",
    "partition_columns",
    "partition_meta",
    "run_on_scheduler",
    "spark_schema",
    "to_frames",
]

ItemKind = Literal["auto", "path", "text"]
ITEM_KINDS: tuple[str, ...] = get_args(ItemKind)
# analyze_partition's per-document item tables, as JSON arrays of the tables' rows.
JSON_COLUMNS = ("stats", "phrases", "problems")
_EXTRA = ("dask and distributed are not installed; they are the optional extra "
          "`pip install 'xuncha-nlp[dask]'`")
# Tasks per worker thread when a folder is cut into tasks: enough to balance uneven files,
# few enough that scheduling overhead stays small next to analysing.
_TASKS_PER_THREAD = 4
_MAX_FILES_PER_TASK = 32


def _require_dask(*, frames: bool = False) -> None:
    """Fail here, naming the extra, not at compute time; dask.dataframe (slow to import)
    only for the functions that make DataFrames."""
    try:
        import dask
        import dask.bag
        if frames:
            import dask.dataframe  # noqa: F401
    except ImportError as exc:
        raise ImportError(_EXTRA) from exc


def _require_distributed() -> ModuleType:
    _require_dask()
    try:
        import distributed
    except ImportError as exc:
        raise ImportError(_EXTRA) from exc
    return distributed


# --- once per process ------------------------------------------------------------------------


@dataclass
class _Loads:
    """What this process did: warm-ups (loads of lexicons, segmenter and model) and tasks."""

    warm_ups: int = 0
    tasks: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


_LOADS = _Loads()


def _warm() -> None:
    """Load lexicons, segmenter and model on this process's first task.

    The loaders are cached per process already; the lock keeps two threads of one Dask
    worker from both loading them on their first task, and warming up before the first
    item keeps that cost out of the first document's task."""
    if _LOADS.warm_ups > 0:
        return
    with _LOADS.lock:
        if _LOADS.warm_ups > 0:  # another thread warmed up while this one waited
            return
        batch._warm_up()
        _LOADS.warm_ups += 1


def _load_counts() -> dict[str, int]:
    """This process's warm-ups, tasks and cache misses of the model and lexicon loaders (what
    the tests read on each worker with ``Client.run``)."""
    from .model import default_model
    from .resources import read_rows

    return {"warm_ups": _LOADS.warm_ups, "tasks": _LOADS.tasks, "pid": os.getpid(),
            "model_loads": default_model.cache_info().misses,
            "lexicon_loads": read_rows.cache_info().misses}


# --- the bag --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Analyzed:
    """One item of :func:`analyze_bag`.

    ``key`` names the item in the tables' ``path`` column (the path as given, the key of a
    ``(key, item)`` pair, or ``#<position>`` for a bare text); ``analysis`` is the
    :class:`~xuncha_nlp.Analysis`, or None when the item failed, in which case ``reason``
    says why and ``document`` holds what is known of the input (format, size, sha256,
    encoding).
    """

    key: str
    analysis: Analysis | None
    reason: str | None = None
    document: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.analysis is not None

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "ok": self.ok, "reason": self.reason,
                "document": dict(self.document),
                "analysis": self.analysis.to_dict() if self.analysis is not None else None}


_Spec = tuple[str, Literal["path", "text"], str]


def _spec(i: int, item: object, kind: ItemKind) -> _Spec:
    key: str | None = None
    value = item
    if isinstance(item, tuple):
        if len(item) != 2 or not isinstance(item[0], str):
            raise TypeError(f"analyze_bag(): item {i} is a tuple; use (key: str, path or text)")
        key, value = item
    if isinstance(value, os.PathLike):
        if kind == "text":
            raise TypeError(f"analyze_bag(kind='text'): item {i} is a path "
                            f"({type(value).__name__}), not a str")
        path: object = os.fspath(value)
        if not isinstance(path, str):
            raise TypeError(f"analyze_bag(): item {i} is a bytes path; use str paths")
        return (key if key is not None else path, "path", path)
    if isinstance(value, str):
        if kind == "path":
            return (key if key is not None else value, "path", value)
        return (key if key is not None else f"#{i}", "text", value)
    hint = " (decode it first, e.g. with xuncha_nlp.read_text)" if isinstance(
        value, (bytes, bytearray)) else ""
    raise TypeError(f"analyze_bag(): item {i} is {type(value).__name__}; expected a str "
                    f"text, an os.PathLike path or a (key, path or text) pair{hint}")


def _analyze_spec(spec: _Spec) -> Analyzed:
    """Read (a path) and analyse one item; any failure becomes a record, as in the batch."""
    from .analyze import analyze
    from .io import Document

    _warm()
    _LOADS.tasks += 1
    key, kind, value = spec
    failed: batch._Outcome | None = None
    if kind == "path":
        read = batch._read(value)
        if isinstance(read, batch._Outcome):
            return Analyzed(key, None, read.reason, read.document)
        doc = read
    else:
        doc = Document.from_text(value)
        if not value.strip():  # as read_text refuses a file without text
            failed = batch._document_failure(doc, "no text")
    if failed is None:
        try:
            return Analyzed(key, analyze(doc))
        except Exception as exc:  # one bad item must not lose the others
            failed = batch._document_failure(
                doc, f"analysis failed: {type(exc).__name__}: {exc}")
    return Analyzed(key, None, failed.reason, failed.document)


def analyze_bag(
    paths_or_texts: Iterable[str | os.PathLike[str] | tuple[str, str | os.PathLike[str]]],
    *,
    kind: ItemKind = "auto",
    npartitions: int | None = None,
) -> db.Bag:
    """A dask bag of :class:`Analyzed` records, one per item, in input order.

    An item is a report's text (``str``), a file (``os.PathLike``, e.g. ``pathlib.Path``),
    or a ``(key, text or path)`` pair naming it. With ``kind="auto"`` a ``str`` is TEXT:
    pass ``kind="path"`` when your file names are strings (``kind="text"`` refuses paths).
    Files are read on the workers, so every worker must see them. Items that cannot be read
    or analysed become records with ``reason`` set; nothing raises at compute time.
    ``npartitions`` defaults to dask's choice (about 100 partitions at most).

    Raises ``TypeError`` for an item of another type, ``ValueError`` for an unknown ``kind``
    or ``npartitions`` below 1, and ``ImportError`` naming the extra when dask is missing.
    """
    if kind not in ITEM_KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(ITEM_KINDS)}")
    if npartitions is not None:
        if isinstance(npartitions, bool) or not isinstance(npartitions, int):
            raise TypeError(f"npartitions must be int or None, not {type(npartitions).__name__}")
        if npartitions < 1:
            raise ValueError(f"npartitions must be at least 1, not {npartitions}")
    if isinstance(paths_or_texts, (str, bytes, os.PathLike)):
        raise TypeError("analyze_bag() takes an iterable of items; wrap a single text or "
                        "path in a list")
    specs = [_spec(i, item, kind) for i, item in enumerate(paths_or_texts)]
    _require_dask()
    import dask.bag as db

    if npartitions is not None:
        npartitions = min(npartitions, max(1, len(specs)))
    untyped: Any = db  # dask.bag has no annotations
    bag: db.Bag = untyped.from_sequence(specs, npartitions=npartitions).map(_analyze_spec)
    return bag


def _outcome(record: object) -> tuple[str, batch._Outcome]:
    if not isinstance(record, Analyzed):
        raise TypeError(f"to_frames() needs a bag of Analyzed records (from analyze_bag), "
                        f"found {type(record).__name__}")
    if record.analysis is None:
        return record.key, batch._Outcome(False, record.reason, dict(record.document))
    return record.key, batch._rows(record.analysis)


def _table_meta() -> dict[str, pd.DataFrame]:
    """The tables' empty frames, categoricals marked as having unknown categories (each
    partition has its own)."""
    from dask.dataframe import utils

    untyped: Any = utils.clear_known_categories  # no annotations
    return {name: cast("pd.DataFrame", untyped(frame))
            for name, frame in batch._build([]).tables().items()}


def _partition_tables(records: Iterable[object]) -> dict[str, pd.DataFrame]:
    # batch._build gives every table fixed dtypes, so each partition matches the meta.
    return batch._build([_outcome(r) for r in records]).tables()


def to_frames(bag: db.Bag) -> dict[str, dd.DataFrame]:
    """The tables of a bag from :func:`analyze_bag` as dask DataFrames, by name in
    :data:`~xuncha_nlp.batch.TABLES` order: ``documents``, ``stats``, ``phrases``,
    ``problems``, ``errors``, with the columns and dtypes of ``analyze_folder``'s tables
    (the ``path`` column holds the item's key).

    Rows keep the bag's order within a partition; the index restarts in every partition
    (reset it after computing). Compute the tables together (``dask.compute(*frames.values())``)
    or persist the bag first: computing them one by one analyses every item again.
    """
    _require_dask(frames=True)
    import dask
    import dask.bag as db
    import dask.dataframe as dd

    if not isinstance(bag, db.Bag):
        raise TypeError(f"to_frames() takes a dask bag from analyze_bag(), not "
                        f"{type(bag).__name__}")
    meta = _table_meta()
    from dask.delayed import delayed

    untyped: Any = bag  # dask.bag has no annotations
    parts = [delayed(_partition_tables)(p) for p in untyped.to_delayed(optimize_graph=True)]
    # dask would turn object columns into pyarrow strings; the tables keep analyze_folder's
    # dtypes. The setting is read when the collections are built, so it stays local here.
    with dask.config.set({"dataframe.convert-string": False}):
        return {name: dd.from_delayed([p[name] for p in parts], meta=meta[name])
                for name in batch.TABLES}


# --- dataframes: dask map_partitions, Spark mapInPandas --------------------------------------
@cache
def partition_columns() -> tuple[str, ...]:
    """The columns of :func:`analyze_partition`'s output: ``id``, then the ``documents``
    table's columns after ``path`` (status, reason, format, …, ``stat_<metric>``), then
    :data:`JSON_COLUMNS` (``stats``, ``phrases``, ``problems``: each a JSON array of that
    table's rows without ``path``)."""
    doc = batch._build([]).documents
    return ("id", *[c for c in doc.columns if c != "path"], *JSON_COLUMNS)


def partition_meta() -> pd.DataFrame:
    """An empty frame with :func:`analyze_partition`'s columns and dtypes (dask's ``meta``)."""
    frame = batch._build([]).documents.rename(columns={"path": "id"})
    text = frame["status"].dtype  # JSON columns are text like the others
    for name in JSON_COLUMNS:
        frame[name] = frame["status"].astype(text)
    return frame[list(partition_columns())]


def _row_failure(value: object) -> batch._Outcome | None:
    """The error row of a value that is no text to analyse, else None."""
    from .io import Document

    if _missing(value):
        return batch._Outcome(False, "no text (missing value)", {})
    if not isinstance(value, str):
        return batch._Outcome(False, f"text is {type(value).__name__}, not str", {})
    if not value.strip():
        return batch._document_failure(Document.from_text(value), "no text")
    return None


def _missing(value: object) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_scalar(value) and pd.isna(cast(Any, value)))


def _key(value: object) -> str:
    return "" if _missing(value) else str(value)


def analyze_partition(
    df: pd.DataFrame, text_column: str, *, id_column: str | None = None
) -> pd.DataFrame:
    """Analyse the texts in ``df[text_column]``: one output row per input row, same index.

    Columns (see :func:`partition_columns`): ``id`` (``df[id_column]`` as str, else the
    row's index label as str), the ``documents`` table's columns and dtypes (``status`` "ok"
    or "error", ``reason``, counts, ``top_phrases``, ``main_categories``, ``stat_<metric>``
    …), and ``stats``, ``phrases``, ``problems``: JSON arrays of those tables' rows. A
    missing, empty or non-str text gives status "error" with the reason; nothing raises
    for a bad row. Use with ``ddf.map_partitions(analyze_partition, "text",
    meta=partition_meta())`` (or :func:`analyze_dataframe`); needs pandas, not dask.

    Raises ``TypeError`` when ``df`` is not a pandas DataFrame and ``ValueError`` naming
    the columns when ``text_column`` or ``id_column`` is not one of them.
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"analyze_partition() takes a pandas DataFrame, not {type(df).__name__}")
    _check_columns(df.columns, text_column, id_column)
    if len(df):
        _warm()
    _LOADS.tasks += 1
    from .io import Document

    keys = [_key(k) for k in (df[id_column] if id_column is not None else df.index)]
    outcomes = [_row_failure(v) for v in df[text_column]]
    # The texts are analysed together, as analyze_folder analyses files (one model call).
    places = [i for i, out in enumerate(outcomes) if out is None]
    texts = df[text_column].to_list()
    analysed = batch._analyse_documents([Document.from_text(texts[i]) for i in places])
    for i, out in zip(places, analysed, strict=True):
        outcomes[i] = out
    items = [(k, cast(batch._Outcome, out)) for k, out in zip(keys, outcomes, strict=True)]
    # Only the documents table is built: the item tables go out as JSON.
    docs = batch._build([(k, replace(out, stats=[], phrases=[], problems=[]))
                         for k, out in items]).documents.rename(columns={"path": "id"})
    # _build shows undecodable file names as U+FFFD; an id is not a file name, keep it as is.
    text = docs["status"].dtype
    docs["id"] = pd.Series([k for k, _ in items], dtype=docs["id"].dtype, index=docs.index)
    for name in JSON_COLUMNS:
        docs[name] = pd.Series([json.dumps(getattr(o, name), ensure_ascii=False)
                                for _, o in items], dtype=text, index=docs.index)
    docs.index = df.index
    return docs[list(partition_columns())]


def _check_columns(columns: Iterable[Any], text_column: str, id_column: str | None) -> None:
    names = list(columns)
    for arg, column in (("text_column", text_column), ("id_column", id_column)):
        if column is not None and column not in names:
            raise ValueError(f"{arg} {column!r} is not a column; columns are "
                             f"{', '.join(map(str, names))}")


def analyze_batches(
    batches: Iterable[pd.DataFrame], text_column: str, *, id_column: str | None = None
) -> Iterator[pd.DataFrame]:
    """:func:`analyze_partition` over an iterator of frames: the function Spark's
    ``mapInPandas`` calls (schema: :func:`spark_schema`)."""
    for frame in batches:
        yield analyze_partition(frame, text_column, id_column=id_column)


def analyze_dataframe(
    ddf: dd.DataFrame, text_column: str, *, id_column: str | None = None
) -> dd.DataFrame:
    """:func:`analyze_partition` on every partition of a dask DataFrame, with its meta."""
    _require_dask(frames=True)
    import dask
    import dask.dataframe as dd

    if not isinstance(ddf, dd.DataFrame):
        raise TypeError(f"analyze_dataframe() takes a dask DataFrame, not {type(ddf).__name__}")
    _check_columns(ddf.columns, text_column, id_column)
    with dask.config.set({"dataframe.convert-string": False}):
        untyped: Any = ddf  # map_partitions has no annotations
        out: dd.DataFrame = untyped.map_partitions(analyze_partition, text_column,
                                                   id_column=id_column, meta=partition_meta())
    return out


def _spark_type(dtype: Any) -> str:
    import pandas as pd

    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "bigint"
    if pd.api.types.is_float_dtype(dtype):
        return "double"
    return "string"


def spark_schema() -> str:
    """:func:`analyze_partition`'s output as a Spark DDL schema string (for ``mapInPandas``)."""
    meta = partition_meta()
    return ", ".join(f"`{c}` {_spark_type(meta[c].dtype)}" for c in meta.columns)


# --- a folder on a running cluster ----------------------------------------------------------
def _probe(folder: str) -> tuple[str, bool]:
    from ._version import __version__

    return __version__, os.path.isdir(folder)


def _process_files(chunk: list[tuple[int, str]]) -> list[tuple[int, batch._Outcome]]:
    """The batch's own function for several files, after this worker process warmed up
    once."""
    _warm()
    _LOADS.tasks += 1
    outcomes = batch._process_many([path for _, path in chunk])
    return [(i, out) for (i, _), out in zip(chunk, outcomes, strict=True)]


def _connect(address: str, timeout: float) -> Client:
    distributed = _require_distributed()
    try:
        client: Client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise XunchaError(f"cannot reach the Dask scheduler at {address!r} within {timeout:g} s "
                          f"({type(exc).__name__}: {exc}); start one with `dask scheduler` "
                          "and `dask worker ADDRESS`") from None
    return client


def _check_workers(client: Client, address: str, folder: str, timeout: float) -> int:
    """The number of worker threads, after checking every worker can read ``folder`` and
    runs this version of xuncha_nlp."""
    from ._version import __version__

    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise XunchaError(f"no Dask worker joined the scheduler at {address!r} within "
                          f"{timeout:g} s; start one with `dask worker {address}`") from None
    try:
        answers: dict[str, tuple[str, bool]] = client.run(_probe, folder)
    except Exception as exc:  # a worker that cannot even import xuncha_nlp
        raise XunchaError(f"the Dask workers at {address!r} cannot run xuncha_nlp "
                          f"({type(exc).__name__}: {exc}); install xuncha-nlp[dask] "
                          "on every worker") from None
    for worker, (version, visible) in sorted(answers.items()):
        if version != __version__:
            raise XunchaError(f"Dask worker {worker} runs xuncha_nlp {version}, this client "
                              f"{__version__}; install the same version everywhere")
        if not visible:
            raise XunchaError(f"Dask worker {worker} cannot see {folder}; the workers read "
                              "the files themselves, so the folder must be on a filesystem "
                              "they share, under the same path")
    untyped: Any = client
    threads: dict[str, int] = untyped.nthreads()
    return max(1, sum(threads.values()))


def run_on_scheduler(
    folder: str | os.PathLike[str],
    pattern: str,
    address: str | Client,
    *,
    progress: bool = False,
    timeout: float = 30.0,
) -> batch.Results:
    """:func:`~xuncha_nlp.analyze_folder` on a running Dask cluster: the same tables.

    ``address`` is the scheduler's (``tcp://HOST:PORT``) or a ``distributed.Client`` already
    connected (left open). The files are listed here and read by the workers, so the
    folder must be visible to every worker under the same absolute path (a shared
    filesystem); this is checked first, with the workers' xuncha_nlp version. ``timeout``
    bounds connecting and waiting for a first worker. ``progress`` shows a bar on stderr.

    Raises :class:`~xuncha_nlp.XunchaError` when the scheduler cannot be reached, no worker
    joins, or a worker cannot see the folder or runs another version; ``ImportError``
    naming the extra when dask or distributed is missing.
    """
    files = batch.list_files(folder, pattern)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    distributed = _require_distributed()
    if isinstance(address, distributed.Client):
        client, own = address, False
        shown = str(address.scheduler.address if address.scheduler else address)
    elif isinstance(address, str):
        client, own, shown = _connect(address, timeout), True, address
    else:
        raise TypeError(f"address must be a scheduler address (str) or a distributed.Client, "
                        f"not {type(address).__name__}")
    paths = [os.path.abspath(p) for _, p in files]
    collector = batch._Collector()  # rows packed as they come, as in analyze_folder
    bar = batch._progress(len(files), progress)
    try:
        threads = _check_workers(client, shown, os.path.abspath(folder), timeout)
        size = max(1, min(_MAX_FILES_PER_TASK,
                          math.ceil(len(paths) / (threads * _TASKS_PER_THREAD))))
        chunks = [list(enumerate(paths[s:s + size], start=s))
                  for s in range(0, len(paths), size)]
        futures = client.map(_process_files, chunks, pure=False)
        for future in distributed.as_completed(futures, loop=client.loop):
            for i, out in future.result():
                collector.add(i, files[i][0], out)
                bar.update(1)
            future.release()
    finally:
        bar.close()
        if own:
            client.close()
    return collector.results()


# --- command line -------------------------------------------------------------------------------
def add_scheduler_argument(parser: argparse.ArgumentParser) -> None:
    """``--scheduler ADDRESS`` for ``xuncha batch``."""
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run on a running Dask cluster, e.g. tcp://10.0.0.5:8786 (needs "
                        "xuncha-nlp[dask]; every worker must see DIR under the same path)")


def cmd_batch_scheduler(args: argparse.Namespace, *, err: IO[str] | None = None) -> int:
    """``xuncha batch DIR -o OUT --scheduler ADDRESS``: exit codes as ``xuncha batch`` (0 every
    file analysed, 1 some failed or the cluster could not be used, 2 usage error)."""
    import sys
    from pathlib import Path

    err = err or sys.stderr
    folder, output = Path(args.folder), Path(args.output)
    if args.resume:
        err.write("xuncha batch: --resume is not available with --scheduler\n")
        return 2
    if args.workers is not None:
        err.write("xuncha batch: --workers does not apply with --scheduler (the cluster's "
                  "workers do the work)\n")
        return 2
    if not batch._usable_paths(folder, output, err):
        return 2
    try:
        _require_distributed()
    except ImportError as exc:
        err.write(f"xuncha batch: --scheduler: {exc}\n")
        return 2
    try:
        results = run_on_scheduler(folder, args.pattern, args.scheduler,
                                   progress=not args.quiet)
    except (TypeError, ValueError) as exc:
        err.write(f"xuncha batch: {exc}\n")
        return 2
    except XunchaError as exc:
        err.write(f"xuncha batch: {exc}\n")
        return 1
    if not batch._write_tables(results, output, args.format, err):
        return 1
    ok = int((results.documents["status"] == "ok").sum())
    err.write(f"xuncha batch: {ok} of {len(results.documents)} files analysed on "
              f"{args.scheduler}; tables in {output}\n")
    return batch.report_failures(results, err)
