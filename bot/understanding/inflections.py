"""The words an inflected English word can come from: "hosted" from "host", "tries" from
"try", "shipped" from "ship", "uploading" from "upload". Used to tell that a word is
English (dictionaries list base forms) and to read it as the base form the knowledge
base uses."""

from __future__ import annotations

from typing import Container

_SUFFIXES = (
    ("ies", ("y",)), ("ied", ("y",)), ("ing", ("", "e")), ("es", ("", "e")), ("ed", ("", "e")),
    ("er", ("", "e")), ("est", ("", "e")), ("ly", ("", "le")), ("s", ("",)), ("'s", ("",)),
)
MIN_BASE = 3


def bases_of(word: str) -> list[str]:
    """The possible base forms of `word`, most likely first; none for a short word."""
    found: list[str] = []
    for suffix, endings in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_BASE:
            base = word[: -len(suffix)]
            found += [base + ending for ending in endings]
            if base[-1] == base[-2]:  # "shipped", "running"
                found.append(base[:-1])
    return found


def base_in(word: str, known: Container[str]) -> str | None:
    """The first base form of `word` that `known` holds, if any."""
    return next((base for base in bases_of(word) if base in known), None)
