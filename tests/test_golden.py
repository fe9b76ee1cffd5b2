"""`nianbao convert --to json` on the seed reports gives the meta and tables typed by hand from
the sources (tests/data/cases/<seed>.json; blank cells and judgement calls in tests/data/NOTES.md)."""

from __future__ import annotations

import json

import pytest

from nianbao import read_report
from nianbao.cli import main

from .conftest import CASES, SEEDS, case_json
from .test_corpus import typed

SEED_CASES = [p.stem for p in SEEDS]


def golden(case: str) -> dict:
    return case_json(CASES / f"{case}.txt")


def produced(case: str) -> dict:
    return read_report(CASES / f"{case}.txt").to_json()


@pytest.mark.parametrize("case", SEED_CASES)
def test_convert_json_equals_golden(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["convert", str(CASES / f"{case}.txt"), "--to", "json", "-o", "-"]) == 0
    produced = json.loads(capsys.readouterr().out)
    expected = golden(case)
    assert {k: produced["meta"][k] for k in ("agency", "year", "edition")} == expected["meta"]
    # ints stay ints and money stays float: 0 and 0.0 compare equal, so the types are compared too
    assert typed(produced["tables"]) == typed(expected["tables"])
    texts = [entry["text"] for entry in produced["unmapped"]]
    for needle in expected["unmapped_contains"]:
        assert any(needle in text for text in texts), f"{needle!r} not kept in unmapped: {texts}"


@pytest.mark.parametrize("case", SEED_CASES)
def test_golden_holds_only_hand_typed_values(case: str) -> None:
    """The golden is what was typed from the source, never a copy of the converter's output
    (which would also hold narrative, unmapped, source and published)."""
    expected = golden(case)
    assert list(expected) == ["provenance", "meta", "tables", "unmapped_contains"]
    assert expected["provenance"]["kind"] == "real" and expected["provenance"]["checked"]
    assert list(expected["meta"]) == ["agency", "year", "edition"]
    assert len(SEED_CASES) == 5


def test_seed_facts_checked_by_hand() -> None:
    """A few values read off the sources, spelled out so a reader can check them."""
    load = produced
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
    # sentences of the reports' text that NOTES.md quotes: kept in the narrative
    for case, sentence in (("000_zhoucun_2018", "累计主动公开各类招商信息58条"),
                           ("001_xihaian_2018", "主动公开政府信息数共计41件"),
                           ("002_zichuan_2020", "依申请信息公开数量1条"),
                           ("004_zibo_2021", "共收到和办理信函方式依申请公开事项2件")):
        assert any(sentence in text for text in load(case)["narrative"].values()), case


def test_every_key_of_the_edition_is_present() -> None:
    from nianbao.spec import load_spec

    spec = load_spec()
    for case in SEED_CASES:
        tables = golden(case)["tables"]
        edition = spec.edition(golden(case)["meta"]["edition"])
        for key, table in edition.tables.items():
            if table.layout == "indicators":
                continue
            assert list(tables[key]) == [r.key for r in table.rows]
            for row in table.rows:
                assert list(tables[key][row.key]) == list(row.columns)
