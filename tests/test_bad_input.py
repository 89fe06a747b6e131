"""Whatever the text, the bot answers with a valid answer and never crashes.

Each CLI call loads the knowledge base (about 0.3 s), so most generated texts go
straight to the Advisor and its renderers; fewer go through the whole command."""

import io
import json
import sys

from hypothesis import HealthCheck, given, settings

from bot.cli import main
from bot.rendering.json_contract import to_json
from bot.rendering.terminal_text import to_text
from hostile_text import hostile_text

VERDICTS = {"container", "vm", "hybrid", "unknown", None}


@settings(max_examples=400, deadline=None)
@given(text=hostile_text)
def test_advisor_always_answers_and_renders(advisor, text):
    answer = advisor.advise(text)
    assert answer.verdict in VERDICTS
    assert json.loads(json.dumps(to_json(answer)))["headline"]
    assert to_text(answer).strip()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
def test_ask_json_always_answers(text, capsys):
    assert main(["ask", "--json", "--", text]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["verdict"] in VERDICTS
    assert answer["intent"] in ("recommend", "compare", "help")
    assert answer["headline"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
def test_ask_text_and_stdin_always_answer(text, capsys, monkeypatch):
    assert main(["ask", "--", text]) == 0
    assert capsys.readouterr().out.strip()
    monkeypatch.setattr(sys, "stdin", io.StringIO(text + "\nstartup time?\n"))
    assert main(["ask", "--json"]) == 0
    lines = capsys.readouterr().out.rstrip("\n").split("\n")
    assert json.loads(lines[-1])["intent"] == "compare"
    assert all(json.loads(line)["verdict"] in VERDICTS for line in lines)
