"""Only what pyproject.toml cannot say: knowledge/ stays where its authors edit it and ships
inside the installed package as `placement_knowledge` (a namespace package of data files), so
an editable install, a plain `pip install .` and a wheel all find it with the same import
lookup (bot/knowledge/loader.py)."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["bot", "bot.*"]), "placement_knowledge"],
    package_dir={"placement_knowledge": "knowledge"},
)
