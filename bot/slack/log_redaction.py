"""Logging for the server, with every secret cut out of every line, and every line one line.

The filter sits on the handler, so it also sees records propagated from Bolt's,
slack_sdk's and waitress's own loggers. A message may hold what a user wrote or a request
carried: its newlines and other control characters are written as escapes (a backslash
and `n`, `x1b`, ...), so no text can forge a line of its own. Tracebacks, which only the bot writes,
keep their lines.
"""

from __future__ import annotations

import logging
import re
from typing import Iterable, TextIO

_TOKEN_SHAPES = re.compile(r"\b(?:xox[a-z]|xapp)-[A-Za-z0-9-]+")
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
REDACTED = "[redacted]"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class SecretRedactor(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted((s for s in secrets if s), key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return _TOKEN_SHAPES.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = one_line(self.redact(record.getMessage()))
        record.args = None
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def one_line(text: str) -> str:
    return _CONTROLS.sub(_escape, text)


def _escape(control: re.Match) -> str:
    char = control.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def configure_logging(secrets: Iterable[str], stream: TextIO, level: int | str = logging.INFO) -> logging.Handler:
    """Sends every log record, redacted, to `stream`; returns the handler so it can be removed."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(SecretRedactor(secrets))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    return handler
