"""`kb coverage` and `kb graph` on the shipped knowledge and on an edited copy."""

from __future__ import annotations

import json
import re

from bot.authoring import graph
from bot.cli import main


def _coverage(capsys, *directory):
    assert main(["kb", "coverage", *map(str, directory)]) == 0
    return capsys.readouterr().out


def _block(out, section):
    """The lines of one section: its heading and the indented lines under it."""
    match = re.search(rf"^{re.escape(section)} \(.*?(?=^\S|\Z)", out, re.M | re.S)
    assert match, out
    return match.group(0)


def test_coverage_lists_every_section_with_its_rules_and_example_count(capsys):
    from bot.knowledge import load_knowledge

    knowledge = load_knowledge()
    out = _coverage(capsys)
    for section in knowledge.sections:
        assert re.search(rf"^{re.escape(section)} \(", out, re.M), section
    isolation = _block(out, "vms.security-isolation")
    rules = [rule.id for rule in knowledge.rules if rule.source == "vms.security-isolation"]
    assert rules and all(rule in isolation for rule in rules)
    assert int(re.search(r": (\d+) example\(s\)", isolation).group(1)) >= 2


def test_coverage_flags_a_section_left_with_one_example(knowledge_copy, advisor, capsys):
    section = "vms.legacy-applications"

    def covers(example) -> bool:
        answer = advisor.advise(example.ask)
        return section in {r.source for r in answer.reasons} | {row.section for row in answer.rows} | set(example.cites)

    examples = [e for e in advisor.knowledge.examples if e.ask.strip()]
    covering = [e for e in examples if covers(e)]
    kept = [e for e in examples if not covers(e)] + covering[:1]
    (knowledge_copy / "examples.yaml").write_text("examples:\n" + "".join(f"  - ask: {json.dumps(e.ask)}\n" for e in kept))
    out = _coverage(capsys, knowledge_copy)
    assert _block(out, section).splitlines()[0].endswith(": 1 example(s)  <- fewer than 2 examples")
    assert section in out.splitlines()[-1]


def test_coverage_does_not_flag_background_sections(knowledge_copy, capsys):
    article = knowledge_copy / "article.yaml"
    article.write_text(article.read_text() + "  - id: extra.background\n    context: true\n    title: Extra\n    quote: Context.\n")
    block = _block(_coverage(capsys, knowledge_copy), "extra.background")
    assert "background only" in block and "fewer than" not in block


def test_graph_as_mermaid_links_phrases_facts_rules_and_verdicts(capsys):
    assert main(["kb", "graph", "--format", "mermaid"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("flowchart LR\n")
    assert re.search(r'^  phrases_gpu_0\[".*gpu.*"\]$', out, re.M)
    assert "  phrases_gpu_0 --> fact_gpu" in out
    assert "  fact_gpu --> rule_gpu_is_hardware_acceleration" in out
    assert re.search(r'^  rule_gpu_is_hardware_acceleration\("gpu-is-hardware-acceleration<br/>\[vms\.gpu-cpu-intensive\]"\)$', out, re.M)
    assert re.search(r"^  rule_\w+ -->\|\+\d+\| verdict_vm$", out, re.M)


def test_graph_as_dot_and_as_text_of_an_edited_copy(knowledge_copy, capsys, tmp_path):
    rules = knowledge_copy / "rules.yaml"
    rules.write_text(rules.read_text() + "  - id: added-by-an-author\n    when: {all: [gpu, {untrusted_code: false}]}\n"
                     "    then: {weight: {vm: 7}}\n    because: A test rule.\n    source: vms.gpu-cpu-intensive\n")
    facts = knowledge_copy / "facts.yaml"
    facts.write_text(facts.read_text() + "  - id: zebra_fact\n    label: keeps zebras\n    phrases: [zebra]\n    added:\n"
                     "      - why: saying there are none rules it out\n        phrases: [zebra free]\n        rules_out: true\n")
    rules.write_text(rules.read_text().replace("when: {all: [gpu, {untrusted_code: false}]}", "when: {all: [gpu, {untrusted_code: false}, zebra_fact]}"))
    target = tmp_path / "graph.dot"
    assert main(["kb", "graph", str(knowledge_copy), "--format", "dot", "-o", str(target)]) == 0
    dot = target.read_text()
    assert dot.startswith("digraph knowledge {")
    assert '"fact:untrusted_code" -> "rule:added-by-an-author" [label="not all"];' in dot
    assert '"rule:added-by-an-author" -> "verdict:vm" [label="+7"];' in dot
    assert '"phrases:zebra_fact:0" -> "fact:zebra_fact";' in dot
    assert '"phrases:zebra_fact:1" -> "fact:zebra_fact" [label="rules out"];' in dot
    assert '"phrases:zebra_fact:1" [label="zebra free\\n(added by the authors)"' in dot
    assert main(["kb", "graph", str(knowledge_copy), "--format", "text"]) == 0
    text = capsys.readouterr().out
    paragraph = text[text.index("added-by-an-author  [vms.gpu-cpu-intensive]\n"):].split("\n\n")[0].splitlines()
    assert paragraph[1].startswith("  all gpu  (said as: ")
    assert paragraph[2].startswith("  all not untrusted_code  (said as: ")
    assert paragraph[3:] == ["  all zebra_fact  (said as: zebra)", "  -> +7 vm"]  # not the words that rule it out


def test_graph_without_graphviz_falls_back_to_mermaid_and_says_so(monkeypatch, capsys):
    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    assert main(["kb", "graph"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("flowchart LR")
    assert "dot is not installed" in captured.err
    assert main(["kb", "graph", "--format", "svg"]) == 2
    assert "needs Graphviz's dot" in capsys.readouterr().err
