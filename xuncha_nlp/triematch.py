"""Find many literal words in short texts fast: one regex built from a trie of the words.

A plain alternation of hundreds of words makes ``re`` try each word at each position; a trie
regex shares prefixes, so each position costs a few character tests. Matching is
leftmost-longest without overlaps, the way a reader picks out words: 整改主体责任 is one
cue, not 整改 plus 主体责任.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator

__all__ = ["TrieMatcher"]


def _trie_pattern(words: Iterable[str]) -> str:
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    ends_here = "" in node
    branches = [re.escape(ch) + _node_pattern(child)
                for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:  # greedy optional continuation: the longest word wins
        return (body if len(branches) > 1 else f"(?:{body})") + "?"
    return body


class TrieMatcher:
    """Find the words of a set in a text: leftmost match first, the longest word at that
    position, matches never overlapping (a word inside or across an earlier match is not
    reported)."""

    def __init__(self, words: Iterable[str]) -> None:
        unique = sorted({w for w in words if w})
        self.words = frozenset(unique)
        # No lookahead around the trie: re can then skip positions whose character starts
        # no word, which makes the scan several times faster.
        self._regex = re.compile(_trie_pattern(unique)) if unique else None

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> bool:
        """Whether any word occurs in ``text[pos:endpos]``."""
        return self._regex is not None and self._regex.search(text, pos, endpos) is not None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches of :meth:`findall` as ``re.Match`` objects (no tuple per match)."""
        return iter(()) if self._regex is None else self._regex.finditer(text)

    def findall(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, word) of every match, in order."""
        if self._regex is None:
            return []
        return [(m.start(), m.end(), m.group()) for m in self._regex.finditer(text)]
