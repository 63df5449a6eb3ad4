"""The ``hubs`` fixture: real hub processes, each on its own port and folder, killed after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ports import free_port
from tests.surveys.sync.processes import HubProcess


@pytest.fixture
def hubs(tmp_path: Path) -> Iterator:
    made: list[HubProcess] = []

    def make(name: str) -> HubProcess:
        hub = HubProcess(tmp_path / name, free_port())
        hub.data.mkdir(parents=True, exist_ok=True)
        made.append(hub)
        return hub

    yield make
    for hub in made:
        hub.stop(kill=True)
