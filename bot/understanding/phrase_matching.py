"""Find known phrases in a run of word stems, in one pass over the words."""

from __future__ import annotations

from collections import defaultdict
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
    phrase starting at each word, without overlaps within one label."""

    def __init__(self, phrases_by_label: Mapping[str, Iterable[str]]) -> None:
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for label, phrases in phrases_by_label.items():
            for phrase in phrases:
                stems = phrase_stems(phrase)
                if stems:
                    by_first[stems[0]].append((stems, label))
        self._by_first = {first: sorted(set(entries), key=lambda e: -len(e[0])) for first, entries in by_first.items()}
        self.vocabulary = frozenset(stem for entries in self._by_first.values() for stems, _ in entries for stem in stems)

    def find(self, stems: Sequence[str]) -> list[PhraseMatch]:
        matches: list[PhraseMatch] = []
        covered_until: dict[str, int] = {}
        for index, first in enumerate(stems):
            for phrase, label in self._by_first.get(first, ()):
                end = index + len(phrase)
                if covered_until.get(label, 0) > index or tuple(stems[index:end]) != phrase:
                    continue
                matches.append(PhraseMatch(label, index, end))
                covered_until[label] = end
        return matches

    def labels_in(self, stems: Sequence[str]) -> set[str]:
        return {match.label for match in self.find(stems)}
