"""A knowledge author who breaks a file gets `file:line: what is wrong`, never a traceback."""

import re

import pytest

from bot.advisor import Advisor
from bot.cli import main
from bot.knowledge import KnowledgeError, read_knowledge


def _line_of(path, text):
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def _errors(directory):
    knowledge, problems = read_knowledge(str(directory))
    assert knowledge is None
    return [str(p) for p in problems if not p.warning]


def test_bundled_knowledge_has_no_errors_or_warnings():
    knowledge, problems = read_knowledge()
    assert knowledge is not None
    assert [str(p) for p in problems] == []


def test_yaml_syntax_error_names_file_and_line(knowledge_copy):
    rules = knowledge_copy / "rules.yaml"
    lines = rules.read_text().splitlines()
    bad_line = _line_of(rules, "id: tenants-need-isolation")
    lines[bad_line - 1] = "  - id: [unclosed"
    rules.write_text("\n".join(lines) + "\n")
    errors = _errors(knowledge_copy)
    assert len(errors) == 1
    assert errors[0].startswith(f"{rules}:")
    assert "invalid YAML" in errors[0]
    # PyYAML reports the mark where it noticed; it must be at or just after the broken line
    reported = int(errors[0].split(":")[1])
    assert bad_line <= reported <= bad_line + 2


def test_a_typo_in_a_fact_is_reported_on_its_own_line_with_the_near_name(knowledge_copy):
    rules = knowledge_copy / "rules.yaml"
    rules.write_text(rules.read_text().replace("when: {all: [multi_tenant]}", "when: {all: [multi_tenants]}"))
    line = _line_of(rules, "when: {all: [multi_tenants]}")
    assert line == _line_of(rules, "id: tenants-need-isolation") + 1
    assert (f"{rules}:{line}: rule 'tenants-need-isolation' names undeclared fact 'multi_tenants'; "
            "did you mean 'multi_tenant'?") in _errors(knowledge_copy)


def test_a_condition_in_a_block_list_is_reported_on_its_line(knowledge_copy):
    rules = knowledge_copy / "rules.yaml"
    rules.write_text(rules.read_text().replace("when: {all: [multi_tenant]}", "when:\n      all:\n        - untrusted_code\n        - multi_tennant"))
    line = _line_of(rules, "- multi_tennant")
    assert any(e.startswith(f"{rules}:{line}: ") and "did you mean 'multi_tenant'?" in e for e in _errors(knowledge_copy))


def test_rule_citing_missing_section(knowledge_copy):
    rules = knowledge_copy / "rules.yaml"
    text = rules.read_text()
    rules.write_text(text.replace("source: vms.heterogeneous-environments", "source: vms.heterogenous", 1))
    line = _line_of(rules, "source: vms.heterogenous")
    assert (f"{rules}:{line}: rule 'conflicting-deps-need-abstraction' cites missing section 'vms.heterogenous'; "
            "did you mean 'vms.heterogeneous-environments'?") in _errors(knowledge_copy)


def test_an_example_and_a_verdict_naming_missing_things_are_reported_on_those_lines(knowledge_copy):
    examples = knowledge_copy / "examples.yaml"
    examples.write_text("examples:\n  - ask: ML training on GPUs\n    verdict: vm\n    facts: {gpuu: true}\n    cites: [vms.gpu-cpu-intensiv]\n")
    verdicts = knowledge_copy / "verdicts.yaml"
    verdicts.write_text(verdicts.read_text().replace("source: diff.isolation", "source: diff.isolatoin", 1))
    errors = _errors(knowledge_copy)
    assert f"{examples}:4: example names undeclared fact 'gpuu'; did you mean 'gpu'?" in errors
    assert f"{examples}:5: example cites missing section 'vms.gpu-cpu-intensiv'; did you mean 'vms.gpu-cpu-intensive'?" in errors
    line = _line_of(verdicts, "source: diff.isolatoin")
    assert f"{verdicts}:{line}: verdict 'container' cites missing section 'diff.isolatoin'; did you mean 'diff.isolation'?" in errors


def test_a_name_far_from_every_declared_one_gets_no_guess(knowledge_copy):
    rules = knowledge_copy / "rules.yaml"
    rules.write_text(rules.read_text().replace("when: {all: [multi_tenant]}", "when: {all: [quantum_teleporter]}"))
    [error] = [e for e in _errors(knowledge_copy) if "quantum_teleporter" in e]
    assert "did you mean" not in error


@pytest.mark.parametrize(
    ("broken", "advice"),
    [
        ("    because: VMs: stronger isolation", "a text with ': ' in it must be in quotes"),
        ("\tbecause: indented with a tab", "indent with spaces, not a tab"),
        ("   because: one space short", "does not line up with the lines above"),
        ("  because: two spaces short", "does not line up with the lines above"),
    ],
)
def test_common_yaml_mistakes_get_plain_advice_on_their_line(knowledge_copy, broken, advice):
    rules = knowledge_copy / "rules.yaml"
    lines = rules.read_text().splitlines()
    bad_line = _line_of(rules, "    because: Tenants who must not reach each other")
    lines[bad_line - 1] = broken
    rules.write_text("\n".join(lines) + "\n")
    [error] = _errors(knowledge_copy)
    assert error.startswith(f"{rules}:{bad_line}: invalid YAML: ")
    assert advice in error


def test_an_unquoted_version_number_is_a_warning_that_says_to_quote_it(knowledge_copy):
    facts = knowledge_copy / "facts.yaml"
    text = facts.read_text()
    start = text.index("- id: multi_tenant")
    phrases = text.index("phrases: [", start) + len("phrases: [")
    facts.write_text(text[:phrases] + "3.10, " + text[phrases:])
    knowledge, problems = read_knowledge(str(knowledge_copy))
    assert knowledge is not None  # a warning: the bot still starts
    line = _line_of(facts, "phrases: [3.10, ")
    assert [str(p) for p in problems] == [
        f'{facts}:{line}: warning: YAML reads 3.10 as the number 3.1; put it in quotes if it is text: "3.10"'
    ]


def test_duplicate_ids_are_errors(knowledge_copy):
    rules = knowledge_copy / "rules.yaml"
    rules.write_text(rules.read_text().replace("id: tenants-need-isolation", "id: untrusted-code-needs-isolation"))
    facts = knowledge_copy / "facts.yaml"
    facts.write_text(facts.read_text().replace("- id: multi_tenant", "- id: untrusted_code", 1))
    errors = _errors(knowledge_copy)
    assert any("duplicate rule id 'untrusted-code-needs-isolation'" in e for e in errors)
    assert any(e.startswith(f"{facts}:") and "duplicate fact id 'untrusted_code'" in e for e in errors)


def test_uncited_section_is_a_warning_not_an_error(knowledge_copy):
    article = knowledge_copy / "article.yaml"
    article.write_text(article.read_text() + "  - id: extra.section\n    title: Extra\n    quote: Not cited anywhere.\n")
    knowledge, problems = read_knowledge(str(knowledge_copy))
    assert knowledge is not None
    line = _line_of(article, "id: extra.section")
    assert [str(p) for p in problems] == [f"{article}:{line}: warning: no rule or verdict cites section 'extra.section'"]


def test_schema_errors_are_specific(knowledge_copy):
    rules = knowledge_copy / "rules.yaml"
    text = rules.read_text()
    text = re.sub(r"weight: \{hybrid:", "weight: {hybird:", text, count=1)
    text = text.replace("    because: Tenants who must not reach each other", "    becuase: typo\n    because: Tenants who must not reach each other")
    rules.write_text(text)
    errors = _errors(knowledge_copy)
    assert any("weight for unknown verdict 'hybird'" in e for e in errors)
    assert any("unknown key 'becuase'" in e for e in errors)


def test_missing_and_empty_files(knowledge_copy):
    (knowledge_copy / "clarify.yaml").unlink()
    (knowledge_copy / "verdicts.yaml").write_text("")
    errors = _errors(knowledge_copy)
    assert f"{knowledge_copy / 'clarify.yaml'}:1: file is missing" in errors
    assert f"{knowledge_copy / 'verdicts.yaml'}:1: file is empty" in errors


def test_words_like_no_and_yes_stay_words(knowledge_copy):
    """YAML 1.1 would read `no` as false and silently drop the negation cue."""
    knowledge, _ = read_knowledge(str(knowledge_copy))
    assert "no" in knowledge.language.negation_before


def test_too_many_alternatives_is_refused(knowledge_copy):
    rules = knowledge_copy / "rules.yaml"
    many = ", ".join(["untrusted_code"] * 65)
    rules.write_text(rules.read_text().replace("when: {all: [multi_tenant]}", f"when: {{any: [{many}]}}"))
    assert any("has 65 conditions; at most 64" in e for e in _errors(knowledge_copy))


def test_advisor_refuses_a_broken_knowledge_base(knowledge_copy):
    (knowledge_copy / "facts.yaml").write_text("facts:\n  - id: Bad Id\n    label: x\n    phrases: [x]\n")
    with pytest.raises(KnowledgeError) as raised:
        Advisor.from_directory(str(knowledge_copy))
    assert all(str(p).count(":") >= 2 for p in raised.value.problems)


def test_kb_check_command_exits_non_zero_with_file_line(knowledge_copy, capsys):
    rules = knowledge_copy / "rules.yaml"
    rules.write_text(rules.read_text().replace("derive: [needs_density]", "derive: [needs_densty]", 1))
    assert main(["kb", "check", str(knowledge_copy)]) == 1
    out = capsys.readouterr().out
    assert f"{rules}:" in out and "derives undeclared fact 'needs_densty'" in out


def test_ask_with_broken_knowledge_says_why_without_traceback(knowledge_copy, capsys):
    (knowledge_copy / "rules.yaml").write_text("rules: [")
    assert main(["ask", "--knowledge", str(knowledge_copy), "anything"]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert f"{knowledge_copy / 'rules.yaml'}:" in captured.err
