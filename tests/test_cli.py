"""The `placement` command as a user runs it."""

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"
CONTRACT_KEYS = {"question", "intent", "subject", "verdict", "confidence", "facts", "reasons", "would_change_if", "clarify", "rows"}


def test_ask_prints_the_verdict_first(capsys):
    assert main(["ask", "should our billing API be a container? it runs third-party plugins we don't trust"]) == 0
    out = capsys.readouterr().out
    first_line = out.splitlines()[0]
    assert first_line.startswith("Verdict for billing API: ")
    assert "[vms.security-isolation]" in out
    assert "you said: " in out


def test_ask_json_carries_the_documented_contract(capsys):
    assert main(["ask", "--json", "CI runners that build untrusted pull requests"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert CONTRACT_KEYS <= set(answer)
    assert answer["intent"] == "recommend" and answer["verdict"] == "hybrid"
    assert answer["confidence"] in ("high", "medium", "low")
    assert all(set(f) == {"fact", "value", "evidence"} for f in answer["facts"])
    assert all({"rule", "text", "source"} <= set(r) for r in answer["reasons"])
    assert isinstance(answer["clarify"], list) and isinstance(answer["would_change_if"], list)


def test_ask_reads_one_question_per_line_from_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("startup time?\n\nhelp\nlegacy COBOL on RHEL 5\n"))
    assert main(["ask", "--json"]) == 0
    answers = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(a["intent"], a["verdict"]) for a in answers] == [("compare", None), ("help", None), ("recommend", "vm")]
    assert answers[0]["rows"] == [{"dimension": "Startup Time", "containers": "Seconds", "vms": "Minutes", "source": "diff.startup-time"}]


def test_kb_check_on_the_bundled_knowledge(capsys):
    assert main(["kb", "check"]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


def test_kb_test_reports_a_miss_and_fails(knowledge_copy, capsys):
    examples = knowledge_copy / "examples.yaml"
    examples.write_text("examples:\n  - ask: ML training on GPUs\n    verdict: container\n")
    assert main(["kb", "test", str(knowledge_copy)]) == 1
    out = capsys.readouterr().out
    assert f"{examples}:2: 'ML training on GPUs': verdict vm, expected container" in out  # the same path kb check prints
    assert out.rstrip().endswith("0 passed, 1 failed")


def test_the_console_script_runs_as_a_process():
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "<!channel> startup time?"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["intent"] == "compare"


def _readme_commands():
    block = re.search(r"```sh\n(.*?)```", README.read_text(), re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_readme_starts_with_the_two_commands():
    text = README.read_text()
    assert text.index("```sh") < 40  # right under the title
    run, test = _readme_commands()
    assert "pip install" in run and "placement ask " in run
    assert "pip install" in test and "pytest" in test


@pytest.mark.parametrize("command", ["placement ask", "placement ask --json", "placement kb check", "placement kb test", "placement serve"])
def test_every_command_is_documented_in_the_readme(command):
    assert command in README.read_text()
