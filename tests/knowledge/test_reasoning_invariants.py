"""`placement kb check` refuses an edit that would break the reasoning model described at
the top of rules.yaml, naming the rule's file and line and what to do."""

from bot.cli import main
from bot.knowledge import read_knowledge


def _edit(path, old, new):
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _line_of(path, text):
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def _check(directory, capsys):
    status = main(["kb", "check", str(directory)])
    return status, capsys.readouterr().out


def test_a_requirement_that_preferences_could_outvote_is_refused(knowledge_copy, capsys):
    rules = knowledge_copy / "rules.yaml"
    line = _line_of(rules, "id: strong-isolation-means-vm")
    _edit(rules, "then: {derive: [vm_case], weight: {vm: 20}}\n    kind: requirement\n    because: Containers isolate at the process level; VMs at the hardware level.",
          "then: {derive: [vm_case], weight: {vm: 5}}\n    kind: requirement\n    because: Containers isolate at the process level; VMs at the hardware level.")
    status, out = _check(knowledge_copy, capsys)
    assert status == 1
    assert f"{rules}:{line}: rule 'strong-isolation-means-vm' is a requirement but weighs 5" in out
    assert "raise it above" in out


def test_a_hybrid_weight_one_side_can_reach_is_refused(knowledge_copy, capsys):
    rules = knowledge_copy / "rules.yaml"
    line = _line_of(rules, "id: parts-on-both-sides-mean-hybrid")
    _edit(rules, "when: {all: [many_parts, vm_case]}\n    then: {weight: {hybrid: 100}}", "when: {all: [many_parts, vm_case]}\n    then: {weight: {hybrid: 30}}")
    status, out = _check(knowledge_copy, capsys)
    assert status == 1
    assert f"{rules}:{line}: rule 'parts-on-both-sides-mean-hybrid' weighs 30 for hybrid, not more than one side can add" in out


def test_a_hybrid_rule_on_one_side_only_is_refused(knowledge_copy, capsys):
    """One container word and one VM word are not two parts; nor are two VM words."""
    rules = knowledge_copy / "rules.yaml"
    _edit(rules, "when: {all: [ci_cd, vm_case]}", "when: {all: [gpu, vm_case]}")
    status, out = _check(knowledge_copy, capsys)
    assert status == 1
    assert "rule 'pipeline-jobs-inside-vms' is a hybrid rule but does not wait for a container-side fact and a different VM-side fact" in out


def test_a_hybrid_rule_that_fires_on_any_one_fact_is_refused(knowledge_copy, capsys):
    rules = knowledge_copy / "rules.yaml"
    _edit(rules, "when: {all: [ci_cd, vm_case]}", "when: {any: [ci_cd, vm_case]}")
    status, out = _check(knowledge_copy, capsys)
    assert status == 1
    assert "must wait for 'all' of its conditions" in out


def test_hybrid_weight_only_from_a_hybrid_rule(knowledge_copy, capsys):
    rules = knowledge_copy / "rules.yaml"
    _edit(rules, "then: {derive: [vm_case], weight: {vm: 2}}\n    kind: preference\n    because: VMs protect",
          "then: {derive: [vm_case], weight: {hybrid: 2}}\n    kind: preference\n    because: VMs protect")
    status, out = _check(knowledge_copy, capsys)
    assert status == 1
    assert "rule 'host-protection-favours-vm' weighs towards hybrid, which only a rule of 'kind: hybrid' may do" in out


def test_knowledge_the_authors_add_must_say_why(knowledge_copy, capsys):
    rules = knowledge_copy / "rules.yaml"
    _edit(rules, "    origin: authors\n    why: the article speaks of untrusted applications; to each tenant, every other tenant's code is one\n", "    origin: authors\n")
    status, out = _check(knowledge_copy, capsys)
    assert status == 1
    assert "knowledge the authors added needs a one-line 'why'" in out


def test_a_misspelt_placeholder_is_refused(knowledge_copy, capsys):
    facts = knowledge_copy / "facts.yaml"
    _edit(facts, "rhel <version>,", "rhel <versoin>,")
    status, out = _check(knowledge_copy, capsys)
    assert status == 1
    assert "holds <versoin>; the placeholders are <version> and <word>" in out


def test_the_shipped_rules_keep_every_invariant():
    knowledge, problems = read_knowledge()
    assert knowledge is not None and problems == []
    kinds = {rule.kind for rule in knowledge.rules}
    assert kinds == {"derivation", "preference", "requirement", "hybrid"}
