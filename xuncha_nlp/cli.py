"""The ``xuncha`` command: a thin layer over the library's functions.

Exit codes: 0 success, 1 some input failed (each failure is reported on stderr), 2 usage
error (argparse's own convention).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from ._version import __version__
from .errors import XunchaError

__all__ = ["main"]

_Handler = Callable[[argparse.Namespace], int]


def _echo(line: str = "", *, err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout
    stream.write(line + "\n")


def _read(path: str) -> str:
    from .io import read_text

    return read_text(path).text


def _cmd_normalize(args: argparse.Namespace) -> int:
    from .normalize import normalize

    status = 0
    for path in args.files:
        try:
            script = None if args.script == "none" else args.script
            result = normalize(_read(path), script=script)
        except XunchaError as exc:
            _echo(f"xuncha: {exc}", err=True)
            status = 1
            continue
        if args.json:
            record = {"file": path, **result.to_dict()}
            if not args.changes:
                record.pop("changes")
            record.pop("original")
            _echo(json.dumps(record, ensure_ascii=False))
            continue
        if len(args.files) > 1:
            _echo(f"==> {path} <==")
        _echo(result.text)
        if args.changes:
            _echo(f"\n--- {len(result.changes)} changes ---")
            for c in result.changes:
                _echo(f"{c.kind:<12}{c.span[0]:>8}-{c.span[1]:<8}{c.before!r} -> {c.after!r}")
    return status


def _cmd_phrases(args: argparse.Namespace) -> int:
    from .phrases import cli_phrases

    return cli_phrases(args.files, top_k=args.top_k, as_json=args.json, out=sys.stdout,
                       err=sys.stderr)


def _cmd_stats(args: argparse.Namespace) -> int:
    from .stats import cli_stats

    return cli_stats(args.files, args.json, sys.stdout, sys.stderr)


def _cmd_batch(args: argparse.Namespace) -> int:
    from . import batch

    if getattr(args, "scheduler", None):
        from .dask import cmd_batch_scheduler

        return cmd_batch_scheduler(args)
    return batch.cmd_batch(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xuncha",
        description="Mine Chinese reports on Party inspection work (巡视/巡察).",
    )
    parser.add_argument("--version", action="version", version=f"xuncha_nlp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("normalize", help="print the normalised text of report files",
                       description="Print normalised text: simplified script, artefacts removed.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--changes", action="store_true", help="also list every change made")
    p.add_argument("--script", default="t2s", choices=["t2s", "tw2s", "tw2sp", "hk2s", "none"],
                   help="OpenCC conversion (default t2s; none keeps the script)")
    p.add_argument("--json", action="store_true", help="one JSON object per file")
    p.set_defaults(handler=_cmd_normalize)

    p = sub.add_parser("phrases", help="print the key phrases of report files",
                       description="Key phrases: domain formulations, numbered formulations, "
                       "quoted terms of art and TF-IDF key terms, best first.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--top-k", type=int, default=20, help="phrases per file (default 20)")
    p.add_argument("--json", action="store_true", help="one JSON object per file")
    p.set_defaults(handler=_cmd_phrases)

    p = sub.add_parser("stats", help="list the statistics in report files",
                       description="Statistics with their meaning (metrics.md vocabulary): "
                       "problems found, clues, rates, funds, cases, people …")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="one JSON object per statistic")
    p.set_defaults(handler=_cmd_stats)

    from . import batch

    p = sub.add_parser("analyze", help="summary of one report (statistics, phrases, problems)",
                       description="Analyse one report: statistics, key phrases, problem "
                       "statements with categories, script, artefacts, title, dates.")
    batch.add_analyze_arguments(p)
    p.set_defaults(handler=batch.cmd_analyze)

    p = sub.add_parser("batch", help="analyse a folder of reports into tables",
                       description="Analyse every report under DIR (txt in any Chinese "
                       "encoding, docx, pdf, html) into tables: documents, stats, phrases, "
                       "problems, errors. Exit 0 when every file succeeded, 1 when some "
                       "failed (listed), 2 for usage errors.")
    batch.add_batch_arguments(p)
    from .dask import add_scheduler_argument

    add_scheduler_argument(p)
    p.set_defaults(handler=_cmd_batch)

    from .server import add_serve_arguments, cli_serve

    p = sub.add_parser("serve", help="serve the library over HTTP (FastAPI + uvicorn)",
                       description="HTTP service: /v1/analyze, /v1/normalize, /v1/stats, "
                       "/v1/phrases, /v1/classify, /v1/problems, /v1/metrics, /v1/taxonomy, "
                       "/healthz, /version; OpenAPI at /openapi.json. Needs the server extra.")
    add_serve_arguments(p)
    p.set_defaults(handler=cli_serve)

    from .pipe import add_pipe_arguments, cli_pipe

    p = sub.add_parser("pipe", help="JSON lines in, one JSON result line out per line, in order",
                       description='Read {"id": …, "text": …} or {"id": …, "path": …} lines on '
                       "stdin; write one JSON result line per input line; a bad line gives an "
                       "error line and the pipe goes on.")
    add_pipe_arguments(p)
    p.set_defaults(handler=cli_pipe)

    from .classify_cli import register

    register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler: _Handler = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        _echo("xuncha: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
