"""The statistic lexicons, compiled: the small pattern language of stat_rules.tsv and the
engine extract_stats runs (see :mod:`xuncha_nlp.stats`).

Everything here is built once per process from ``data/lexicons/`` (metrics.tsv,
stat_rules.tsv, stat_words.tsv, stat_counters.tsv, stat_scopes.tsv, approximations.tsv);
a malformed line raises :class:`~xuncha_nlp.errors.LexiconError` naming file and line.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, get_args

from . import resources
from .errors import LexiconError
from .numbers import NUMERAL, NUMERAL_CHARS, RANGE_SEPARATORS, approximation_words

Metric = Literal[
    "problems_found", "problems_rectified", "rectification_rate", "clues", "coverage_rate",
    "units_inspected", "rounds", "round_no", "cases_filed", "persons_disciplined",
    "persons_accountable", "persons_judicial", "funds_recovered", "rules_revised",
    "persons_talked",
]
#: Every metric name, in the order of metrics.md. Names are stable API.
METRICS: tuple[str, ...] = get_args(Metric)

RULES_FILE = "stat_rules.tsv"
ORDINAL = "ordinal"
_ANY = "*"
WINDOW = 80          # characters of context a rule may see on each side of a number
CLAUSE = "，。；：！？,;:!?\n"
MAGNITUDE_CHARS = "十百千万亿"

# --- the compiled lexicons ----------------------------------------------------------------------
# A gate: None (no test), a literal that must occur, or a regex of words one of which must.
Gate = str | re.Pattern[str] | None


@dataclass(frozen=True)
class Rule:
    metric: str | None          # the metric given or blocked; None blocks every metric
    blocks: bool
    left: re.Pattern[str] | None
    right: re.Pattern[str] | None
    source: str                 # "stat_rules.tsv:57"
    example: str
    left_gate: Gate = None      # what the left window must contain for the pattern to match
    right_gate: Gate = None
    reach: int = 0              # the longest text the left pattern can match
    in_clause: bool = False     # neither pattern can cross ，or ； — only the clause matters
    right_fixed: bool = False   # the right pattern starts with a word, not a gap

    def could_fit(self, left: str, right: str) -> bool:
        """The cheap test: False when a gate rules the rule out before any regex runs."""
        return passes(self.left_gate, left) and passes(self.right_gate, right)


def passes(gate: Gate, window: str) -> bool:
    if gate is None:
        return True
    if isinstance(gate, str):
        return gate in window
    return gate.search(window) is not None


CLAUSE_ENDS = "，；"  # not ：, which <FILL> may hold (发现问题：46个)


def _in_clause(pattern: re.Pattern[str] | None) -> bool:
    """Whether no match of ``pattern`` can contain ， or ； (so that only the number's own
    clause need be searched): true of every shorthand gap but ``…``; a character class must
    exclude both (or not name them), and ``.`` must not occur."""
    if pattern is None:
        return True
    source = pattern.pattern
    if "." in re.sub(r"\\.|\[(?:\\.|[^\]])*\]", "", source):
        return False
    for negated, body in re.findall(r"\[(\^?)((?:\\.|[^\]])*)\]", source):
        if negated and not all(ch in body for ch in CLAUSE_ENDS):
            return False
        if not negated and any(ch in body for ch in CLAUSE_ENDS):
            return False
    outside = re.sub(r"\[(?:\\.|[^\]])*\]", "", source)
    return not any(ch in outside for ch in CLAUSE_ENDS)


def _reach(pattern: re.Pattern[str] | None) -> int:
    """How far back from the end of a window a ``...$`` pattern can start matching.

    Searching only that tail instead of the whole window is what makes the many short
    blockers ([这那每…]$) nearly free.
    """
    if pattern is None:
        return 0
    try:
        parser: Any = importlib.import_module("re._parser")
    except ImportError:  # Python < 3.11
        parser = importlib.import_module("sre_parse")
    try:
        return int(min(parser.parse(pattern.pattern).getwidth()[1], WINDOW))
    except Exception:  # a private parser changed: fall back to the whole window
        return WINDOW


@dataclass(frozen=True)
class BlockSet:
    """Blockers of one counter (and metric), merged where that is cheap: those that only look a
    character or two back ([这那每…]$, [“‘「]$) into one regex searched at the tail of the left
    window, those that only look at the words right after the number (个月, 个方面, 件次) into
    one regex matched at its start; the others are tried one by one, most failing their gate."""

    short_left: re.Pattern[str] | None
    fixed_right: re.Pattern[str] | None
    others: tuple[Rule, ...]

    @classmethod
    def of(cls, rules: Sequence[Rule]) -> BlockSet:
        short = [r for r in rules if r.left is not None and r.right is None and r.reach <= 2]
        fixed = [r for r in rules if r.right is not None and r.left is None and r.right_fixed]
        return cls(
            re.compile("|".join(r.left.pattern for r in short if r.left)) if short else None,
            re.compile("|".join(f"(?:{r.right.pattern})" for r in fixed if r.right)) if fixed
            else None,
            tuple(r for r in rules if r not in short and r not in fixed),
        )

    def fits(self, left: str, right: str) -> bool:
        if self.short_left is not None and self.short_left.search(left, max(0, len(left) - 2)):
            return True
        if self.fixed_right is not None and self.fixed_right.match(right):
            return True
        return any(fits(r, left, right) for r in self.others)


_HAN = re.compile(r"[\u3400-\u9fff]")


def _group_end(pattern: str, i: int) -> int:
    """Index of the ``)`` closing the group opened at ``i`` (-1 if there is none)."""
    depth = 0
    j = i
    while j < len(pattern):
        ch = pattern[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "[":
            j = pattern.index("]", j + 1)
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return -1


def _gate(pattern: str, classes: Mapping[str, tuple[str, ...]]) -> Gate:
    """What a window must contain for ``pattern`` to match it, as cheaply testable as possible.

    Checking ``'线索' in window`` costs a fraction of a regex call, and most rules fail it.
    The candidates are the parts every match must contain: a literal run, a group of plain
    literal branches (巡察|巡视), a word class (<FIND>); a character followed by a quantifier
    and anything inside an optional group do not count. The most selective wins: a single
    literal, else the smallest set of words (tested with one compiled alternation).
    """
    options: list[tuple[str, ...]] = []
    run = ""
    depth = 0
    i = 0
    n = len(pattern)

    def flush() -> None:
        nonlocal run
        if run:
            options.append((run,))
        run = ""

    while i < n:
        ch = pattern[i]
        if ch == "\\":
            flush()
            i += 2
            continue
        if ch == "[":
            flush()
            i = pattern.index("]", i + 1) + 1
            continue
        token = re.match(r"<([A-Z_]+)>", pattern[i:]) if ch == "<" else None
        if token is not None:
            flush()
            end = i + token.end()
            if depth == 0 and pattern[end:end + 1] not in ("?", "*", "+", "{"):
                if token.group(1) in classes:
                    options.append(classes[token.group(1)])
            i = end
            continue
        if ch == "(":
            flush()
            if depth == 0:
                close = _group_end(pattern, i)
                if close > 0 and pattern[close + 1:close + 2] not in ("?", "*", "+", "{"):
                    branches = pattern[i + 1:close].split("|")
                    if all(b and all(_HAN.match(x) for x in b) for b in branches):
                        options.append(tuple(branches))
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return None  # an alternation at top level: nothing is certain
        elif ch in "?*{+" and depth == 0:
            run = run[:-1]
            flush()
        elif depth == 0 and _HAN.match(ch):
            run += ch
        else:
            flush()
        i += 1
    flush()
    if not options:
        return None
    best = min(options, key=lambda words: (len(words) > 1, len(words), -min(map(len, words))))
    if len(best) == 1:
        return best[0]
    return re.compile(_alt(sorted(set(best), key=len, reverse=True)))


@dataclass(frozen=True)
class Scope:
    pattern: re.Pattern[str]
    trim: bool
    gate: Gate = None


@dataclass(frozen=True, eq=False)  # hashed by identity, so it can key a cache
class Engine:
    hits: re.Pattern[str]                       # pass 1: a counter after a numeral character
    candidates: re.Pattern[str]                 # pass 2: the whole number, matched in place
    back_chars: frozenset[str]                  # what a number may extend back over
    before: re.Pattern[str]                     # 近/约/超过 right before a number
    before_magnitude: re.Pattern[str]           # 几/数 right before 十/百/千
    before_last: frozenset[str]                 # last characters of those words: a cheap gate
    cue_words: re.Pattern[str]
    cue_metrics: dict[str, tuple[str, ...]]     # cue word -> metrics it opens
    ordinal_sep: re.Pattern[str]
    rules: dict[str, tuple[Rule, ...]]         # counter -> positive rules, in file order
    blockers: dict[str, BlockSet]              # counter -> blockers of every metric ("!")
    metric_blockers: dict[tuple[str, str], BlockSet]  # (counter, metric) -> "!metric"
    units: dict[str, str]                       # counter -> reported unit
    metric_counters: dict[str, frozenset[str]]
    formula: re.Pattern[str]
    formula_first: frozenset[str]               # first characters of the formulations
    scopes: tuple[Scope, ...]
    scope_trim: re.Pattern[str]
    inherit_stop: re.Pattern[str]
    back_link: re.Pattern[str]
    forward_link: re.Pattern[str]
    all_rules: tuple[Rule, ...] = field(default=())


def _words(classes: Mapping[str, tuple[str, ...]], name: str, where: str) -> str:
    try:
        words = classes[name]
    except KeyError:
        raise LexiconError(
            f"{where}: unknown word class <{name}>; stat_words.tsv defines "
            f"{', '.join(sorted(classes))}"
        ) from None
    return "(?:" + "|".join(map(re.escape, words)) + ")"


def _expander(classes: Mapping[str, tuple[str, ...]], counters: str) -> Any:
    """A function turning the rule shorthand (<NAME>, ~, ~~, ≈, …, <NUM>, <NC>, <ASPECT>)
    into regex source."""
    w = approximation_words()
    after = "|".join(map(re.escape, w.after)) or "(?!)"
    counted = (f"(?:{NUMERAL})(?:{after})?[{MAGNITUDE_CHARS}]*(?:{counters})")
    # A gap stays inside one clause and one list item (no 、), never steps over a counted
    # number, and takes a bracketed aside such as 县（市、区） as one piece.
    # Only a numeral character pays for the look-ahead; any other character passes at once.
    digits = re.escape(NUMERAL_CHARS)
    no_count = (f"(?:[^{CLAUSE}、（）(){digits}]|(?!{counted})[{digits}]"
                f"|[（(][^（）()，；]{{0,12}}[）)])")
    builtins = {
        "NUM": f"(?:{NUMERAL})",
        "NC": counted,
        "ASPECT": (f"(?:(?:{NUMERAL})(?:个|大)?(?:方面|大类|类|领域|板块)(?:的)?、?)"),
    }
    # Between a verb and its keyword a list of descriptors may stand (党的建设、作风建设方面).
    descriptor = (f"(?:[^{CLAUSE}（）(){digits}]|(?!{counted})[{digits}]"
                  f"|[（(][^（）()，；]{{0,12}}[）)])")
    token = re.compile(r"<([A-Z_]+)>|~~|~|…|≈")

    def expand(pattern: str, where: str) -> str:
        def sub(m: re.Match[str]) -> str:
            text = m.group()
            if text == "~~":
                return no_count + "{0,16}?"
            if text == "~":
                return no_count + "{0,8}?"
            if text == "…":
                return "[^。；！？!?%\n]{0,30}?"
            if text == "≈":
                return descriptor + "{0,30}?"
            name = m.group(1)
            return builtins[name] if name in builtins else _words(classes, name, where)

        return token.sub(sub, pattern)

    return expand


def _compile(source: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(source)
    except re.error as exc:
        raise LexiconError(f"{where}: bad pattern ({exc}): {source!r}") from None


def _alt(words: Sequence[str]) -> str:
    return "|".join(map(re.escape, words)) or "(?!)"


def _word_classes() -> dict[str, tuple[str, ...]]:
    classes: dict[str, tuple[str, ...]] = {}
    for lineno, (name, words) in _numbered_rows("stat_words.tsv", 2):
        if not re.fullmatch(r"[A-Z_]+", name) or name in classes:
            raise LexiconError(
                f"stat_words.tsv:{lineno}: class name {name!r} must be unique and upper-case "
                "letters or _"
            )
        split = resources.split_variants(words)
        classes[name] = tuple(sorted(set(split), key=lambda x: (-len(x), x)))
    return classes


def _metrics(classes: Mapping[str, tuple[str, ...]], units: Mapping[str, str]) -> tuple[
        dict[str, frozenset[str]], dict[str, tuple[str, ...]]]:
    """(metric -> counters it accepts, cue word -> metrics it opens) from metrics.tsv."""
    metric_counters: dict[str, frozenset[str]] = {}
    cue_metrics: dict[str, list[str]] = {}
    for lineno, (metric, _label, counters, cue_words) in _numbered_rows("metrics.tsv", 4):
        where = f"metrics.tsv:{lineno}"
        if metric not in METRICS:
            raise LexiconError(
                f"{where}: unknown metric {metric!r}; the vocabulary is {', '.join(METRICS)}"
            )
        allowed = frozenset(resources.split_variants(counters))
        unknown = allowed - set(units) - {ORDINAL}
        if unknown:
            raise LexiconError(f"{where}: {metric}: unknown counters {sorted(unknown)}")
        metric_counters[metric] = allowed
        for cue in resources.split_variants(cue_words):
            ref = re.fullmatch(r"<([A-Z_]+)>", cue)
            if ref is not None and ref.group(1) not in classes:
                raise LexiconError(f"{where}: {metric}: unknown word class {cue}")
            for word in classes[ref.group(1)] if ref is not None else (cue,):
                cue_metrics.setdefault(word, []).append(metric)
    missing = set(METRICS) - set(metric_counters)
    if missing:
        raise LexiconError(f"metrics.tsv: no line for {', '.join(sorted(missing))}")
    return metric_counters, {k: tuple(v) for k, v in cue_metrics.items()}


def _rules(expand: Any, units: Mapping[str, str], classes: Mapping[str, tuple[str, ...]],
           ) -> list[tuple[Rule, list[str]]]:
    """Every row of stat_rules.tsv compiled, with the counters it applies to."""
    out: list[tuple[Rule, list[str]]] = []
    for lineno, (metric, counters, left, right, example) in _numbered_rows(RULES_FILE, 5):
        where = f"{RULES_FILE}:{lineno}"
        blocks = metric.startswith("!")
        target = metric[1:] if blocks else metric
        if (target and target not in METRICS) or (not blocks and not target):
            raise LexiconError(
                f"{where}: unknown metric {metric!r}; use one of {', '.join(METRICS)}, "
                "'!' or '!metric'"
            )
        keys = (list(resources.split_variants(counters)) if counters != _ANY
                else [*units, ORDINAL])
        for key in keys:
            if key not in units and key != ORDINAL:
                raise LexiconError(
                    f"{where}: unknown counter {key!r}; stat_counters.tsv lists "
                    f"{', '.join(units)} (and 'ordinal', '*')"
                )
        left_re = _compile(f"(?:{expand(left, where)})$", where) if left else None
        right_re = _compile(expand(right, where), where) if right else None
        rule = Rule(
            target or None, blocks, left_re, right_re,
            where, example, _gate(left, classes), _gate(right, classes), _reach(left_re),
            _in_clause(left_re) and _in_clause(right_re),
            bool(right) and not right.startswith(("~", "≈", "…", "[^")),
        )
        out.append((rule, keys))
    return out


def _scopes(expand: Any, classes: Mapping[str, tuple[str, ...]]) -> tuple[Scope, ...]:
    scopes: list[Scope] = []
    for lineno, (pattern, trim, _example) in _numbered_rows("stat_scopes.tsv", 3):
        where = f"stat_scopes.tsv:{lineno}"
        if trim not in ("yes", "no"):
            raise LexiconError(f"{where}: trim must be yes or no, not {trim!r}")
        scopes.append(Scope(_compile(expand(pattern, where), where), trim == "yes",
                            _gate(pattern, classes)))
    return tuple(scopes)


_ORDINAL_SEP = "(?:、|和|及|与)"


def _number_patterns(counter_alt: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(pass 1, pass 2): pass 1 finds a numeral character followed by a counter and starts with
    one character class, which the regex engine scans at speed; pass 2 reads the whole
    number and is only ever matched at a known position, so it may start with alternatives."""
    w = approximation_words()
    n = NUMERAL
    candidates = re.compile(
        f"(?P<ord>第(?P<olist>{n}(?:{_ORDINAL_SEP}第?{n})*)(?:轮)?"
        f"(?:{RANGE_SEPARATORS}第?(?P<o2>{n}))?(?:轮次|轮))"
        f"|(?P<first>首轮)"
        f"|百分之(?P<pn>{n})(?:{RANGE_SEPARATORS}(?:百分之)?(?P<pn2>{n}))?"
        f"(?P<ptail>{_alt(w.tail)})?"
        f"|(?P<n1>{n})(?:{RANGE_SEPARATORS}(?P<n2>{n}))?(?P<after>{_alt(w.after)})?"
        f"(?P<mag>[{MAGNITUDE_CHARS}]*) ?(?P<ctr>{counter_alt})(?P<tail>{_alt(w.tail)})?"
    )
    digits = re.escape(NUMERAL_CHARS)
    # [{digits}]X|百分之|首轮, written as one class followed by the three tails (each
    # checking, by a look-behind, the character the class took): an alternation at the top
    # would make re try the whole pattern at every character instead of skipping to the
    # class in C.
    hits = re.compile(
        f"[{digits}百首](?:(?<=[{digits}])[{digits}.,]*(?:{_alt(w.after)})?"
        f"[{MAGNITUDE_CHARS}]* ?(?:{counter_alt})|(?<=百)分之|(?<=首)轮)"
    )
    return hits, candidates


@cache
def engine() -> Engine:
    """The shipped lexicons, compiled once per process."""
    classes = _word_classes()
    units = {counter: reported or counter
             for counter, reported in resources.read_rows("stat_counters.tsv", (1, 2))}
    counter_alt = _alt(sorted(units, key=lambda c: (-len(c), c)))
    expand = _expander(classes, counter_alt)
    metric_counters, cue_metrics = _metrics(classes, units)

    rules: dict[str, list[Rule]] = {}
    blockers: dict[str, list[Rule]] = {}
    all_rules: list[Rule] = []
    for rule, keys in _rules(expand, units, classes):
        all_rules.append(rule)
        for key in keys:
            (blockers if rule.blocks else rules).setdefault(key, []).append(rule)

    w = approximation_words()
    hits, candidates = _number_patterns(counter_alt)
    link_desc = f"[^{CLAUSE}\\d]{{0,24}}"
    return Engine(
        hits=hits,
        candidates=candidates,
        back_chars=frozenset(NUMERAL_CHARS + ".,第、和及与至到-－~～—– " + "".join(w.after)),
        before=re.compile(f"(?:{_alt(w.before)})$"),
        before_magnitude=re.compile(f"(?:{_alt(w.before_magnitude)})$"),
        before_last=frozenset(x[-1] for x in (*w.before, *w.before_magnitude)),
        cue_words=re.compile(_alt(sorted(cue_metrics, key=len, reverse=True))),
        cue_metrics=cue_metrics,
        ordinal_sep=re.compile(f"{_ORDINAL_SEP}第?"),
        rules={k: tuple(v) for k, v in rules.items()},
        blockers={k: BlockSet.of([b for b in v if b.metric is None])
                  for k, v in blockers.items()},
        metric_blockers={(k, m): BlockSet.of([b for b in v if b.metric == m])
                         for k, v in blockers.items() for m in METRICS
                         if any(b.metric == m for b in v)},
        units=units,
        metric_counters=metric_counters,
        formula=re.compile(_words(classes, "FORMULA", "stat_words.tsv")),
        formula_first=frozenset(w[0] for w in classes.get("FORMULA", ())),
        scopes=_scopes(expand, classes),
        scope_trim=re.compile(_words(classes, "SCOPE_TRIM", "stat_words.tsv")),
        inherit_stop=re.compile(_words(classes, "INHERIT_STOP", "stat_words.tsv")),
        # 发现问题763个、526个 / ，其中…方面问题30个 / ，526个 / 11个县直单位和5个乡镇
        back_link=re.compile(
            f"(?P<pre>{link_desc})(?:、|和|及|以及|与|或)(?P<desc>{link_desc})"
            f"|[，；,]?(?:其中|包括|分别为|分别是)[：:，]?(?P<part>{link_desc})|[，,]"
        ),
        # 对4家县属国有企业和11个县直部门同步开展巡察
        forward_link=re.compile(f"(?P<desc>{link_desc})(?:、|和|及|以及|与|或)"),
        all_rules=tuple(all_rules),
    )


def _numbered_rows(name: str, columns: int) -> list[tuple[int, tuple[str, ...]]]:
    """Rows of a lexicon with their line numbers, so errors and ``Stat.rule`` can cite them."""
    rows = resources.read_rows(name, columns)
    text = resources.lexicon_path(name).read_text(encoding="utf-8").splitlines()
    numbered: list[tuple[int, tuple[str, ...]]] = []
    it = iter(rows)
    for lineno, raw in enumerate(text, start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        numbered.append((lineno, next(it)))
    return numbered


def fits(rule: Rule, left: str, right: str) -> bool:
    """Whether ``rule``'s patterns match the windows around a number."""
    if not rule.could_fit(left, right):
        return False
    return ((rule.left is None
             or rule.left.search(left, max(0, len(left) - rule.reach)) is not None)
            and (rule.right is None or rule.right.match(right) is not None))


@cache
def metric_labels() -> dict[str, str]:
    """Metric name → Chinese display label, from metrics.tsv."""
    return {row[0]: row[1] for row in resources.read_rows("metrics.tsv", 4)}

