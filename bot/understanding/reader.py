"""Text -> Question: intent, subject, facts with the words that evidenced them."""

from __future__ import annotations

from typing import Callable

from ..knowledge.model import KnowledgeBase, PhraseFamily
from ..short_text_cache import cached_when_short
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
MAX_CACHED_WORD = 40  # longer "words" are worked out each time, so hostile input cannot fill memory


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
        self._intents = IntentReader(self._typos.known)
        self._read_word = cached_when_short(max_length=MAX_CACHED_WORD, size=65536)(self._word)
        self._counts_phrases = any(family.at_least > 1 for fact in knowledge.facts.values() for family in fact.families)

    def read(self, wire_text: str) -> Question:
        text = normalize(to_plain_text(wire_text or ""))
        tokens = tokenize(text)
        read = [self._read_word(token.stem) for token in tokens]
        corrected = [typed for typed, _ in read]
        stems = [base for _, base in read]
        corrections = tuple(
            (token.text, stem) for token, stem in zip(tokens, corrected) if stem != token.stem
        )
        matchers = self._matchers
        found = matchers.phrases.find_grouped(stems)
        fact_matches = self._counted(stems, found.get("fact", []))
        cues = matchers.negation.negating_cues(stems, fact_matches, found)
        facts = self._fact_findings(text, tokens, fact_matches, cues)
        dimensions = tuple(dict.fromkeys(m.label for m in found.get("dimension", [])))
        intent, scope = self._intents.read(text, stems, bool(facts), dimensions, found)
        subject = self._subjects.find(_with_corrections(text, tokens, corrected)) if intent == "recommend" else None
        return Question(text, intent, subject, facts, dimensions, corrections, scope)

    def _word(self, stem: str) -> tuple[str, str]:
        """A word as typed-and-corrected ("contianer" -> "container"), and in the knowledge
        base's base form ("uploading" -> "upload")."""
        corrected = self._typos.correct(stem)
        return corrected, self._base_forms.base(corrected)

    def _counted(self, stems: list[str], matches: list[PhraseMatch]) -> list[PhraseMatch]:
        """Drops the matches of a family that needs several different phrases (`at_least`)
        when the question holds fewer."""
        if not self._counts_phrases:
            return matches
        said: dict[int, set[tuple[str, ...]]] = {}
        for match in matches:
            if match.tag.at_least > 1:
                said.setdefault(id(match.tag), set()).add(tuple(stems[match.start : match.end]))
        return [m for m in matches if m.tag.at_least == 1 or len(said[id(m.tag)]) >= m.tag.at_least]

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
    """Every phrase the reader matches, with `normalize` applied to the knowledge's words:
    facts, table rows, intent cues, platform words and negation, all in one tree of
    phrases labelled (group, label), so that each question's words are walked once."""

    def __init__(self, knowledge: KnowledgeBase, normalize: Callable[[str], str] | None = None) -> None:
        language = knowledge.language
        groups = {
            **{("dimension", row.section): row.asked_as for row in knowledge.rows},
            **IntentReader.phrases(language),
            **NegationScope.phrases(language),
        }
        self.phrases = PhraseMatcher(
            groups,
            tagged=[
                (("fact", fact.id), phrase, family)
                for fact in knowledge.facts.values()
                for family in fact.families
                for phrase in family.phrases
            ],
            normalize=normalize,
        )
        self.negation = NegationScope(language, normalize)
        self.vocabulary = self.phrases.vocabulary | self.negation.vocabulary


def _with_corrections(text: str, tokens: list[Token], stems: list[str]) -> str:
    pieces, position = [], 0
    for token, stem in zip(tokens, stems):
        if stem != token.stem:
            pieces.append(text[position : token.start])
            pieces.append(stem)
            position = token.end
    pieces.append(text[position:])
    return "".join(pieces)
