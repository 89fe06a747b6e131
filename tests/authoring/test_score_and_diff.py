"""`kb score` and `kb diff`: what an author runs before merging an edit to knowledge/."""

from __future__ import annotations

import pytest

from bot.cli import main

# The tests' own labelled questions, in the format of the project's question files.
LABELLED = """\
- q: legacy COBOL on RHEL 5
  verdict: vm
  why: a note for people, ignored
- q: ML training on GPUs
  verdict: container
- q: startup time?
  intent: compare
- q: "CI runners that build untrusted pull requests"
  verdict: hybrid
"""


@pytest.fixture
def labelled(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(LABELLED)
    return path


def test_score_prints_each_miss_with_its_line_and_a_score_per_file_and_in_all(labelled, tmp_path, capsys):
    other = tmp_path / "other.yaml"
    other.write_text("- q: help\n  intent: compare\n")
    assert main(["kb", "score", str(labelled), str(other)]) == 0  # it measures; it does not gate
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{labelled}:4: MISS 'ML training on GPUs': verdict vm, expected container",
        "mine.yaml: 3/4 right (75%)",
        f"{other}:1: MISS 'help': intent help, expected compare",
        "other.yaml: 0/1 right (0%)",
        "all: 3/5 right (60%)",
    ]


def test_score_refuses_an_unusable_file_with_its_line(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    broken.write_text("- q: fine\n  verdict: vm\n- q: no label here\n- q: x\n  verdict: maybe\n")
    assert main(["kb", "score", str(broken)]) == 2
    err = capsys.readouterr().err
    assert f"{broken}:3: an item needs 'verdict' or 'intent: compare'" in err
    assert f"{broken}:4: unknown verdict 'maybe'" in err


def test_score_on_an_edited_copy_answers_from_the_copy(labelled, knowledge_copy, capsys):
    _remove_the_gpu_rule(knowledge_copy)
    assert main(["kb", "score", "--knowledge", str(knowledge_copy), str(labelled)]) == 0
    assert "'ML training on GPUs': verdict unknown, expected container" in capsys.readouterr().out


def _remove_the_gpu_rule(directory):
    rules = directory / "rules.yaml"
    text = rules.read_text()
    start = text.index("  - id: gpu-is-hardware-acceleration")
    end = text.index("  - id: ", start + 1)
    rules.write_text(text[:start] + text[end:])


def test_diff_of_the_same_knowledge_changes_nothing(knowledge_copy, capsys):
    assert main(["kb", "diff", str(knowledge_copy)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("0 of ") and out[0].endswith(" answers changed")


def test_diff_lists_each_answer_an_edit_changes(knowledge_copy, labelled, capsys):
    _remove_the_gpu_rule(knowledge_copy)
    assert main(["kb", "diff", _bundled(), str(knowledge_copy), "--questions", str(labelled)]) == 1
    out = capsys.readouterr().out.splitlines()
    [gpu] = [line for line in out if "'ML training on GPUs'" in line]
    assert gpu.startswith(f"{labelled}:4: 'ML training on GPUs': verdict ") and "-> unknown" in gpu
    assert any("examples.yaml:" in line and "verdict vm -> " in line for line in out)
    changed, asked = out[-1].split(" answers changed")[0].split(" of ")
    assert 0 < int(changed) < int(asked)
    assert not any("COBOL" in line for line in out)  # untouched answers are not listed


def _bundled():
    from bot.knowledge import DEFAULT_DIRECTORY

    return DEFAULT_DIRECTORY


def test_diff_with_a_broken_new_knowledge_base_says_where(knowledge_copy, capsys):
    (knowledge_copy / "rules.yaml").write_text("rules: [")
    assert main(["kb", "diff", _bundled(), str(knowledge_copy)]) == 2
    assert f"{knowledge_copy / 'rules.yaml'}:" in capsys.readouterr().err
