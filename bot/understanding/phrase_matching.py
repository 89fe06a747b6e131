"""Find known phrases in a run of word stems, in one pass over the words.

A phrase may hold `<version>`, which stands for one version-like word ("7", "18.04",
"2008", "R2", "4.8"): "rhel <version>" matches "RHEL 7", and also the joined "rhel7",
since people write both. `<word>` stands for any one word ("code that <word> submit"
matches "code that students submit"); a phrase may not start with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable, Mapping, Sequence

from .tokens import phrase_stems

VERSION = "<version>"
ANY_WORD = "<word>"
PLACEHOLDERS = (VERSION, ANY_WORD)
_VERSION_WORD = re.compile(r"v?\d+(?:\.\d+)*(?:\.x)?[a-z]?|r\d+|sp\d+")
_JOINED = re.compile(r"([a-z][a-z+#]*?)(v?\d+(?:\.\d+)*)s?")


@dataclass(frozen=True)
class PhraseMatch:
    label: str
    start: int  # index of the first word
    end: int  # index after the last word
    tag: Any = None  # what the phrase that matched was registered with


class PhraseMatcher:
    """Phrases grouped under labels; `find` returns, for each label, the longest
    phrase starting at each word, without overlaps within one label.

    The phrases are kept as a tree of words, so each word of the text costs one
    lookup plus one per word of the longest phrase that starts there."""

    def __init__(
        self,
        phrases_by_label: Mapping[str, Iterable[str]] = {},
        tagged: Iterable[tuple[str, str, Hashable]] = (),
        normalize: Callable[[str], str] | None = None,
    ) -> None:
        """`tagged` adds (label, phrase, tag) entries; `normalize` maps each word of a
        phrase as the words of a text will be mapped before `find`."""
        self._root = _Node()
        vocabulary: set[str] = set()
        entries = [(label, phrase, None) for label, phrases in phrases_by_label.items() for phrase in phrases]
        for label, phrase, tag in [*entries, *tagged]:
            keys = tuple(key if key in PLACEHOLDERS or normalize is None else normalize(key) for key in _pattern_keys(phrase))
            if not keys or keys[0] == ANY_WORD:
                continue
            vocabulary.update(key for key in keys if key not in PLACEHOLDERS)
            for path in _paths(keys):
                node = self._root
                for kind, word in path:
                    node = node.child(kind, word)
                if all(existing != label for existing, _ in node.labels):
                    node.labels.append((label, tag))
        self.vocabulary = frozenset(vocabulary)

    def find(self, stems: Sequence[str]) -> list[PhraseMatch]:
        matches: list[PhraseMatch] = []
        covered_until: dict[str, int] = {}
        root = self._root
        count = len(stems)
        for index, first in enumerate(stems):
            starts = root.next_nodes(first)
            if not starts:
                continue
            longest: dict[str, tuple[int, Any]] = {}  # label -> end of its longest phrase from here, and its tag
            frontier = [(node, index + 1) for node in starts]
            while frontier:
                node, end = frontier.pop()
                for label, tag in node.labels:
                    if end > longest.get(label, _NOTHING)[0]:
                        longest[label] = (end, tag)
                if end < count:
                    frontier.extend((child, end + 1) for child in node.next_nodes(stems[end]))
            for label, (end, tag) in sorted(longest.items(), key=lambda found: -found[1][0]):
                if covered_until.get(label, 0) <= index:
                    matches.append(PhraseMatch(label, index, end, tag))
                    covered_until[label] = end
        return matches

    def labels_in(self, stems: Sequence[str]) -> set[str]:
        return {match.label for match in self.find(stems)}


_NOTHING = (0, None)


class _Node:
    __slots__ = ("words", "version", "any", "joined", "labels", "patterned")

    def __init__(self) -> None:
        self.words: dict[str, _Node] = {}
        self.version: _Node | None = None  # a version-like word
        self.any: _Node | None = None  # any word
        self.joined: dict[str, _Node] = {}  # a name and its version in one word: "rhel7"
        self.labels: list[tuple[str, Any]] = []  # whose phrases end at this word
        self.patterned = False  # has a placeholder child: most nodes have words only

    def child(self, kind: str, word: str) -> "_Node":
        self.patterned = self.patterned or kind != "word"
        if kind == "version":
            self.version = self.version or _Node()
            return self.version
        if kind == "any":
            self.any = self.any or _Node()
            return self.any
        table = self.words if kind == "word" else self.joined
        return table.setdefault(word, _Node())

    def next_nodes(self, stem: str) -> tuple["_Node", ...]:
        exact = self.words.get(stem)
        if not self.patterned:
            return () if exact is None else (exact,)
        found = [] if exact is None else [exact]
        if self.any is not None and stem[:1].isalnum():
            found.append(self.any)
        if stem[-1:].isdigit() or stem[-2:-1].isdigit():
            if self.version is not None and _VERSION_WORD.fullmatch(stem):
                found.append(self.version)
            if self.joined and (joined := _JOINED.fullmatch(stem)) and joined.group(1) in self.joined:
                found.append(self.joined[joined.group(1)])
        return tuple(found)


def _pattern_keys(phrase: str) -> tuple[str, ...]:
    keys: list[str] = []
    for piece in re.split(r"(<version>|<word>)", phrase):
        keys.extend([piece] if piece in PLACEHOLDERS else phrase_stems(piece))
    return tuple(keys)


def _paths(keys: Sequence[str]) -> list[list[tuple[str, str]]]:
    """The tree paths of a phrase: a word followed by `<version>` also as one joined word."""
    if not keys:
        return [[]]
    first, rest = keys[0], keys[1:]
    if first in PLACEHOLDERS:
        kind = "version" if first == VERSION else "any"
        return [[(kind, "")] + tail for tail in _paths(rest)]
    paths = [[("word", first)] + tail for tail in _paths(rest)]
    if rest and rest[0] == VERSION:
        paths += [[("joined", first)] + tail for tail in _paths(rest[1:])]
    return paths
