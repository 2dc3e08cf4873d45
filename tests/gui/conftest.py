"""GUI test isolation."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _task_pools_accept_work():
    """A closed main window stops the shared task pools for good (the app is quitting); in
    one test process the next test's dialogs and windows need them running again."""
    from resnet_desktop.gui import tasks

    tasks.restart()
    yield
