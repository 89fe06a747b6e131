"""Every example question in knowledge/examples.yaml gets its expected answer."""

import pytest

from bot.example_check import check_example
from bot.knowledge import load_knowledge

EXAMPLES = load_knowledge().examples


def test_there_are_enough_examples_to_cover_the_article():
    assert len(EXAMPLES) >= 60
    cited = {section for example in EXAMPLES for section in example.cites}
    verdicts = {example.verdict for example in EXAMPLES}
    assert {"container", "vm", "hybrid", "unknown"} <= verdicts
    assert {"containers.microservices", "vms.security-isolation", "hybrid"} <= cited


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"line{e.line}")
def test_example(advisor, example):
    miss = check_example(advisor, example)
    assert miss is None, str(miss)
