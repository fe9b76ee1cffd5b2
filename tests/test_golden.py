"""`nianbao convert --to json` on the seed reports equals the reviewed golden JSON, and the
golden tables equal the values typed by hand from the sources (tests/data/NOTES.md)."""

from __future__ import annotations

import json

import pytest

from nianbao.cli import main

from .conftest import GOLDEN, ORACLE, SOURCES

CASES = sorted(p.stem for p in SOURCES.glob("*.txt"))


@pytest.mark.parametrize("case", CASES)
def test_convert_json_equals_golden(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(SOURCES / f"{case}.txt"), "--to", "json", "-o", "-"]) == 0
    produced = json.loads(capsys.readouterr().out)
    assert produced == json.loads((GOLDEN / f"{case}.json").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES)
def test_golden_tables_match_hand_typed_values(case: str) -> None:
    golden = json.loads((GOLDEN / f"{case}.json").read_text("utf-8"))
    oracle = json.loads((ORACLE / f"{case}.json").read_text("utf-8"))
    for key in ("agency", "year", "edition"):
        assert golden["meta"][key] == oracle["meta"][key]
    assert golden["tables"] == oracle["tables"]
    # ints stay ints and money stays float: 0 and 0.0 compare equal, so check the types too
    assert json.dumps(golden["tables"]) == json.dumps(oracle["tables"])


def test_seed_facts_checked_by_hand() -> None:
    """A few values read off the sources, spelled out so a reader can check them."""
    load = lambda case: json.loads((GOLDEN / f"{case}.json").read_text("utf-8"))  # noqa: E731
    zichuan = load("002_zichuan_2020")
    assert zichuan["meta"] == {"agency": "淄川区招商局", "year": 2020, "edition": "2019",
                               "source": "002_zichuan_2020.txt", "published": "2021-01"}
    assert zichuan["tables"]["active"]["procurement"] == {"items": 221, "amount": 26.8}
    assert zichuan["tables"]["requests"]["new_received"]["natural_person"] == 1
    zibo = load("004_zibo_2021")["tables"]["requests"]
    assert zibo["unavailable_not_held"]["total"] == 1
    assert zibo["unavailable_need_creation"]["total"] == 1
    assert zibo["total_processed"]["total"] == 2
    assert "other" not in zibo and zibo["other_misc"]["total"] == 0
    yangling = load("003_yangling_2019")["tables"]["active"]["normative_documents"]
    assert yangling == {"new_made": 0, "new_published": 1, "total_published": 11}
    xihaian = {r["code"]: r for r in load("001_xihaian_2018")["tables"]["legacy"]}
    assert xihaian["1"] == {"code": "1", "label": "主动公开情况", "unit": None, "value": 41}
    assert xihaian["3.3.4"]["value"] is None and xihaian["3.3.4.b"]["value"] == 2
    assert xihaian["9"]["value"] == 0.0 and isinstance(xihaian["9"]["value"], float)
    zhoucun = {r["code"]: r for r in load("000_zhoucun_2018")["tables"]["legacy"]}
    assert zhoucun["1.2.2"] == {"code": "1.2.2", "label": "政府网站公开政府信息数", "unit": "条",
                                "value": 58}
    assert sum(1 for r in zhoucun.values() if r["value"] is not None) == 1


def test_every_key_of_the_edition_is_present() -> None:
    from nianbao.spec import load_spec

    spec = load_spec()
    for case in CASES:
        golden = json.loads((GOLDEN / f"{case}.json").read_text("utf-8"))
        edition = spec.edition(golden["meta"]["edition"])
        for key, table in edition.tables.items():
            if table.layout == "indicators":
                continue
            assert list(golden["tables"][key]) == [r.key for r in table.rows]
            for row in table.rows:
                assert list(golden["tables"][key][row.key]) == list(row.columns)
