"""One agency under a longer and a shorter name, where reports are compared across years."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from nianbao.agency import agency_key, match_note, same_agency
from nianbao.cli import main
from nianbao.consolidate import consolidate
from nianbao.workbook import write_workbook

from .test_consolidate import _department, _set


@pytest.mark.parametrize(("a", "b", "same"), [
    ("淮安市洪泽区人民政府", "洪泽区人民政府", True),  # the example: with and without the city
    ("洪泽区人民政府", "淮安市洪泽区人民政府", True),
    ("江苏省淮安市", "淮安市", True),
    ("江苏省淮安市洪泽区人民政府", "洪泽区人民政府", True),  # province and city in front
    ("淮安市人民政府", "淮安市人民政府 ", True),  # spaces
    ("淮安市 人民政府", "淮安市人民政府", True),
    ("ＸＸ区财政局", "XX区财政局", True),  # NFKC: full-width letters
    ("深圳市福田区集体经济发展服务署", "福田区集体经济发展服务署", True),
    ("淮安市财政局", "财政局", False),  # 财政局 alone could be any district's
    ("洪泽区人民政府", "人民政府", False),
    ("淮安市洪泽区人民政府", "淮安市淮阴区人民政府", False),
    ("淮安市人民政府办公室", "淮安市政府办", False),  # another wording, not a region prefix
    ("淮安市洪泽区人民政府", "洪泽区人民政府办公室", False),
    ("淮安市财政局", "淮安市洪泽区财政局", False),  # a district's bureau is not the city's
    ("淮安市洪泽区人民政府", None, False),
    ("", "", False),
])
def test_same_agency(a, b, same) -> None:
    assert same_agency(a, b) is same


def test_the_pairing_is_stated_only_when_the_names_read_apart() -> None:
    assert match_note("洪泽区人民政府", "淮安市洪泽区人民政府") == (
        "按“洪泽区人民政府”与上年报告的“淮安市洪泽区人民政府”匹配（同一单位的全称与简称）")
    assert match_note("洪泽区人民政府", "洪泽区人民政府") is None
    assert match_note("洪泽区人民政府", "淮阴区人民政府") is None
    assert agency_key(" 洪泽区 人民政府") == "洪泽区人民政府"


def test_consolidate_pairs_last_years_report_under_the_longer_name(tmp_path, capsys) -> None:
    last, now = tmp_path / "2021", tmp_path / "2022"
    last.mkdir()
    now.mkdir()
    for agency in ("淮安市洪泽区人民政府", "淮安市淮阴区人民政府"):
        report = _department(agency, 3, year=2021)
        _set(report, "requests", "carried_over", natural_person=1, total=1)
        write_workbook(report, last / f"{agency}.xlsx")
    write_workbook(_department("洪泽区人民政府", 5, year=2022), now / "洪泽区.xlsx")
    write_workbook(_department("清江浦区人民政府", 5, year=2022), now / "清江浦区.xlsx")
    out = consolidate([now], tmp_path / "汇总.xlsx", previous=last)
    paired = {d.agency: (d.previous_path.name if d.previous_path else None, d.previous_match)
              for d in out.members}
    assert paired == {
        "洪泽区人民政府": ("淮安市洪泽区人民政府.xlsx",
                          "按“洪泽区人民政府”与上年报告的“淮安市洪泽区人民政府”匹配（同一单位的全称与简称）"),
        "清江浦区人民政府": (None, None),
    }
    hongze = next(d for d in out.members if d.agency == "洪泽区人民政府")
    assert {f.rule for f in hongze.findings} == {"year.carried_in", "year.in_force"}  # compared
    ws = load_workbook(out.output)["同比"]
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "名称写法不同、按同一单位匹配的上年报告（1 个）" in texts
    assert "按“洪泽区人民政府”与上年报告的“淮安市洪泽区人民政府”匹配（同一单位的全称与简称）" in texts
    assert main(["consolidate", str(now), "-o", str(tmp_path / "汇总2.xlsx"), "--previous", str(last)]) == 1
    assert "上年报告：按“洪泽区人民政府”与上年报告的“淮安市洪泽区人民政府”匹配" in capsys.readouterr().err


def test_validate_previous_states_the_pairing(tmp_path, capsys) -> None:
    last_year, this_year = tmp_path / "2021.xlsx", tmp_path / "2022.xlsx"
    report = _department("淮安市洪泽区人民政府", 3, year=2021)
    _set(report, "requests", "carried_over", natural_person=1, total=1)
    write_workbook(report, last_year)
    write_workbook(_department("洪泽区人民政府", 5, year=2022), this_year)
    assert main(["validate", str(this_year), "--previous", str(last_year)]) == 1
    captured = capsys.readouterr()
    assert "按“洪泽区人民政府”与上年报告的“淮安市洪泽区人民政府”匹配" in captured.err
    assert "✗ 2022.xlsx：2 个错误" in captured.out  # last year's 结转 1 is not this year's 上年结转 0
    write_workbook(_department("淮阴区人民政府", 5, year=2022), this_year)
    main(["validate", str(this_year), "--previous", str(last_year)])
    assert "名称不一致；仍按指定的上年报告核对" in capsys.readouterr().err
