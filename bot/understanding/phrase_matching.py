"""Find known phrases in a run of word stems, in one pass over the words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from .tokens import phrase_stems


@dataclass(frozen=True)
class PhraseMatch:
    label: str
    start: int  # index of the first word
    end: int  # index after the last word


class PhraseMatcher:
    """Phrases grouped under labels; `find` returns, for each label, the longest
    phrase starting at each word, without overlaps within one label.

    The phrases are kept as a tree of words, so each word of the text costs one
    lookup plus one per word of the longest phrase that starts there."""

    def __init__(self, phrases_by_label: Mapping[str, Iterable[str]]) -> None:
        self._tree: dict[str, _Node] = {}
        vocabulary: set[str] = set()
        for label, phrases in phrases_by_label.items():
            for phrase in phrases:
                stems = phrase_stems(phrase)
                if not stems:
                    continue
                vocabulary.update(stems)
                children = self._tree
                for stem in stems:
                    node = children.setdefault(stem, _Node({}, []))
                    children = node.children
                if label not in node.labels:
                    node.labels.append(label)
        self.vocabulary = frozenset(vocabulary)

    def find(self, stems: Sequence[str]) -> list[PhraseMatch]:
        matches: list[PhraseMatch] = []
        covered_until: dict[str, int] = {}
        for index, first in enumerate(stems):
            node = self._tree.get(first)
            if node is None:
                continue
            longest: dict[str, int] = {}  # label -> end of its longest phrase from here
            end = index + 1
            while True:
                for label in node.labels:
                    longest[label] = end
                if end == len(stems) or (node := node.children.get(stems[end])) is None:
                    break
                end += 1
            for label, end in sorted(longest.items(), key=lambda found: -found[1]):
                if covered_until.get(label, 0) <= index:
                    matches.append(PhraseMatch(label, index, end))
                    covered_until[label] = end
        return matches

    def labels_in(self, stems: Sequence[str]) -> set[str]:
        return {match.label for match in self.find(stems)}


@dataclass(frozen=True)
class _Node:
    children: dict[str, "_Node"]
    labels: list[str]  # whose phrases end at this word
