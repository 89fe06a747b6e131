"""Text -> Question: intent, subject, facts with the words that evidenced them."""

from __future__ import annotations

from typing import Callable

from ..knowledge.model import KnowledgeBase, PhraseFamily
from .base_forms import BaseForms
from .intent import IntentReader
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
        # Built twice: first as the knowledge base spells its words, to learn them; then
        # with every word in the base form a text's words are read as.
        self._base_forms = BaseForms(_Matchers(knowledge).vocabulary)
        self._matchers = _Matchers(knowledge, self._base_forms.base)
        platform_words = [w for words in knowledge.language.platform_words.values() for w in words]
        self._subjects = SubjectFinder(platform_words)
        self._typos = TypoCorrector(self._matchers.vocabulary, knowledge.language.common_words)
        self._needs_several = {fact.id: fact.at_least for fact in knowledge.facts.values() if fact.at_least > 1}

    def read(self, wire_text: str) -> Question:
        text = normalize(to_plain_text(wire_text or ""))
        tokens = tokenize(text)
        corrected = [self._typos.correct(token.stem) for token in tokens]
        corrections = tuple(
            (token.text, stem) for token, stem in zip(tokens, corrected) if stem != token.stem
        )
        stems = [self._base_forms.base(stem) for stem in corrected]
        matchers = self._matchers
        fact_matches = self._counted(stems, matchers.facts.find(stems))
        cues = matchers.negation.negating_cues(stems, fact_matches)
        facts = self._fact_findings(text, tokens, fact_matches, cues)
        dimensions = tuple(dict.fromkeys(m.label for m in matchers.dimensions.find(stems)))
        intent, scope = matchers.intents.read(text, stems, bool(facts), dimensions)
        subject = self._subjects.find(_with_corrections(text, tokens, corrected)) if intent == "recommend" else None
        return Question(text, intent, subject, facts, dimensions, corrections, scope)

    def _counted(self, stems: list[str], matches: list[PhraseMatch]) -> list[PhraseMatch]:
        """Drops the matches of a fact that needs several different phrases (`at_least`)
        when the question holds fewer."""
        if not self._needs_several:
            return matches
        said: dict[str, set[tuple[str, ...]]] = {}
        for match in matches:
            if match.label in self._needs_several:
                said.setdefault(match.label, set()).add(tuple(stems[match.start : match.end]))
        return [m for m in matches if m.label not in said or len(said[m.label]) >= self._needs_several[m.label]]

    def _fact_findings(
        self, text: str, tokens: list[Token], matches: list[PhraseMatch], cues: list[PhraseMatch | None]
    ) -> tuple[FactFinding, ...]:
        """One finding per fact. The last thing said about a fact wins; several
        mentions that agree keep all their words as evidence. Words that rule a fact
        out ("trusted code") make it false, and negating them makes it true again."""
        latest: dict[str, FactFinding] = {}
        for match, cue in zip(matches, cues):
            family: PhraseFamily = match.tag
            first, last = (match.start, match.end) if cue is None else (min(match.start, cue.start), max(match.end, cue.end))
            evidence = text[tokens[first].start : tokens[last - 1].end]
            value = (cue is None) == family.value
            added_because = family.why if family.origin == "authors" else ""
            previous = latest.pop(match.label, None)
            if previous is not None and previous.value == value:
                if evidence not in previous.evidence:
                    evidence = f"{previous.evidence}, {evidence}"
                if not added_because or not previous.added_because:
                    added_because = ""  # the article's own words said it too
            latest[match.label] = FactFinding(match.label, value, evidence[:MAX_EVIDENCE], added_because)
        return tuple(latest.values())


class _Matchers:
    """Everything the reader matches, with `normalize` applied to the knowledge's words."""

    def __init__(self, knowledge: KnowledgeBase, normalize: Callable[[str], str] | None = None) -> None:
        language = knowledge.language
        self.facts = PhraseMatcher(
            tagged=[
                (fact.id, phrase, family)
                for fact in knowledge.facts.values()
                for family in fact.families
                for phrase in family.phrases
            ],
            normalize=normalize,
        )
        self.dimensions = PhraseMatcher({row.section: row.asked_as for row in knowledge.rows}, normalize=normalize)
        self.intents = IntentReader(language, normalize)
        self.negation = NegationScope(language, normalize)
        self.vocabulary = self.facts.vocabulary | self.dimensions.vocabulary | self.intents.vocabulary | self.negation.vocabulary


def _with_corrections(text: str, tokens: list[Token], stems: list[str]) -> str:
    pieces, position = [], 0
    for token, stem in zip(tokens, stems):
        if stem != token.stem:
            pieces.append(text[position : token.start])
            pieces.append(stem)
            position = token.end
    pieces.append(text[position:])
    return "".join(pieces)
