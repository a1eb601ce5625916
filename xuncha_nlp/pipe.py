"""``xuncha pipe``: JSON lines in, one JSON result line out per request, in order.

Each input line is a JSON object::

    {"id": "r1", "text": "2023年，县委巡察办……"}
    {"id": 7, "path": "reports/综述.docx", "tasks": ["stats", "phrases"], "top_k": 10}

``id`` (optional, any JSON scalar) is echoed back; exactly one of ``text`` and ``path``
(read by :func:`~xuncha_nlp.read_text`, so .txt in any common Chinese encoding, .docx, .pdf
and .html work); ``tasks`` (optional) a list of :data:`TASKS`, default ``["analyze"]``;
``top_k`` (optional) for ``phrases``; ``title`` (optional) for ``analyze``. Unknown keys are
an error, so a misspelt option is not silently ignored.

Each output line is ``{"id": …, "line": N, "ok": true, "results": {task: result, …}}`` or
``{"id": …, "line": N, "ok": false, "error": {"type": …, "message": …}}``, where ``line`` is
the 1-based input line number and the error type one of :data:`ERROR_TYPES`. Results are the
library's ``to_dict()`` shapes (``analyze``: :meth:`Analysis.to_dict`; ``stats``, ``phrases``,
``problems``: lists of those dicts, statistics with their Chinese ``label``; ``normalize``:
``{"text", "changes"}``). Every output line is flushed as soon as it is written, so a caller
can feed one request and wait for its answer.

A line that fails (not JSON, not an object, a missing or wrong field, an unreadable file)
gives an error line and the pipe goes on; it is also reported on stderr. Blank lines are
skipped without an answer. The exit status is 0 when every request succeeded and 1 when at
least one gave an error line (like the other commands: 1 means some input failed), so a job
can tell from the status alone whether to look at the errors.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import traceback
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any, Literal, cast, get_args

from .errors import ReadError

if TYPE_CHECKING:
    from .io import Document

__all__ = ["ERROR_TYPES", "TASKS", "Task", "add_pipe_arguments", "cli_pipe", "pipe_main",
           "run_pipe", "run_request"]

Task = Literal["analyze", "normalize", "stats", "phrases", "problems"]
TASKS: tuple[str, ...] = get_args(Task)
ERROR_TYPES = ("invalid_encoding", "invalid_json", "invalid_request", "read_error",
               "internal_error")
_KEYS = ("id", "text", "path", "tasks", "top_k", "title")
DEFAULT_TASKS: tuple[Task, ...] = ("analyze",)


class _LineError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _dumps(payload: Any) -> str:
    """One JSON line; text with lone surrogates (legal in JSON input, not in UTF-8) is
    written with \\u escapes instead of failing."""
    line = json.dumps(payload, ensure_ascii=False, allow_nan=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(payload, ensure_ascii=True, allow_nan=False)
    return line


def _task_names(values: Iterable[object]) -> tuple[Task, ...]:
    """The tasks named, each once, in order; ``ValueError`` naming the first unknown one."""
    names = tuple(dict.fromkeys(values))
    unknown = [t for t in names if t not in TASKS]
    if unknown or not names:
        first = f"unknown task {unknown[0]!r}" if unknown else "no task named"
        raise ValueError(f"{first}; valid tasks: {', '.join(TASKS)}")
    return cast(tuple[Task, ...], names)


def _parse_tasks(value: object, default: tuple[Task, ...]) -> tuple[Task, ...]:
    if value is None:
        return default
    if not isinstance(value, list) or not value or not all(isinstance(t, str) for t in value):
        raise _LineError("invalid_request", f"tasks must be a non-empty list of task names "
                         f"({', '.join(TASKS)})")
    try:
        return _task_names(value)
    except ValueError as exc:
        raise _LineError("invalid_request", str(exc)) from None


def _parse(request: object, default_tasks: tuple[Task, ...]
           ) -> tuple[str | None, str | None, tuple[Task, ...], int | None, str | None]:
    if not isinstance(request, dict):
        raise _LineError("invalid_request", f"each line must be a JSON object, not "
                         f"{_json_type(request)}")
    extra = [k for k in request if k not in _KEYS]
    if extra:
        raise _LineError("invalid_request", f"unknown key {extra[0]!r}; valid keys: "
                         f"{', '.join(_KEYS)}")
    text, path = request.get("text"), request.get("path")
    if (text is None) == (path is None):
        raise _LineError("invalid_request", "give exactly one of text and path")
    if text is not None and not isinstance(text, str):
        raise _LineError("invalid_request", f"text must be a string, not {_json_type(text)}")
    if path is not None and (not isinstance(path, str) or not path):
        raise _LineError("invalid_request", "path must be a non-empty string")
    top_k = request.get("top_k", 20)
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int)
                              or top_k < 0):
        raise _LineError("invalid_request", "top_k must be an integer >= 0 or null")
    title = request.get("title")
    if title is not None and not isinstance(title, str):
        raise _LineError("invalid_request", "title must be a string or null")
    return text, path, _parse_tasks(request.get("tasks"), default_tasks), top_k, title


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def run_request(request: object, *, default_tasks: tuple[Task, ...] = DEFAULT_TASKS
                ) -> dict[str, Any]:
    """The ``results`` of one request object (a parsed input line).

    Raises ``ValueError`` for a malformed request and :class:`~xuncha_nlp.errors.ReadError`
    when its file cannot be read.
    """
    try:
        text, path, tasks, top_k, title = _parse(request, default_tasks)
    except _LineError as exc:
        raise ValueError(str(exc)) from None
    return _run(_document(text, path), tasks, top_k, title)


def _document(text: str | None, path: str | None) -> Document:
    from .io import Document, read_text

    return read_text(path) if path is not None else Document.from_text(text or "")


def _run(doc: Document, tasks: tuple[Task, ...], top_k: int | None, title: str | None
         ) -> dict[str, Any]:
    from .normalize import normalize
    from .stats import labelled

    results: dict[str, Any] = {}
    if "analyze" in tasks:
        from .analyze import analyze

        analysis = analyze(doc, title=title)
        found = analysis.to_dict()
        found["stats"] = labelled(found["stats"])
        results["analyze"] = found
        # The other tasks start from the same normalised text; stats and problems are
        # what the analysis found already.
        norm = analysis.normalized
        results.update({t: found[t] for t in ("stats", "problems") if t in tasks})
    else:
        norm = normalize(doc.text)
    for task in tasks:
        if task in results:
            continue
        if task == "normalize":
            results[task] = {"text": norm.text, "changes": [c.to_dict() for c in norm.changes]}
        elif task == "stats":
            from .stats import extract_stats_normalized

            results[task] = labelled(s.to_dict() for s in extract_stats_normalized(norm))
        elif task == "phrases":
            from .phrases import extract_phrases_normalized

            results[task] = [p.to_dict() for p in extract_phrases_normalized(norm, top_k=top_k)]
        else:
            from .problems import find_problems_normalized

            results[task] = [p.to_dict() for p in find_problems_normalized(norm)]
    # In the order the request named them, whatever order they were computed in.
    return {t: results[t] for t in tasks}


def _answer(raw: str | bytes, number: int, default_tasks: tuple[Task, ...],
            stderr: IO[str]) -> dict[str, Any] | None:
    request_id: Any = None
    try:
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _LineError("invalid_encoding", f"line is not UTF-8 ({exc})") from None
        if not raw.strip():
            return None
        try:
            request = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise _LineError("invalid_json", f"not JSON: {exc}") from None
        if isinstance(request, dict):
            candidate = request.get("id")
            if isinstance(candidate, (str, int, float, bool)) or candidate is None:
                request_id = candidate
        text, path, tasks, top_k, title = _parse(request, default_tasks)
        # Only reading the file is the request's fault; a failure in the analysis is ours
        # (internal_error, with the traceback on stderr).
        try:
            doc = _document(text, path)
        except ReadError as exc:
            raise _LineError("read_error", str(exc)) from None
        except (TypeError, ValueError) as exc:  # e.g. a path holding a NUL character
            raise _LineError("invalid_request", str(exc)) from None
        results = _run(doc, tasks, top_k, title)
        return {"id": request_id, "line": number, "ok": True, "results": results}
    except _LineError as exc:
        kind, message = exc.kind, str(exc)
    except Exception as exc:  # a bug must not end the other requests' answers
        stderr.write(traceback.format_exc())
        kind, message = "internal_error", f"{type(exc).__name__}: {exc}"
    who = f"line {number}" + (f" (id {request_id!r})" if request_id is not None else "")
    stderr.write(f"xuncha pipe: {who}: {message}\n")
    stderr.flush()
    return {"id": request_id, "line": number, "ok": False,
            "error": {"type": kind, "message": message}}


def run_pipe(stdin: Iterable[str] | Iterable[bytes], stdout: IO[str], stderr: IO[str], *,
             default_tasks: Iterable[str] = DEFAULT_TASKS) -> int:
    """Answer every JSON line of ``stdin`` on ``stdout``, in order, flushing each answer.

    ``stdin`` may yield ``str`` or ``bytes`` lines (bytes are decoded as UTF-8 line by line,
    so one badly encoded line fails alone). ``default_tasks`` apply to lines without
    ``tasks``. Returns 0 when every request succeeded, 1 when any gave an error line.
    """
    try:
        defaults = _task_names(default_tasks)
    except ValueError as exc:
        raise ValueError(f"default_tasks: {exc}") from None
    status = 0
    for number, raw in enumerate(stdin, start=1):
        answer = _answer(raw, number, defaults, stderr)  # type: ignore[arg-type]
        if answer is None:
            continue
        if not answer["ok"]:
            status = 1
        stdout.write(_dumps(answer) + "\n")
        stdout.flush()
    return status


def add_pipe_arguments(parser: argparse.ArgumentParser) -> None:
    """``xuncha pipe [--tasks T,T…]``."""
    parser.add_argument("--tasks", default=",".join(DEFAULT_TASKS), metavar="T,T…",
                        help=f"tasks for lines that name none, comma-separated: "
                        f"{', '.join(TASKS)} (default analyze)")


def cli_pipe(args: argparse.Namespace, *, stdin: IO[bytes] | None = None,
             stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Handler of ``xuncha pipe``: 0 every line answered, 1 some line failed (error lines
    on stdout, reasons on stderr), 2 bad ``--tasks``."""
    err = stderr or sys.stderr
    try:
        tasks = _task_names(t.strip() for t in args.tasks.split(",") if t.strip())
    except ValueError as exc:
        err.write(f"xuncha pipe: --tasks {args.tasks!r}: {exc}\n")
        return 2
    # Bytes in, UTF-8 out, whatever the locale: other systems speak UTF-8 JSON.
    source = stdin if stdin is not None else sys.stdin.buffer
    if stdout is not None:
        return run_pipe(source, stdout, err, default_tasks=tasks)
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n",
                           write_through=True)
    try:
        return run_pipe(source, out, err, default_tasks=tasks)
    finally:
        with contextlib.suppress(BrokenPipeError):
            out.flush()
        out.detach()  # leave sys.stdout's buffer open for the interpreter to close


def pipe_main(argv: list[str] | None = None) -> int:
    """``xuncha pipe`` on its own (``python -m xuncha_nlp.pipe``)."""
    parser = argparse.ArgumentParser(prog="xuncha pipe", description="JSON lines in, one "
                                     "JSON result line out per line, in order.")
    add_pipe_arguments(parser)
    return cli_pipe(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(pipe_main())
