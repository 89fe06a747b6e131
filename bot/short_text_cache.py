"""A cache for functions of short strings, such as the words of a question or the
knowledge base's own texts, which repeat. A long string is worked out each time and
never kept, so that a stream of 40,000-character messages cannot fill memory."""

from __future__ import annotations

from functools import lru_cache, wraps
from typing import Callable, TypeVar

Result = TypeVar("Result")


def cached_when_short(max_length: int, size: int) -> Callable[[Callable[[str], Result]], Callable[[str], Result]]:
    def decorate(work: Callable[[str], Result]) -> Callable[[str], Result]:
        cached = lru_cache(maxsize=size)(work)

        @wraps(work)
        def lookup(text: str) -> Result:
            return cached(text) if len(text) <= max_length else work(text)

        return lookup

    return decorate
