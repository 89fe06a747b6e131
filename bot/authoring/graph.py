"""`placement kb graph`: the knowledge base as one picture. Phrase families (the article's
words, and those the authors added) lead to the facts they signal or rule out, facts to the
rules that wait for them, rules to the facts they derive and to the
verdicts they add weight to, each rule with the article section it cites.

Graphviz's `dot` draws it as SVG where it is installed; where it is not, the same graph comes
out as Mermaid (GitHub and many editors draw it) or as plain text."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

from ..knowledge.model import VERDICTS, KnowledgeBase

PHRASES_SHOWN = 4
DOT_SECONDS = 60
FORMATS = ("dot", "mermaid", "text", "svg")


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str  # phrases | fact | rule | verdict


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def _phrase_family(phrases: tuple[str, ...]) -> str:
    shown = ", ".join(phrases[:PHRASES_SHOWN])
    return shown + (f", … (+{len(phrases) - PHRASES_SHOWN})" if len(phrases) > PHRASES_SHOWN else "")


def build_graph(knowledge: KnowledgeBase) -> Graph:
    nodes, edges = [], []
    for fact in knowledge.facts.values():
        nodes.append(Node(f"fact:{fact.id}", fact.id, "fact"))
        for index, family in enumerate(fact.families):
            family_node = f"phrases:{fact.id}:{index}"
            added = "\n(added by the authors)" if family.origin == "authors" else ""
            nodes.append(Node(family_node, _phrase_family(family.phrases) + added, "phrases"))
            edges.append(Edge(family_node, f"fact:{fact.id}", "" if family.value else "rules out"))
    for rule in knowledge.rules:
        rule_node = f"rule:{rule.id}"
        nodes.append(Node(rule_node, f"{rule.id}\n[{rule.source}]", "rule"))
        for condition in rule.conditions:
            label = ("" if condition.value else "not ") + (rule.mode if len(rule.conditions) > 1 else "")
            edges.append(Edge(f"fact:{condition.fact}", rule_node, label.strip()))
        edges.extend(Edge(rule_node, f"fact:{fact}") for fact in rule.derives)
        edges.extend(Edge(rule_node, f"verdict:{verdict}", f"+{amount}") for verdict, amount in rule.weights.items())
    nodes.extend(Node(f"verdict:{verdict}", verdict, "verdict") for verdict in VERDICTS)
    return Graph(tuple(nodes), tuple(edges))


_DOT_SHAPES = {
    "phrases": 'shape=note, style=filled, fillcolor="#f2f2f2", fontsize=10',
    "fact": 'shape=ellipse, style=filled, fillcolor="#dbeafe"',
    "rule": 'shape=box, style="rounded,filled", fillcolor="#fef3c7"',
    "verdict": 'shape=doubleoctagon, style=filled, fillcolor="#dcfce7", fontsize=16',
}


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: Graph) -> str:
    lines = ["digraph knowledge {", "  rankdir=LR;", '  node [fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];']
    lines += [f"  {_quoted(n.id)} [label={_quoted(n.label)}, {_DOT_SHAPES[n.kind]}];" for n in graph.nodes]
    lines += [f"  {_quoted(e.source)} -> {_quoted(e.target)}" + (f" [label={_quoted(e.label)}];" if e.label else ";")
              for e in graph.edges]
    return "\n".join(lines + ["}"]) + "\n"


_MERMAID_SHAPES = {"phrases": ('["', '"]'), "fact": ('(["', '"])'), "rule": ('("', '")'), "verdict": ('{{"', '"}}')}


def _mermaid_id(node_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", node_id)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", "<br/>")


def to_mermaid(graph: Graph) -> str:
    lines = ["flowchart LR"]
    for node in graph.nodes:
        opening, closing = _MERMAID_SHAPES[node.kind]
        lines.append(f"  {_mermaid_id(node.id)}{opening}{_mermaid_text(node.label)}{closing}")
    for edge in graph.edges:
        label = f"|{_mermaid_text(edge.label)}|" if edge.label else ""
        lines.append(f"  {_mermaid_id(edge.source)} -->{label} {_mermaid_id(edge.target)}")
    return "\n".join(lines) + "\n"


def to_text(knowledge: KnowledgeBase) -> str:
    """One paragraph per rule, in the order the file has them: readable in any terminal."""
    lines = []
    for rule in knowledge.rules:
        lines.append(f"{rule.id}  [{rule.source}]")
        for condition in rule.conditions:
            fact = knowledge.facts.get(condition.fact)
            signalling = [p for family in fact.families if family.value for p in family.phrases] if fact else []
            said = f"  (said as: {_phrase_family(tuple(signalling))})" if signalling else "  (derived)"
            lines.append(f"  {rule.mode if len(rule.conditions) > 1 else 'when'} {'' if condition.value else 'not '}{condition.fact}{said}")
        lines += [f"  -> derives {fact}" for fact in rule.derives]
        lines += [f"  -> +{amount} {verdict}" for verdict, amount in rule.weights.items()]
        lines.append("")
    return "\n".join(lines)


def dot_installed() -> bool:
    return shutil.which("dot") is not None


def to_svg(dot_text: str) -> str:
    """Graphviz's drawing; only call it when `dot_installed()`."""
    drawn = subprocess.run(["dot", "-Tsvg"], input=dot_text, capture_output=True, text=True, timeout=DOT_SECONDS, check=True)
    return drawn.stdout
