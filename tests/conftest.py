from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SOURCES = DATA / "sources"
GOLDEN = DATA / "golden"
ORACLE = DATA / "oracle"


@pytest.fixture
def seed_paths() -> list[Path]:
    return sorted(SOURCES.glob("*.txt"))
