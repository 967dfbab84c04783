"""What the desk's browser tests share: where their screenshots go."""

import os
from pathlib import Path

import pytest

#: Where the desk's screenshots go (the default is the test artifacts' folder).
SHOTS = Path(os.environ.get("DESK_SHOTS", Path(__file__).parents[2] / "test-artifacts" / "desk"))


@pytest.fixture
def shoot(viewport):
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(tab, name: str) -> None:
        tab.screenshot(path=str(SHOTS / f"{name}-{tab.viewport_size['width']}.png"), full_page=True)

    return take
