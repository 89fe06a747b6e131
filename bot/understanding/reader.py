"""Text -> Question: intent, subject, facts with the words that evidenced them."""

from __future__ import annotations

from ..knowledge.model import KnowledgeBase
from .negation import NegationScope
from .phrase_matching import PhraseMatch, PhraseMatcher
from .question import FactFinding, Question
from .slack_markup import to_plain_text
from .subject import SubjectFinder
from .tokens import Token, normalize, tokenize
from .typos import TypoCorrector

MAX_EVIDENCE = 120


class QuestionReader:
    """Built once per knowledge base; `read` is pure and safe to call from any thread."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        language = knowledge.language
        self._facts = PhraseMatcher({f.id: f.phrases for f in knowledge.facts.values() if not f.derived})
        self._dimensions = PhraseMatcher({row.section: row.asked_as for row in knowledge.rows})
        self._intents = PhraseMatcher(
            {"help": language.help_cues, "compare": language.compare_cues, "recommend": language.recommend_cues}
        )
        platform_words = [w for words in language.platform_words.values() for w in words]
        self._platforms = PhraseMatcher({"platform": platform_words})
        self._negation = NegationScope(language)
        self._subjects = SubjectFinder(platform_words)
        vocabulary = (
            self._facts.vocabulary
            | self._dimensions.vocabulary
            | self._intents.vocabulary
            | self._platforms.vocabulary
            | self._negation.vocabulary
        )
        self._typos = TypoCorrector(vocabulary, language.common_words)

    def read(self, wire_text: str) -> Question:
        text = normalize(to_plain_text(wire_text or ""))
        tokens = tokenize(text)
        stems = [self._typos.correct(token.stem) for token in tokens]
        corrections = tuple(
            (token.text, stem) for token, stem in zip(tokens, stems) if stem != token.stem
        )
        fact_matches = self._facts.find(stems)
        cues = self._negation.negating_cues(stems, fact_matches)
        facts = self._fact_findings(text, tokens, fact_matches, cues)
        dimensions = tuple(dict.fromkeys(m.label for m in self._dimensions.find(stems)))
        intent = self._intent(set(self._intents.labels_in(stems)), facts, dimensions, bool(tokens))
        subject = self._subjects.find(_with_corrections(text, tokens, stems)) if intent == "recommend" else None
        return Question(text, intent, subject, facts, dimensions, corrections)

    def _fact_findings(
        self, text: str, tokens: list[Token], matches: list[PhraseMatch], cues: list[PhraseMatch | None]
    ) -> tuple[FactFinding, ...]:
        """One finding per fact. The last thing said about a fact wins; several
        mentions that agree keep all their words as evidence."""
        latest: dict[str, FactFinding] = {}
        for match, cue in zip(matches, cues):
            first, last = (match.start, match.end) if cue is None else (min(match.start, cue.start), max(match.end, cue.end))
            evidence = text[tokens[first].start : tokens[last - 1].end]
            value = cue is None
            previous = latest.pop(match.label, None)
            if previous is not None and previous.value == value and evidence not in previous.evidence:
                evidence = f"{previous.evidence}, {evidence}"
            latest[match.label] = FactFinding(match.label, value, evidence[:MAX_EVIDENCE])
        return tuple(latest.values())

    @staticmethod
    def _intent(cues: set[str], facts: tuple[FactFinding, ...], dimensions: tuple[str, ...], has_words: bool) -> str:
        if not has_words:
            return "help"
        if facts:
            return "recommend"
        if dimensions or "compare" in cues:
            return "compare"
        if "help" in cues and "recommend" not in cues:
            return "help"
        return "recommend"


def _with_corrections(text: str, tokens: list[Token], stems: list[str]) -> str:
    pieces, position = [], 0
    for token, stem in zip(tokens, stems):
        if stem != token.stem:
            pieces.append(text[position : token.start])
            pieces.append(stem)
            position = token.end
    pieces.append(text[position:])
    return "".join(pieces)
