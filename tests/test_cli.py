"""The `placement` command as a user runs it."""

import argparse
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import _parser, main
from bot.slack.settings import ENVIRONMENT

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
    requirements = text[: text.index("```sh")]
    assert requirements.count("\n\n") == 2  # right under the title and one paragraph of what it needs
    assert "Python 3.11 or 3.12" in requirements and "C compiler" in requirements
    run, test = _readme_commands()
    assert "pip install" in run and "placement ask " in run
    assert "pip install" in test and "pytest" in test


def _subcommands(parser):
    """(name, parser) for every command and kb command."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                full = f"{parser.prog} {name}"
                found.append((full, child))
                found.extend(_subcommands(child))
    return found


COMMANDS = _subcommands(_parser())


def test_every_command_is_documented_in_the_readme():
    text = README.read_text()
    assert [name for name, _ in COMMANDS if name not in text] == []
    assert "placement ask --json" in text and "placement --version" in text


@pytest.mark.parametrize(("name", "parser"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_argument_and_the_exit_codes_are_in_the_help(name, parser):
    for action in parser._actions:
        assert action.help, f"{name}: {action.dest} has no help"
        if action.default not in (None, False, [], argparse.SUPPRESS) and not action.option_strings:
            assert "default" in action.help, f"{name}: {action.dest} does not say its default"
    help_text = parser.format_help()
    assert "exit codes:" in help_text and "  2  wrong arguments" in help_text


def test_serve_help_lists_every_setting_and_the_readme_explains_them():
    help_text = dict(COMMANDS)["placement serve"].format_help()
    for name, _ in ENVIRONMENT:
        assert name in help_text and f"| `{name}` |" in README.read_text()
    assert "--knowledge DIR" in help_text and "SIGHUP" in help_text


def test_version(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert re.fullmatch(r"placement \d+\.\d+\.\d+\n", capsys.readouterr().out)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_ask_at_a_terminal_without_a_question_says_how_then_answers(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", _Terminal("startup time?\n"))
    assert main(["ask"]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("Type a question and press Enter; Ctrl-D ends.")
    assert "Startup Time" in captured.out


def test_ask_from_a_pipe_prints_no_prompt(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("startup time?\n"))
    assert main(["ask"]) == 0
    assert capsys.readouterr().err == ""


def test_kb_check_gives_plain_advice_for_a_colon_in_a_text(knowledge_copy, capsys):
    rules = knowledge_copy / "rules.yaml"
    rules.write_text(rules.read_text().replace("    because: Tenants who must not reach each other", "    because: Tenants: who must not reach each other", 1))
    line = next(n for n, text in enumerate(rules.read_text().splitlines(), 1) if "because: Tenants: who" in text)
    assert main(["kb", "check", str(knowledge_copy)]) == 1
    out = capsys.readouterr().out
    assert f"{rules}:{line}: invalid YAML: a text with ': ' in it must be in quotes" in out
