"""What a question asks for: where a workload belongs (recommend), how the two compare
(compare), or what the bot does (help); and whether it is about containers and VMs at
all, and in English.

A question that names a workload and asks where it belongs is a recommendation even when
it holds a dimension word: "is a container isolated enough for this, or do we need a VM?".
A report of how the two measured ("runs twice as slow in Docker") is a comparison even
when it names a workload, unless it also asks where to run it.
"""

from __future__ import annotations

from typing import Callable, Sequence

from ..knowledge.model import Language
from .phrase_matching import PhraseMatcher
from .typos import english_words, is_english

MIN_WORDS_TO_JUDGE_LANGUAGE = 4
MIN_ENGLISH_SHARE = 0.5
MAX_HELP_WORDS = 8


class IntentReader:
    def __init__(self, language: Language, normalize: Callable[[str], str] | None = None) -> None:
        self._cues = PhraseMatcher(
            {
                "help": language.help_cues,
                "compare": language.compare_cues,
                "recommend": language.recommend_cues,
                "placement": language.placement_cues,
                "measurement": language.measurement_cues,
                "workload": language.workload_words,
            },
            normalize=normalize,
        )
        self._platforms = PhraseMatcher(
            {"platform": [w for words in language.platform_words.values() for w in words]}, normalize=normalize
        )
        self.vocabulary = self._cues.vocabulary | self._platforms.vocabulary
        self._known = english_words() | self.vocabulary | language.common_words

    def read(self, text: str, stems: Sequence[str], has_facts: bool, dimensions: Sequence[str]) -> tuple[str, str]:
        """(intent, scope); scope is on-topic, off-topic or not-english."""
        if not stems:
            return "help", "on-topic"
        matches = self._cues.find(stems)
        measuring = [m for m in matches if m.label == "measurement"]
        # The longer phrase says what the words mean: "should I expect" measures, it does not ask.
        cues = {
            m.label for m in matches
            if m.label != "placement" or not any(o.start <= m.start < o.end and o.end - o.start > m.end - m.start for o in measuring)
        }
        asks_placement = "placement" in cues
        if has_facts:
            return ("compare" if "measurement" in cues and not asks_placement else "recommend"), "on-topic"
        if not self._reads_as_english(text, stems):
            return "help", "not-english"
        if asks_placement:
            return "recommend", "on-topic"
        if dimensions or cues & {"compare", "measurement"}:
            return "compare", "on-topic"
        # "help", "examples", "commands" ask for help in a short message; in a long one they
        # are words of a description ("the official docs example doesn't start").
        if "help" in cues and "recommend" not in cues and len(stems) <= MAX_HELP_WORDS:
            return "help", "on-topic"
        if not cues & {"recommend", "workload"} and not self._platforms.labels_in(stems):
            return "help", "off-topic"
        return "recommend", "on-topic"

    def _reads_as_english(self, text: str, stems: Sequence[str]) -> bool:
        letters = [c for c in text if c.isalpha()]
        if letters and sum(c.isascii() for c in letters) < MIN_ENGLISH_SHARE * len(letters):
            return False
        words = [stem for stem in stems if stem.isalpha() and len(stem) > 1]
        if len(words) < MIN_WORDS_TO_JUDGE_LANGUAGE:
            return True
        english = sum(is_english(word, self._known) for word in words)
        return english >= MIN_ENGLISH_SHARE * len(words)
