"""The common YAML mistakes of people who do not write YAML every day, said as what to do.

The parser's own words ("mapping values are not allowed here") follow in parentheses, for
whoever knows them."""

from __future__ import annotations

import yaml

from .yaml_lines import error_line

INDENTATION = (
    "this line does not line up with the lines above it: keys of one entry start in the same "
    "column, and each item of a list starts with '-' in the same column (indent with spaces only)"
)
_ADVICE = (
    ("mapping values are not allowed here", "a text with ': ' in it must be in quotes: \"like: this\""),
    ("expected <block end>", INDENTATION),
    ("could not find expected ':'", "a key needs ':' after it; a text over several lines must be in quotes, or start with '>-'"),
    ("expected ',' or ']'", "a list in [ ] is not closed, or one of its items needs quotes (a text with ',', ':', '[' or '{')"),
    ("expected ',' or '}'", "a mapping in { } is not closed, or one of its values needs quotes (a text with ',' or ':')"),
    ("undefined alias", "a text that starts with '*', '&' or '!' must be in quotes"),
    ("cannot start any token", "a text that starts with '@', '`', '%' or '|' must be in quotes"),
    ("found unexpected end of stream", "a quote was opened and never closed"),
)


def tab_indented_line(text: str) -> int | None:
    """The first line indented with a tab: YAML refuses tabs, often far from where they are."""
    for number, line in enumerate(text.splitlines(), 1):
        indentation = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indentation and line.strip():
            return number
    return None


def explain(error: yaml.YAMLError, text: str) -> tuple[int, str]:
    """The line to point at, and what to do there."""
    tab_line = tab_indented_line(text)
    if tab_line is not None:
        return tab_line, "invalid YAML: this line is indented with a tab character: indent with spaces, not a tab"
    original = getattr(error, "problem", None) or str(error).splitlines()[0]
    advice = next((advice for clue, advice in _ADVICE if clue in original), None)
    if advice is None:
        return error_line(error), f"invalid YAML: {original}"
    return error_line(error), f"invalid YAML: {advice} (the parser says: {original})"
