"""Slack's message wire format -> the plain text a person typed.

Slack sends `<@U123>`, `<!channel>`, `<http://x|label>`, `*bold*`, `` `code` `` and
HTML-escaped `&lt; &gt; &amp;`. The understanding works on what the person meant.
"""

from __future__ import annotations

import html
import re

# Every part inside <...> is bounded and may not contain "<", so an unclosed "<"
# costs one short look-ahead, not a scan to the end of a 40,000-character text.
_USER_OR_CHANNEL = re.compile(r"<[@#][A-Z0-9]{1,40}(?:\|([^<>]{0,200}))?>")
_SPECIAL = re.compile(r"<![^<>]{0,200}>")
_LINK = re.compile(r"<((?:https?|mailto):[^|<>]{0,2000})(?:\|([^<>]{0,500}))?>")
_CODE_FENCE = re.compile(r"```")
# Formatting marks at the edge of a word (*bold*, _italic_, ~strike~, `code`); marks
# inside a word (snake_case, 2*3) stay. No pairing, so the cost stays linear in
# the text's length whatever its marks.
_INLINE_MARKS = re.compile(r"`+|(?<!\w)[*_~]+|[*_~]+(?!\w)")


def to_plain_text(wire_text: str) -> str:
    """Strip Slack markup, keeping the words a person would read."""
    text = _USER_OR_CHANNEL.sub(lambda m: m.group(1) or " ", wire_text)
    text = _SPECIAL.sub(" ", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = _CODE_FENCE.sub("\n", text)
    text = _INLINE_MARKS.sub("", text)
    return html.unescape(text).replace("\u2019", "'").replace("\u2018", "'").strip()
