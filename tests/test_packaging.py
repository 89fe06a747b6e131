"""The bot as a platform installs it: a plain `pip install .` or a wheel, not an editable
checkout, must still carry the knowledge base and answer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# What a build needs; copying only these keeps the build's leftovers out of the checkout.
SOURCES = ("pyproject.toml", "setup.py", "README.md", "bot", "knowledge")


def _source_copy(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    for name in SOURCES:
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(REPO / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")} if (REPO / name).is_dir() else {}))
    return source


def _fresh_venv(path: Path) -> Path:
    """A new venv that sees the test environment's dependencies (durable_rules takes a C build
    to install) but not its editable `bot`: a plain path entry is not scanned for .pth files."""
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=120)
    site = subprocess.run([str(path / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    dependencies = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site, "test_dependencies.pth").write_text("".join(f"{d}\n" for d in sorted(dependencies)))
    return path / "bin"


def _pip(bin_dir: Path, *args: str) -> None:
    result = subprocess.run([str(bin_dir / "python"), "-m", "pip", "-q", *args], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.parametrize("how", ["wheel", "pip install ."])
def test_an_installed_copy_carries_the_knowledge_and_answers(tmp_path, how):
    source = _source_copy(tmp_path)
    bin_dir = _fresh_venv(tmp_path / "venv")
    if how == "wheel":
        _pip(bin_dir, "wheel", "--no-deps", "-w", str(tmp_path / "dist"), str(source))
        [wheel] = (tmp_path / "dist").glob("placement-*.whl")
        _pip(bin_dir, "install", "--no-deps", str(wheel))
    else:
        _pip(bin_dir, "install", "--no-deps", str(source))
    shutil.rmtree(source)  # the installed copy must not lean on the source
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    asked = subprocess.run([str(bin_dir / "placement"), "ask", "--json", "legacy COBOL on RHEL 5"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert (answer["intent"], answer["verdict"]) == ("recommend", "vm")
    assert all(reason["source"] for reason in answer["reasons"])
    where = subprocess.run([str(bin_dir / "python"), "-c", "from bot.knowledge import DEFAULT_DIRECTORY; print(DEFAULT_DIRECTORY)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    installed = Path(where.stdout.strip())
    assert installed.is_relative_to(tmp_path / "venv")
    assert (installed / "schema" / "rules.schema.json").is_file()  # editors' help ships too
