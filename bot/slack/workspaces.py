"""Which workspace a request, or an event kept to answer later, comes from."""

from __future__ import annotations

from typing import Any, Mapping

from slack_bolt.request.internals import extract_enterprise_id, extract_is_enterprise_install, extract_team_id

from ..storage.interface import Workspace


def workspace_of(body: Mapping[str, Any]) -> Workspace:
    """Any payload Slack sends (event, command, action, view). An app installed across an
    Enterprise Grid org is one workspace, the org: its channels span the org's teams."""
    payload = dict(body)
    enterprise_id = extract_enterprise_id(payload) or ""
    if enterprise_id and extract_is_enterprise_install(payload):
        return Workspace(enterprise_id, "")
    return Workspace(enterprise_id, extract_team_id(payload) or "")
