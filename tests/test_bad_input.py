"""Whatever the text, the CLI answers with a valid answer and never crashes."""

import io
import json
import sys

from hypothesis import HealthCheck, given, settings

from bot.cli import main
from hostile_text import hostile_text

VERDICTS = {"container", "vm", "hybrid", "unknown", None}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
def test_ask_json_always_answers(text, capsys):
    assert main(["ask", "--json", "--", text]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["verdict"] in VERDICTS
    assert answer["intent"] in ("recommend", "compare", "help")
    assert answer["headline"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
def test_ask_text_and_stdin_always_answer(text, capsys, monkeypatch):
    assert main(["ask", "--", text]) == 0
    assert capsys.readouterr().out.strip()
    monkeypatch.setattr(sys, "stdin", io.StringIO(text + "\nstartup time?\n"))
    assert main(["ask", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert json.loads(lines[-1])["intent"] == "compare"
    assert all(json.loads(line)["verdict"] in VERDICTS for line in lines)
