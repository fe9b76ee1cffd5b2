from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
# Every test input: <case>.<ext> beside <case>.json (its provenance; for a converter case also
# the golden meta and tables). tests/data/README.md describes the format.
CASES = DATA / "cases"
# The five seed reports of the specification, named NNN_<place>_<year>.
SEEDS = sorted(CASES.glob("[0-9][0-9][0-9]_*.txt"))
KINDS = ("real", "generated", "hand-made")


def case_json(source: Path) -> dict:
    """The ``<case>.json`` beside a case's source file."""
    return json.loads(source.with_suffix(".json").read_text("utf-8"))


def case_sources(*kinds: str, golden: bool = True) -> list[Path]:
    """The source files of the cases whose provenance is one of ``kinds`` (any when none), in
    name order; with ``golden`` only those whose json holds the tables to compare with."""
    assert set(kinds) <= set(KINDS), kinds
    found = []
    for path in sorted(CASES.iterdir()):
        if path.suffix == ".json" or not path.with_suffix(".json").is_file():
            continue
        data = case_json(path)
        if (not kinds or data["provenance"]["kind"] in kinds) and (not golden or "tables" in data):
            found.append(path)
    return found


@pytest.fixture
def seed_paths() -> list[Path]:
    return SEEDS


@pytest.fixture(autouse=True, scope="session")
def _no_user_register(tmp_path_factory) -> Iterator[None]:
    """Fixtures of a wider scope (a module's consolidation) run before the per-test register
    below is set: they keep one of their own too, never the user's."""
    before = os.environ.get("NIANBAO_REGISTER")
    os.environ["NIANBAO_REGISTER"] = str(tmp_path_factory.mktemp("register") / "单位名录.csv")
    yield
    if before is None:
        os.environ.pop("NIANBAO_REGISTER", None)
    else:
        os.environ["NIANBAO_REGISTER"] = before


@pytest.fixture(autouse=True)
def agency_register(tmp_path_factory, monkeypatch) -> Path:
    """Every test keeps its own agency register (单位名录), never the user's: $NIANBAO_REGISTER
    points into a folder of its own (not tmp_path, whose listing some tests compare)."""
    path = tmp_path_factory.mktemp("register") / "单位名录.csv"
    monkeypatch.setenv("NIANBAO_REGISTER", str(path))
    return path
