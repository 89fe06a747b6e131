"""What a question asks for: where a workload belongs (recommend), how the two compare
(compare), or what the bot does (help); and whether it is about containers and VMs at
all, and in English.

A question that names a workload and asks where it belongs is a recommendation even when
it holds a dimension word: "is a container isolated enough for this, or do we need a VM?".
A report of how the two measured ("runs twice as slow in Docker") is a comparison even
when it names a workload, unless it also asks where to run it.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from ..knowledge.model import Language
from .phrase_matching import PhraseMatch
from .typos import is_english

MIN_WORDS_TO_JUDGE_LANGUAGE = 4
MIN_ENGLISH_SHARE = 0.5
MAX_HELP_WORDS = 8


class IntentReader:
    """The phrase groups it needs are `phrases(language)`; the reader finds them with its
    other phrases in one pass and hands the matches over."""

    @staticmethod
    def phrases(language: Language) -> dict[tuple[str, str], tuple[str, ...]]:
        cues = {
            "help": language.help_cues,
            "compare": language.compare_cues,
            "recommend": language.recommend_cues,
            "placement": language.placement_cues,
            "measurement": language.measurement_cues,
            "workload": language.workload_words,
        }
        return {
            **{("intent", kind): words for kind, words in cues.items()},
            ("platform", "platform"): tuple(w for words in language.platform_words.values() for w in words),
        }

    def __init__(self, known_words: frozenset[str]) -> None:
        """`known_words`: English words and the knowledge base's own (the typo corrector's)."""
        self._known = known_words

    def read(
        self, text: str, stems: Sequence[str], has_facts: bool, dimensions: Sequence[str], found: Mapping[str, list[PhraseMatch]]
    ) -> tuple[str, str]:
        """(intent, scope); scope is on-topic, off-topic or not-english. `found` holds the
        phrase groups of `phrases` as matched in the same words."""
        if not stems:
            return "help", "on-topic"
        matches = found.get("intent", [])
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
        if not cues & {"recommend", "workload"} and not found.get("platform"):
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
