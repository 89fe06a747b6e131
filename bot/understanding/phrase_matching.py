"""Find known phrases in a run of word stems, in one pass over the words.

A phrase may hold `<version>`, which stands for one version-like word ("7", "18.04",
"2008", "R2", "4.8"): "rhel <version>" matches "RHEL 7", and also the joined "rhel7",
since people write both. `<word>` stands for any one word ("code that <word> submit"
matches "code that students submit"); a phrase may not start with it.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Hashable, Iterable, Iterator, Mapping, NamedTuple, Sequence

from .tokens import phrase_stems

VERSION = "<version>"
ANY_WORD = "<word>"
PLACEHOLDERS = (VERSION, ANY_WORD)
_VERSION_WORD = re.compile(r"v?\d+(?:\.\d+)*(?:\.x)?[a-z]?|r\d+|sp\d+")
_JOINED = re.compile(r"([a-z][a-z+#]*?)(v?\d+(?:\.\d+)*)s?")


class PhraseMatch(NamedTuple):  # made for every phrase found in every question: a NamedTuple is cheapest
    label: Any
    start: int  # index of the first word
    end: int  # index after the last word
    tag: Any = None  # what the phrase that matched was registered with


class PhraseMatcher:
    """Phrases grouped under labels; `find_grouped` returns, for each label, the longest
    phrase starting at each word, without overlaps within one label.

    The phrases are kept as a tree of words, so each word of the text costs one
    lookup plus one per word of the longest phrase that starts there."""

    def __init__(
        self,
        phrases_by_label: Mapping[Hashable, Iterable[str]] = {},
        tagged: Iterable[tuple[Hashable, str, Hashable]] = (),
        normalize: Callable[[str], str] | None = None,
    ) -> None:
        """`tagged` adds (label, phrase, tag) entries; `normalize` maps each word of a
        phrase as the words of a text will be mapped before `find_grouped`."""
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

    def find_grouped(self, stems: Sequence[str]) -> dict[str, list[PhraseMatch]]:
        """For a matcher whose labels are (group, label) pairs: the matches of each group,
        labelled within it. One pass over the words serves every group."""
        grouped: dict[str, list[PhraseMatch]] = {}
        for (group, label), start, end, tag in self._spans(stems):
            grouped.setdefault(group, []).append(PhraseMatch(label, start, end, tag))
        return grouped

    def _spans(self, stems: Sequence[str]) -> Iterator[tuple[Any, int, int, Any]]:
        covered_until: dict[Any, int] = {}
        root = self._root
        root_words = root.words
        count = len(stems)
        # Most words start no phrase and most nodes have words only: those take one dict
        # lookup here, without a call (this loop runs for every word of every question).
        for index, first in enumerate(stems):
            if root.patterned and (first[-1:].isdigit() or first[-2:-1].isdigit()):  # may hold a version
                frontier = [(node, index + 1) for node in root.next_nodes(first)]
            elif (start := root_words.get(first)) is None:
                continue
            elif not start.labels and not start.patterned and (index + 1 == count or stems[index + 1] not in start.words):
                continue  # "the", "it": words that start phrases but not this one
            elif not start.words and not start.patterned:  # a one-word phrase: ".", "should"
                for label, tag in start.labels:
                    if covered_until.get(label, 0) <= index:
                        yield label, index, index + 1, tag
                        covered_until[label] = index + 1
                continue
            else:
                frontier = [(start, index + 1)]
            longest: dict[Any, tuple[int, Any]] = {}  # label -> end of its longest phrase from here, and its tag
            while frontier:
                node, end = frontier.pop()
                for label, tag in node.labels:
                    if end > longest.get(label, _NOTHING)[0]:
                        longest[label] = (end, tag)
                if end < count:
                    if node.patterned:
                        frontier.extend((child, end + 1) for child in node.next_nodes(stems[end]))
                    elif (child := node.words.get(stems[end])) is not None:
                        frontier.append((child, end + 1))
            if not longest:
                continue
            found = longest.items() if len(longest) == 1 else sorted(longest.items(), key=lambda item: -item[1][0])
            for label, (end, tag) in found:
                if covered_until.get(label, 0) <= index:
                    yield label, index, end, tag
                    covered_until[label] = end


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
        if _may_hold_version(stem):
            if self.version is not None and _VERSION_WORD.fullmatch(stem):
                found.append(self.version)
            if self.joined and (joined := _JOINED.fullmatch(stem)) and joined.group(1) in self.joined:
                found.append(self.joined[joined.group(1)])
        return tuple(found)


def _may_hold_version(stem: str) -> bool:
    return stem[-1:].isdigit() or stem[-2:-1].isdigit()


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
