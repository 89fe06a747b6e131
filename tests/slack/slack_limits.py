"""Slack's published limits on views (modals, the Home tab) and their blocks (DESIGN.md sections
4 and 6), checked on what the bot sends: Slack refuses a view that breaks one with invalid_blocks.

slack_sdk's View.validate_json checks a view's own limits (title, submit and close lengths, the
number of blocks, private_metadata); it does not look inside the blocks (labels, options, ids
repeated), so those are checked here."""

from __future__ import annotations

from collections import Counter
from typing import Any

from slack_sdk.models.views import View

VIEW_BLOCKS, MESSAGE_BLOCKS = 100, 50
LIMITS = {"section": 3000, "header": 150, "label": 2000, "context_elements": 10, "button_text": 75,
          "button_value": 2000, "action_id": 255, "block_id": 255, "option_text": 75, "option_value": 150, "options": 10,
          "placeholder": 150}


def assert_view_within_limits(view: dict[str, Any]) -> None:
    assert view["type"] in ("modal", "home")
    View(**view).validate_json()  # raises SlackObjectFormationError
    assert_blocks_within_limits(view["blocks"], VIEW_BLOCKS)


def assert_blocks_within_limits(blocks: list[dict[str, Any]], max_blocks: int = MESSAGE_BLOCKS) -> None:
    assert 0 < len(blocks) <= max_blocks
    block_ids = [block["block_id"] for block in blocks if "block_id" in block]
    assert all(0 < len(b) <= LIMITS["block_id"] for b in block_ids) and not _repeated(block_ids)
    for block in blocks:
        kind = block["type"]
        if kind == "section":
            assert 0 < len(block["text"]["text"]) <= LIMITS["section"]
        elif kind == "header":
            assert 0 < len(block["text"]["text"]) <= LIMITS["header"]
        elif kind == "context":
            assert 0 < len(block["elements"]) <= LIMITS["context_elements"]
        elif kind == "input":
            assert 0 < len(block["label"]["text"]) <= LIMITS["label"]
            _element_within_limits(block["element"])
        elif kind == "actions":
            action_ids = [element["action_id"] for element in block["elements"]]
            assert not _repeated(action_ids), action_ids
            for element in block["elements"]:
                _element_within_limits(element)
        else:
            raise AssertionError(f"a block of a kind the bot does not send: {kind}")


def _element_within_limits(element: dict[str, Any]) -> None:
    assert 0 < len(element["action_id"]) <= LIMITS["action_id"]
    if element["type"] == "button":
        assert 0 < len(element["text"]["text"]) <= LIMITS["button_text"]
        assert len(element.get("value") or "") <= LIMITS["button_value"]
    elif element["type"] in ("radio_buttons", "static_select"):
        options = element["options"]
        assert 0 < len(options) <= LIMITS["options"] and not _repeated([o["value"] for o in options])
        for option in options:
            assert 0 < len(option["text"]["text"]) <= LIMITS["option_text"] and 0 < len(option["value"]) <= LIMITS["option_value"]
        if "initial_option" in element:
            assert element["initial_option"] in options
    elif element["type"] == "plain_text_input":
        assert len((element.get("placeholder") or {}).get("text") or "") <= LIMITS["placeholder"]
    else:
        raise AssertionError(f"an element of a kind the bot does not send: {element['type']}")


def _repeated(values: list[str]) -> list[str]:
    return [value for value, seen in Counter(values).items() if seen > 1]
