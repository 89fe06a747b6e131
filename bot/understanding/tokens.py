"""Words of a question with their place in the text, and the light stemming that
lets "containers" match "container"."""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from ..short_text_cache import cached_when_short

# A word may hold inner dots and apostrophes (node.js, 12.04, doesn't), may start
# with a dot (.net) and end in + or # (c++, c#). Clause marks and commas are
# tokens too.
_TOKEN = re.compile(r"\.?[^\W_]+(?:['.][^\W_]+)*\+*#?|[.;!?:,]")


class Token(NamedTuple):  # made for every word of every question: a third of a frozen dataclass's cost
    text: str  # as typed
    stem: str  # lower case, plural "s" removed
    start: int
    end: int


# Names whose final "s" is not a plural: "Windows" is not "window".
NOT_PLURALS = frozenset({"windows", "kubernetes", "jenkins", "aws", "ios", "macos", "postgres", "redis", "sales", "news", "keras", "kubernetes", "gvisor", "nodejs", "rails", "aws"})


@cached_when_short(max_length=40, size=16384)  # people use the same few thousand words
def stem(word: str) -> str:
    word = word.lower()
    if word.endswith("'s"):
        word = word[:-2]
    if word in NOT_PLURALS:
        return word
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) and word.isalpha():
        word = word[:-1]
    elif len(word) > 2 and word.endswith("s") and word[-2].isdigit() and word[0].isalpha():  # "H100s", "T4s"
        word = word[:-1]
    return word


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\u2019", "'")


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), stem(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def phrase_stems(phrase: str) -> tuple[str, ...]:
    """How a knowledge phrase is matched: its stems, with -, /, _ and & as spaces."""
    spaced = re.sub(r"[-/_&,()\"]", " ", normalize(phrase).lower())
    return tuple(token.stem for token in tokenize(spaced))
