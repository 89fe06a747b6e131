"""Slack's message wire format -> the plain text a person typed.

Slack sends `<@U123>`, `<!channel>`, `<http://x|label>`, `*bold*`, `` `code` `` and
HTML-escaped `&lt; &gt; &amp;`. The understanding works on what the person meant.
"""

from __future__ import annotations

import html
import re

_USER_OR_CHANNEL = re.compile(r"<[@#][A-Z0-9]+(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(?:channel|here|everyone)(?:\|[^>]*)?>|<![^>]*>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]*)(?:\|([^>]*))?>")
_CODE_FENCE = re.compile(r"```")
_INLINE_MARKS = re.compile(r"(?<![\w*_~`])([*_~`])(?=\S)(.+?)(?<=\S)\1(?![\w*_~`])")


def to_plain_text(wire_text: str) -> str:
    """Strip Slack markup, keeping the words a person would read."""
    text = _USER_OR_CHANNEL.sub(lambda m: m.group(1) or " ", wire_text)
    text = _SPECIAL.sub(" ", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _CODE_FENCE.sub("\n", text)
    for _ in range(3):  # nested marks such as *_bold italic_*
        text, count = _INLINE_MARKS.subn(r"\2", text)
        if not count:
            break
    return html.unescape(text).replace("\u2019", "'").replace("\u2018", "'").strip()
