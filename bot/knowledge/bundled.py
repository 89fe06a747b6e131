"""Where the knowledge base shipped with the bot lives.

knowledge/ is installed as the data-only package `placement_knowledge` (see setup.py).
Asking the import system for it finds the repository's folder in an editable install and
the copy in site-packages in a plain install or a wheel, so every install finds it the same
way."""

from __future__ import annotations

import importlib.util
import os

PACKAGE = "placement_knowledge"
NOT_INSTALLED = f"<{PACKAGE} is not installed: reinstall placement>"


def bundled_directory() -> str:
    """The bundled knowledge directory, or a placeholder that loading reports as missing."""
    spec = importlib.util.find_spec(PACKAGE)
    locations = spec.submodule_search_locations if spec is not None else None
    return next((path for path in locations or () if os.path.isdir(path)), NOT_INSTALLED)
