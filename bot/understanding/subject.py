"""The thing a question is about: "should <our billing API> be a container?"."""

from __future__ import annotations

import re
from typing import Iterable

MAX_SUBJECT = 80  # also bounds the regexes, so 40,000 characters cost linear time
_DETERMINERS = re.compile(r"^(?:(?:our|the|my|a|an|this|these|those|their|your|its|new|existing)\s+)+", re.I)
_VERBS = r"(?:run|put|deploy|host|move|migrate|package|ship|containeri[sz]e|virtuali[sz]e|keep|use)"


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True))


class SubjectFinder:
    def __init__(self, platform_words: Iterable[str]) -> None:
        platforms = rf"(?:a\s+|an\s+|the\s+)?(?:{_alternation(platform_words)})\b"
        self._patterns = [
            # should our billing API be a container / run in a VM
            re.compile(rf"\bshould\s+(?:we\s+|i\s+|you\s+)?(?:{_VERBS}\s+)?(?P<s>.{{1,80}}?)\s+(?:be|run|go|live|stay|end\s+up)\s+(?:in|on|as|inside|into)?\s*{platforms}", re.I),
            # (should we) run Jenkins agents in containers
            re.compile(rf"\b{_VERBS}\s+(?P<s>.{{1,80}}?)\s+(?:in|on|as|inside|into|to|onto)\s+{platforms}", re.I),
            # billing API: container or VM?
            re.compile(rf"^(?P<s>[^:?!.\n]{{2,80}}?)\s*[:\u2013\u2014-]\s+{platforms}\s+(?:or|vs\.?|versus)\b", re.I),
            # container or VM for our ML training?
            re.compile(rf"{platforms}\s+(?:or|vs\.?|versus)\s+{platforms}\s+for\s+(?P<s>[^?!.;\n]{{1,80}})", re.I),
            # is a container right for our ML training
            re.compile(rf"{platforms}\s+(?:right|better|best|good|ok|okay|suitable|the\s+way\s+to\s+go)\s+for\s+(?P<s>[^?!.;\n]{{1,80}})", re.I),
        ]

    def find(self, text: str) -> str | None:
        for pattern in self._patterns:
            match = pattern.search(text)
            if match:
                subject = _DETERMINERS.sub("", " ".join(match.group("s").split())).strip(" ,;:-")
                if subject and len(subject) <= MAX_SUBJECT and subject.lower() not in ("it", "this", "that", "them", "we", "i"):
                    return subject
        return None
