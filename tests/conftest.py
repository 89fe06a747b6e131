import os
import shutil

import pytest

from bot.advisor import Advisor
from bot.knowledge import DEFAULT_DIRECTORY

# Calls to the local fake Slack API must not go through a proxy.
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
    os.environ.pop(_name, None)


@pytest.fixture(scope="session")
def advisor() -> Advisor:
    return Advisor.from_directory()


@pytest.fixture
def knowledge_copy(tmp_path):
    """A writable copy of the bundled knowledge base, to break on purpose."""
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    return target
