"""The knowledge base: YAML in knowledge/, loaded into immutable values and checked."""

from .loader import DEFAULT_DIRECTORY, load_knowledge, read_knowledge
from .model import KnowledgeBase
from .problems import KnowledgeError, Problem

__all__ = ["DEFAULT_DIRECTORY", "KnowledgeBase", "KnowledgeError", "Problem", "load_knowledge", "read_knowledge"]
