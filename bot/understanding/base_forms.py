"""Read an inflected word as the form the knowledge base uses, so that a phrase family
written once matches how people write it: "customers uploading their own plugins"
matches "upload their own", "training models" matches "train models". Only words the
knowledge base knows are targets, so other words pass through unchanged."""

from __future__ import annotations

from typing import Iterable

from ..short_text_cache import cached_when_short
from .inflections import base_in


class BaseForms:
    def __init__(self, vocabulary: Iterable[str]) -> None:
        self._vocabulary = frozenset(vocabulary)
        self.base = cached_when_short(max_length=40, size=65536)(self._base)

    def _base(self, word: str) -> str:
        if word in self._vocabulary or not word.isalpha():
            return word
        return base_in(word, self._vocabulary) or word
