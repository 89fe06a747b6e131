"""Which phrase matches the user negated: "no GPU", "a GPU isn't needed".

Negation reaches forward from a cue ("no", "doesn't", "without") a few words, and
back from a trailing cue ("isn't needed") a few words, but never across the end of
a clause ("but", ";", "."), so "not a legacy app but it needs CentOS 6" still sees
CentOS 6.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Sequence

from ..knowledge.model import Language
from .phrase_matching import PhraseMatch, PhraseMatcher


class NegationScope:
    def __init__(self, language: Language) -> None:
        self._cues = PhraseMatcher({"before": language.negation_before, "after": language.negation_after})
        self._scope_ends = PhraseMatcher({"end": language.scope_ends})
        self._reach_before = language.reach_before
        self._reach_after = language.reach_after
        self.vocabulary = self._cues.vocabulary | self._scope_ends.vocabulary

    def negating_cues(self, stems: Sequence[str], matches: Sequence[PhraseMatch]) -> list[PhraseMatch | None]:
        """For each match, the cue that negates it, or None."""
        boundaries = sorted(end.start for end in self._scope_ends.find(stems))
        cues = self._cues.find(stems)

        def clause(index: int) -> int:
            return bisect_right(boundaries, index)

        results = []
        for match in matches:
            here = clause(match.start)
            nearest, nearest_distance = None, None
            for cue in cues:
                if cue.start < match.end and cue.end > match.start:
                    continue  # a cue inside the phrase itself ("don't trust")
                if cue.label == "before":
                    distance, reach = match.start - cue.end, self._reach_before
                else:
                    distance, reach = cue.start - match.end, self._reach_after
                if 0 <= distance <= reach and clause(cue.start) == here:
                    if nearest_distance is None or distance < nearest_distance:
                        nearest, nearest_distance = cue, distance
            results.append(nearest)
        return results
