"""Which phrase matches the user negated: "no GPU", "a GPU isn't needed".

Negation reaches forward from a cue ("no", "doesn't", "without") a few words, and
back from a trailing cue ("isn't needed") a few words, but never across the end of
a clause ("but", ";", "."), so "not a legacy app but it needs CentOS 6" still sees
CentOS 6. A cue inside words that state a platform's limit ("Docker doesn't support
macOS images") negates nothing: the need stands.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Callable, Sequence

from ..knowledge.model import Language
from .phrase_matching import PhraseMatch, PhraseMatcher


_CLOSING = frozenset({"or", "nor", "and"})


class NegationScope:
    def __init__(self, language: Language, normalize: Callable[[str], str] | None = None) -> None:
        self._cues = PhraseMatcher({"before": language.negation_before, "after": language.negation_after}, normalize=normalize)
        self._scope_ends = PhraseMatcher({"end": language.scope_ends}, normalize=normalize)
        self._limits = PhraseMatcher({"limit": language.limitation_cues}, normalize=normalize)
        self._joiners = frozenset(normalize(j) if normalize else j for j in language.list_joiners)
        self._reach_before = language.reach_before
        self._reach_after = language.reach_after
        self.vocabulary = self._cues.vocabulary | self._scope_ends.vocabulary | self._limits.vocabulary | self._joiners

    def negating_cues(self, stems: Sequence[str], matches: Sequence[PhraseMatch]) -> list[PhraseMatch | None]:
        """For each match, the cue that negates it, or None.

        A cue negates the nearest phrase within reach on its side, and the phrases
        listed next to that one ("no GPU, kernel modules or Windows"), but not a
        phrase after other words ("no GPU needed, stateless microservices").
        """
        cues = self._cues.find(stems)
        if not cues or not matches:
            return [None] * len(matches)
        limits = self._limits.find(stems)
        if limits:
            cues = [cue for cue in cues if not any(limit.start <= cue.start < limit.end for limit in limits)]
        boundaries = sorted(end.start for end in self._scope_ends.find(stems))

        def clause(index: int) -> int:
            return bisect_right(boundaries, index)

        by_position = sorted(range(len(matches)), key=lambda i: (matches[i].start, matches[i].end))
        negated_by: list[PhraseMatch | None] = [None] * len(matches)
        gap: list[int] = [0] * len(matches)
        for cue in cues:
            if cue.label == "before":
                candidates = [i for i in by_position if matches[i].start >= cue.end]
                distance = (matches[candidates[0]].start - cue.end) if candidates else 0
                reach = self._reach_before
            else:
                candidates = [i for i in reversed(by_position) if matches[i].end <= cue.start]
                distance = (cue.start - matches[candidates[0]].end) if candidates else 0
                reach = self._reach_after
            if not candidates or distance > reach or clause(matches[candidates[0]].start) != clause(cue.start):
                continue
            for index in self._listed_with(stems, matches, candidates):
                if negated_by[index] is None or distance < gap[index]:
                    negated_by[index], gap[index] = cue, distance
        return negated_by

    def _listed_with(self, stems: Sequence[str], matches: Sequence[PhraseMatch], candidates: list[int]) -> list[int]:
        """The first candidate and those listed with it: joined by list words only,
        and a comma counts only when the list is closed by "or", "nor" or "and"
        ("no GPU, kernel modules or Windows", but not "no GPU, microservices")."""
        listed, pending = [candidates[0]], []
        for index in candidates[1:]:
            previous, current = matches[(pending or listed)[-1]], matches[index]
            left, right = sorted((previous, current), key=lambda m: m.start)
            between = stems[left.end : right.start]
            if right.start < left.end:
                (pending or listed).append(index)
                continue
            if not all(word in self._joiners for word in between):
                break
            if any(word in _CLOSING for word in between):
                listed.extend(pending)
                pending = []
                listed.append(index)
            else:
                pending.append(index)
        return listed
