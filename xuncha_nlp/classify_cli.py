"""``xuncha train``, ``xuncha evaluate`` and ``xuncha problems``: thin commands over
:func:`~xuncha_nlp.training.train`, :func:`~xuncha_nlp.training.evaluate` and
:func:`~xuncha_nlp.problems.find_problems`.

``register(subparsers)`` adds the three subcommands to the main parser; each handler takes
the parsed arguments and returns the exit code (0 success, 1 some input failed).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .errors import XunchaError

__all__ = ["cmd_evaluate", "cmd_problems", "cmd_train", "register"]


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _err(line: str) -> None:
    sys.stderr.write(f"xuncha: {line}\n")


def _ngram_range(text: str) -> tuple[int, int]:
    try:
        lo, hi = (int(x) for x in text.split("-", 1)) if "-" in text else (int(text),) * 2
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected LOW-HIGH such as 1-2, got {text!r}") from None
    return lo, hi


def register(sub: Any) -> None:
    """Add ``train``, ``evaluate`` and ``problems`` to an argparse subparsers object."""
    p = sub.add_parser(
        "train", help="train a statement classifier on labelled statements",
        description="Train a classifier on LABELS (CSV or JSONL with text,label[,area]) and "
                    "save it to MODEL (.npz, loaded without unpickling).")
    p.add_argument("labels", metavar="LABELS")
    p.add_argument("-o", "--output", required=True, metavar="MODEL", help="where to save")
    p.add_argument("--classifier", choices=["svc", "logistic"], default=None,
                   help="linear model (default svc: LinearSVC with sigmoid calibration)")
    p.add_argument("--analyzer", choices=["char_wb", "char"], default=None)
    p.add_argument("--ngram-range", type=_ngram_range, default=None, metavar="LOW-HIGH",
                   help="character n-gram lengths (default 1-2)")
    p.add_argument("--min-df", type=int, default=None, help="keep n-grams seen this often")
    p.add_argument("-C", type=float, default=None, dest="C", help="inverse regularisation")
    p.add_argument("--cv", type=int, default=0, metavar="K",
                   help="also print the K-fold cross-validated macro-F1 of these settings")
    p.set_defaults(handler=cmd_train)

    p = sub.add_parser(
        "evaluate", help="per-category precision/recall/F1 and confusion table",
        description="Measure a classifier on LABELS. With -m MODEL: the model applied to "
                    "LABELS, plus K-fold cross-validation of its training settings on LABELS. "
                    "Without: cross-validation of the default training procedure, or the "
                    "keyword engine with --engine keyword.")
    p.add_argument("labels", metavar="LABELS")
    p.add_argument("-m", "--model", metavar="MODEL", default=None)
    p.add_argument("--engine", choices=["model", "keyword"], default=None)
    p.add_argument("--cv", type=int, default=5, metavar="K",
                   help="folds for cross-validation (0 to skip when -m is given)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(handler=cmd_evaluate)

    p = sub.add_parser(
        "problems", help="list the problem statements of report files, classified",
        description="Find the statements that describe a problem and classify each.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="one JSON object per problem")
    p.add_argument("--engine", choices=["model", "keyword"], default=None)
    p.add_argument("-m", "--model", metavar="MODEL", default=None,
                   help="a model trained with `xuncha train` (default: the shipped one)")
    p.set_defaults(handler=cmd_problems)


def cmd_train(args: argparse.Namespace) -> int:
    from .training import evaluate, train

    params = {k: v for k, v in (("classifier", args.classifier), ("analyzer", args.analyzer),
                                ("ngram_range", args.ngram_range), ("min_df", args.min_df),
                                ("C", args.C)) if v is not None}
    try:
        model = train(args.labels, **params)
        path = model.save(args.output)
        counts = model.info.get("counts", {})
        _out(f"trained on {model.info.get('size')} statements, {len(model.labels)} labels "
             f"({', '.join(f'{k} {v}' for k, v in counts.items())})")
        _out(f"{len(model.vocabulary)} n-grams; saved {path}")
        if args.cv:
            ev = evaluate(args.labels, model, cv=args.cv)
            _out(f"{len(ev.cv_folds)}-fold cross-validated macro-F1 of these settings: "
                 f"{ev.cv_macro_f1:.3f}")
    except (XunchaError, ValueError, OSError) as exc:
        _err(str(exc))
        return 1
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .training import evaluate

    try:
        cv = args.cv if args.cv and args.cv >= 2 else None
        if args.model is None and cv is None and args.engine != "keyword":
            cv = 5
        ev = evaluate(args.labels, args.model, engine=args.engine, cv=cv)
    except (XunchaError, ValueError, OSError) as exc:
        _err(str(exc))
        return 1
    if args.json:
        _out(json.dumps(ev.to_dict(), ensure_ascii=False))
    else:
        _out(ev.format())
    return 0


def cmd_problems(args: argparse.Namespace) -> int:
    from .classify import Classifier
    from .io import read_text
    from .normalize import normalize
    from .problems import find_problems_normalized

    try:
        classifier = Classifier(engine=args.engine, model=args.model)
        model = classifier.model  # load once, fail early
    except (XunchaError, ValueError) as exc:
        _err(str(exc))
        return 1
    status = 0
    for path in args.files:
        try:
            text = read_text(path).text
            found = find_problems_normalized(normalize(text), engine=classifier.engine,
                                             model=model)
        except XunchaError as exc:
            _err(str(exc))
            status = 1
            continue
        for p in found:
            if args.json:
                _out(json.dumps({"file": path, **p.to_dict()}, ensure_ascii=False))
                continue
            c = p.classification
            runner = f" (then {c.runner_up[0]} {c.runner_up[1]:.2f})" if c.runner_up else ""
            _out(f"{path}:{p.span[0]}-{p.span[1]}\t{c.category or '-'}\t{c.score:.2f}{runner}"
                 f"\t{p.text}")
    return status
