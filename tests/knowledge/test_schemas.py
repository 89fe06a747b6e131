"""The JSON Schemas editors use to help knowledge authors as they type: every knowledge file
points at its schema on its first line, the shipped files pass, a typical mistake is
underlined, and fields the schemas do not know yet are allowed."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from bot.knowledge import DEFAULT_DIRECTORY
from bot.knowledge.loader import FILES
from bot.knowledge.yaml_lines import parse_yaml

KNOWLEDGE = Path(DEFAULT_DIRECTORY)


def _schema(name: str) -> dict:
    schema = json.loads((KNOWLEDGE / "schema" / f"{name}.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


def _document(text: str):
    """As an editor sees it: JSON values (an unquoted date is text to YAML 1.2 editors)."""
    return json.loads(json.dumps(parse_yaml(text), default=str))


def _errors(name: str, text: str) -> list[str]:
    validator = jsonschema.Draft7Validator(_schema(name))
    return [error.message for error in validator.iter_errors(_document(text))]


@pytest.mark.parametrize("name", FILES)
def test_each_file_names_its_schema_on_the_first_line_and_passes_it(name):
    text = (KNOWLEDGE / f"{name}.yaml").read_text()
    assert text.splitlines()[0] == f"# yaml-language-server: $schema=schema/{name}.schema.json"
    assert _errors(name, text) == []


def test_a_typo_in_a_verdict_and_a_missing_reason_are_underlined():
    text = (KNOWLEDGE / "rules.yaml").read_text()
    text = text.replace("then: {derive: [needs_strong_isolation]}", "then: {weight: {hybird: 3}}", 1)
    text = text.replace("    because: VMs provide stronger isolation", "    becuase: VMs provide stronger isolation", 1)
    errors = _errors("rules", text)
    assert any("'hybird'" in e for e in errors)
    assert "'because' is a required property" in errors


def test_fields_the_schemas_do_not_know_yet_are_allowed():
    text = (KNOWLEDGE / "facts.yaml").read_text()
    text = text.replace("  - id: multi_tenant\n", "  - id: multi_tenant\n    provenance: {origin: authors, why: asked for by the platform team}\n", 1)
    assert "provenance:" in text
    assert _errors("facts", text) == []


def test_a_phrase_family_the_authors_added_is_checked_too():
    text = (KNOWLEDGE / "facts.yaml").read_text()
    assert "\n        rules_out: true\n" in text
    errors = _errors("facts", text.replace("\n        rules_out: true\n", "\n        rules_out: maybe\n", 1))
    assert errors == ["'maybe' is not of type 'boolean'"]
