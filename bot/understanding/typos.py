"""Correct small typos ("contianer", "microservce", "shoud") towards the words the
knowledge base knows, with rapidfuzz's optimal-string-alignment distance (a
transposition counts as one edit). A word that is English already ("month",
"zone", "internal"), inflected forms included ("hosted", "wants", "trains"), is never
corrected, so it cannot turn into "monte", "none", "external" or another verb."""

from __future__ import annotations

from functools import cache
from typing import Iterable

from english_words import get_english_words_set
from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..short_text_cache import cached_when_short
from .inflections import base_in

MIN_LENGTH = 5  # shorter words are mostly names ("KEDA", "k3s"), not typos of ours
TWO_EDITS_FROM = 10  # two edits only in long words: "OpenFOAM" is no typo of "OpenFaaS"
MAX_LENGTH = 40


@cache
def english_words() -> frozenset[str]:
    """About 235,000 English words (Webster's 2nd), loaded once per process."""
    return frozenset(get_english_words_set(["web2"], lower=True, alpha=True))


def is_english(word: str, dictionary: frozenset[str]) -> bool:
    """The dictionary lists base forms only: an inflected word is English when one of
    the words it can come from is."""
    return word in dictionary or base_in(word, dictionary) is not None


class TypoCorrector:
    def __init__(self, vocabulary: Iterable[str], common_words: Iterable[str]) -> None:
        self.known = frozenset(vocabulary) | frozenset(common_words) | english_words()  # English, and ours
        self._targets = sorted(w for w in vocabulary if len(w) >= MIN_LENGTH and w.isalpha())
        # Only short words are kept: a stream of 40,000-letter words must not fill memory.
        self.correct = cached_when_short(max_length=MAX_LENGTH, size=65536)(self._correct)

    def _correct(self, word: str) -> str:
        # A long "word" is never a typo of a known one.
        if len(word) > MAX_LENGTH or len(word) < MIN_LENGTH or not word.isascii() or not word.isalpha() or is_english(word, self.known):
            return word
        allowed = 1 if len(word) < TWO_EDITS_FROM else 2
        best = process.extractOne(word, self._targets, scorer=OSA.distance, score_cutoff=allowed)
        return best[0] if best else word
