"""The end of an install, as the installer's browser sees it: Bolt's own pages (a thank-you
that opens Slack, or "Something went wrong" with the reason and a link back to the install
page), and one log line for each. A refused redirect is an unauthenticated request: its
reason goes to the front door, which logs it within its limit on refusal lines
(front_door.py), never the query, which carries the code and state."""

from __future__ import annotations

import logging
import re

from slack_bolt import BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs

logger = logging.getLogger("placement")

# In the request's context: why Bolt refused the redirect ("invalid_state", "invalid_browser", ...).
REFUSAL_KEY = "placement_install_refused"
_SLACK_ERROR = re.compile(r"'error': '([a-z_]{1,60})'")


class _WithoutTheCode(logging.Filter):
    """Bolt logs a code Slack refused whole, with Slack's whole answer: a code of any length,
    chosen by whoever sent the redirect. Only Slack's error is kept (it tells an operator
    that, say, SLACK_CLIENT_SECRET is wrong)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("Failed to fetch oauth.v2.access result"):
            found = _SLACK_ERROR.search(message)
            record.msg, record.args = "Slack refused an install's code (oauth.v2.access: %s)", (found.group(1) if found else "?",)
        return True


logging.getLogger("slack_bolt.App").addFilter(_WithoutTheCode())


def _installed(args: SuccessArgs) -> BoltResponse:
    installation = args.installation
    if installation.is_enterprise_install:
        where = f"the org {installation.enterprise_id}"
    elif installation.enterprise_id:
        where = f"the workspace {installation.team_id} of the org {installation.enterprise_id}"
    else:
        where = f"the workspace {installation.team_id}"
    logger.info("installed in %s", where)
    return args.default.success(args)


def _refused(args: FailureArgs) -> BoltResponse:
    args.request.context[REFUSAL_KEY] = args.reason
    return args.default.failure(args)


INSTALL_CALLBACKS = CallbackOptions(success=_installed, failure=_refused)
