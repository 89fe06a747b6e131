"""A seeded, realistic mix of questions for the benchmarks: workload descriptions
built from the knowledge base's own phrases, with negation, typos, Slack markup,
compare look-ups and help, so that many different fact sets reach the engine."""

from __future__ import annotations

import random

from bot.knowledge.model import KnowledgeBase

OPENERS = ["should our {s} be a container?", "<@U024BE7LH> {s}: containers or VMs?", "what should we use for the {s}?",
           "*{s}*: VM or container?", "Should we run the {s} in containers?", "{s} - vm or k8s?"]
SUBJECTS = ["billing API", "build farm", "payments service", "ML platform", "plugin host", "ERP system", "image resizer",
            "customer sandbox", "reporting job", "edge gateway"]
LINKERS = ["it {p}", "we have {p}", "it needs {p}", "there is {p}", "plus {p}", "and {p}"]
NEGATED = ["no {p}", "it doesn't need {p}", "{p} isn't needed", "without {p}", "not {p} but"]
COMPARE = ["startup time?", "isolation: containers vs VMs?", "how big are the images?", "networking vs VMs",
           "containers vs VMs", "what's the overhead of a VM compared to a container?"]
HELP = ["help", "what can you do?", "", "<!channel>"]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 6 or not word.isalpha():
        return word
    index = rng.randrange(1, len(word) - 2)
    return word[:index] + word[index + 1] + word[index] + word[index + 2 :]


def questions(knowledge: KnowledgeBase, count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    # a phrase's placeholders filled in as a person would write them
    phrases = [p.replace("<version>", "7").replace("<word>", "our") for fact in knowledge.facts.values() for p in fact.phrases]
    mix = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.10:
            mix.append(rng.choice(COMPARE))
            continue
        if roll < 0.13:
            mix.append(rng.choice(HELP))
            continue
        parts = [rng.choice(OPENERS).format(s=rng.choice(SUBJECTS))]
        for _ in range(rng.randint(1, 4)):
            template = rng.choice(NEGATED if rng.random() < 0.2 else LINKERS)
            phrase = " ".join(_typo(w, rng) if rng.random() < 0.1 else w for w in rng.choice(phrases).split())
            parts.append(template.format(p=phrase))
        mix.append(". ".join(parts))
    return mix
