"""Fact sets as small ints, for caching what the rules make of them.

Only the (fact, value) pairs some rule waits for change a run of the rules, so a
fact set is keyed by those pairs alone, one bit each: "no GPU, microservices" and
"microservices" share a key while no rule waits for a GPU to be absent. An int is
a tenth of the memory of a frozenset of pairs, and hashes at once.
"""

from __future__ import annotations

from typing import Iterable


class FactKeys:
    def __init__(self, observed: Iterable[tuple[str, bool]]) -> None:
        self._pairs = tuple(sorted(set(observed)))
        self._bits = {pair: 1 << index for index, pair in enumerate(self._pairs)}

    def key(self, facts: Iterable[tuple[str, bool]]) -> int:
        key = 0
        for pair in facts:
            key |= self._bits.get(pair, 0)
        return key

    def with_value(self, key: int, fact: str, value: bool) -> int:
        """The key of the same facts with `fact` said to be `value` instead."""
        key &= ~(self._bits.get((fact, True), 0) | self._bits.get((fact, False), 0))
        return key | self._bits.get((fact, value), 0)

    def facts(self, key: int) -> dict[str, bool]:
        """The pairs behind a key, as the rule engine takes them."""
        return dict(pair for index, pair in enumerate(self._pairs) if key >> index & 1)
