"""The agency register (单位名录): names of one agency across years, kept between runs by
``consolidate`` and ``validate --previous``, editable by hand in Excel."""

from __future__ import annotations

import codecs
import csv
import io
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from nianbao.cli import main
from nianbao.consolidate import consolidate
from nianbao.register import (
    ENVIRONMENT,
    AgencyRegister,
    Sighting,
    default_register_path,
    pair_names,
    region_of,
    register_path,
)
from nianbao.workbook import write_workbook

from .conftest import CASES, case_json
from .test_consolidate import _department

HEADER = ["单位", "其他写法", "地区", "年度", "来源"]
RULE_NOTE = "按“洪泽区人民政府”与上年报告的“淮安市洪泽区人民政府”匹配（同一单位的全称与简称）"


def _rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)  # Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _texts(workbook: Path) -> list[object]:
    """Every cell of the consolidated workbook's 同比 sheet."""
    return [c for row in load_workbook(workbook)["同比"].iter_rows(values_only=True) for c in row]


def _write_register(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _years(tmp_path: Path, last: dict[str, int], now: dict[str, int]) -> tuple[Path, Path]:
    """Folders of last year's (2020) and this year's (2021) workbooks: agency → applications."""
    folders = []
    for name, year, agencies in (("2020", 2020, last), ("2021", 2021, now)):
        folder = tmp_path / name
        folder.mkdir()
        for agency, n in agencies.items():
            write_workbook(_department(agency, n, year=year), folder / f"{agency}.xlsx")
        folders.append(folder)
    return folders[0], folders[1]


@pytest.mark.parametrize(("name", "region"), [
    ("江苏省淮安市洪泽区人民政府", "江苏省淮安市洪泽区"),
    ("洪泽区人民政府", "洪泽区"),
    ("沛县人民政府", "沛县"),  # a county of one character
    ("恩施土家族苗族自治州人民政府", "恩施土家族苗族自治州"),
    ("青岛西海岸新区商务局", "青岛西海岸新区"),
    ("淮安市城市管理局", "淮安市"),  # 城市 is no place: one character before 市
    ("国家税务总局淮安市洪泽区税务局", ""),  # does not begin with a place
    ("平潭综合实验区", ""),  # never the whole name
    ("财政局", ""),
])
def test_region_of(name: str, region: str) -> None:
    assert region_of(name) == region


def test_where_the_register_is_kept(tmp_path, monkeypatch) -> None:
    given = tmp_path / "名录.csv"
    assert register_path(given) == given
    monkeypatch.setenv(ENVIRONMENT, str(tmp_path / "env.csv"))
    assert register_path() == tmp_path / "env.csv"
    monkeypatch.delenv(ENVIRONMENT)
    assert register_path() == default_register_path()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    if sys.platform not in ("win32", "darwin"):
        assert default_register_path() == tmp_path / "data" / "nianbao" / "单位名录.csv"


def test_consolidate_pairs_and_records_the_region_prefix(tmp_path, capsys) -> None:
    last, now = _years(tmp_path, {"淮安市洪泽区人民政府": 3, "淮安市淮阴区人民政府": 4},
                       {"洪泽区人民政府": 5, "清江浦区人民政府": 6})
    register = tmp_path / "名录" / "单位名录.csv"
    code = main(["consolidate", str(now), "-o", str(tmp_path / "汇总.xlsx"), "--previous", str(last),
                 "--register", str(register)])
    assert code == 0  # only warnings (现行有效件数 10 is not last year's 10 + 1 issued)
    err = capsys.readouterr().err
    assert f"上年报告：{RULE_NOTE}" in err
    assert _rows(register) == [
        HEADER,
        # the pairing made: the name of the latest year is used, the other kept, the region
        # the longer name carries, both years, the file of 2021
        ["洪泽区人民政府", "淮安市洪泽区人民政府", "淮安市洪泽区", "2020；2021",
         str(now / "洪泽区人民政府.xlsx")],
        ["清江浦区人民政府", "", "清江浦区", "2021", str(now / "清江浦区人民政府.xlsx")],
        ["淮安市淮阴区人民政府", "", "淮安市淮阴区", "2020", str(last / "淮安市淮阴区人民政府.xlsx")],
    ]
    assert not list(register.parent.glob("*.bak*"))  # there was nothing to keep


def test_a_hand_added_former_name_pairs_a_renamed_agency(tmp_path, capsys) -> None:
    last, now = _years(tmp_path, {"洪泽县人民政府": 3}, {"洪泽区人民政府": 5})
    register = tmp_path / "单位名录.csv"
    # without the register's word, 洪泽县 and 洪泽区 are two agencies: no pairing
    out = consolidate([now], tmp_path / "汇总.xlsx", previous=last, register=register)
    assert [(d.agency, d.previous_path, d.previous_match) for d in out.members] == [
        ("洪泽区人民政府", None, None)]
    assert [r[:2] for r in _rows(register)] == [HEADER[:2], ["洪泽区人民政府", ""], ["洪泽县人民政府", ""]]
    # the supervisor writes the former name in 其他写法 (Excel saves GBK without quotes) and a note
    _write_register(register, [["单位", "其他写法", "地区", "年度", "备注"],
                               ["洪泽区人民政府", "洪泽县人民政府", "", "2021", "2016年撤县设区"]], "gb18030")
    out = consolidate([now], tmp_path / "汇总.xlsx", previous=last, register=register)
    note = (f"按单位名录将“洪泽区人民政府”与上年报告的“洪泽县人民政府”匹配"
            f"（单位名录 {register} 中列为同一单位）")
    hongze = out.members[0]
    assert (hongze.previous_path, hongze.previous_match) == (last / "洪泽县人民政府.xlsx", note)
    assert {f.rule for f in hongze.findings} == {"year.in_force"}  # compared with last year's
    texts = _texts(out.output)
    assert note in texts
    assert _rows(register) == [  # rewritten as UTF-8 with its column 备注 kept; 2020 recorded
        [*HEADER, "备注"],
        ["洪泽区人民政府", "洪泽县人民政府", "洪泽区", "2020；2021", str(now / "洪泽区人民政府.xlsx"),
         "2016年撤县设区"]]
    assert register.with_name("单位名录.bak.csv").read_bytes().decode("gb18030").startswith("单位,其他写法")
    # validate --previous states it the same way; without the register it warns and says how
    this, before = str(now / "洪泽区人民政府.xlsx"), str(last / "洪泽县人民政府.xlsx")
    assert main(["validate", this, "--previous", before, "--register", str(register)]) == 0
    assert note in capsys.readouterr().err
    other = tmp_path / "空名录.csv"
    main(["validate", this, "--previous", before, "--register", str(other)])
    err = capsys.readouterr().err
    assert "名称不一致；仍按指定的上年报告核对" in err
    assert (f"如是同一单位更名，可在单位名录 {other} 中把“洪泽县人民政府”填入“洪泽区人民政府”一行的"
            "“其他写法”（并删去“洪泽县人民政府”自己的一行），以后即按同一单位匹配") in err


def test_nothing_new_leaves_the_register_alone(tmp_path, capsys) -> None:
    last, now = _years(tmp_path, {"淮安市洪泽区人民政府": 3}, {"洪泽区人民政府": 5})
    register = tmp_path / "单位名录.csv"
    args = ["--previous", str(last), "--register", str(register)]
    main(["consolidate", str(now), "-o", str(tmp_path / "汇总.xlsx"), *args])
    main(["validate", str(now / "洪泽区人民政府.xlsx"), "--previous", str(last / "淮安市洪泽区人民政府.xlsx"),
          "--register", str(register)])
    before = register.read_bytes(), register.stat().st_mtime_ns
    capsys.readouterr()
    # the same runs again, and consolidate without --previous: every name and year is known
    main(["consolidate", str(now), "-o", str(tmp_path / "汇总.xlsx"), *args])
    main(["consolidate", str(now), "-o", str(tmp_path / "汇总.xlsx"), "--register", str(register)])
    main(["validate", str(now / "洪泽区人民政府.xlsx"), "--previous", str(last / "淮安市洪泽区人民政府.xlsx"),
          "--register", str(register)])
    assert "单位名录" not in capsys.readouterr().err
    assert (register.read_bytes(), register.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.glob("单位名录*")) == ["单位名录.csv"]
    # a new year is new: written, the previous version kept
    write_workbook(_department("洪泽区人民政府", 7, year=2022), tmp_path / "洪泽区2022.xlsx")
    main(["consolidate", str(tmp_path / "洪泽区2022.xlsx"), "-o", str(tmp_path / "汇总2022.xlsx"),
          "--register", str(register)])
    assert register.with_name("单位名录.bak.csv").read_bytes() == before[0]
    assert _rows(register)[1][3] == "2020；2021；2022"


@pytest.mark.parametrize(("content", "reason"), [
    (b"PK\x03\x04" + bytes(60), "这是 Excel 工作簿，不是 CSV 文件"),
    (bytes(range(256)) * 4, "无法识别文本编码"),
    (bytes(range(1, 32)) * 8, "不是文本文件"),
    ("名称,年份\n洪泽区人民政府,2021\n".encode("utf-8-sig"), "第一行没有“单位”列"),
])
def test_an_unreadable_register_is_said_and_left_alone(tmp_path, capsys, content, reason) -> None:
    last, now = _years(tmp_path, {"淮安市洪泽区人民政府": 3}, {"洪泽区人民政府": 5})
    register = tmp_path / "单位名录.csv"
    register.write_bytes(content)
    warning = f"! 单位名录 {register} 无法读取（{reason}"
    assert main(["consolidate", str(now), "-o", str(tmp_path / "汇总.xlsx"), "--previous", str(last),
                 "--register", str(register)]) == 0
    err = capsys.readouterr().err
    assert warning in err and "本次没有使用它，也没有改动它" in err
    assert f"上年报告：{RULE_NOTE}" in err  # the run went on: the region rule still pairs
    assert (tmp_path / "汇总.xlsx").is_file()
    this, before = str(now / "洪泽区人民政府.xlsx"), str(last / "淮安市洪泽区人民政府.xlsx")
    assert main(["validate", this, "--previous", before, "--register", str(register)]) == 0
    err = capsys.readouterr().err
    assert warning in err and RULE_NOTE in err
    assert register.read_bytes() == content
    assert sorted(p.name for p in tmp_path.glob("单位名录*")) == ["单位名录.csv"]


def test_a_register_that_cannot_be_written_is_said(tmp_path, capsys) -> None:
    last, now = _years(tmp_path, {"淮安市洪泽区人民政府": 3}, {"洪泽区人民政府": 5})
    (tmp_path / "文件").write_text("")
    register = tmp_path / "文件" / "单位名录.csv"  # its folder is a file
    assert main(["consolidate", str(now), "-o", str(tmp_path / "汇总.xlsx"), "--previous", str(last),
                 "--register", str(register)]) == 0
    err = capsys.readouterr().err
    assert f"! 单位名录 {register} 无法写入（" in err and "本次见到的单位名称没有记入" in err
    assert f"上年报告：{RULE_NOTE}" in err


def test_no_guess_between_two_agencies(tmp_path, capsys) -> None:
    last, now = _years(tmp_path, {"淮安市洪泽区人民政府": 3, "宿迁市洪泽区人民政府": 4},
                       {"洪泽区人民政府": 5})
    register = tmp_path / "单位名录.csv"
    main(["consolidate", str(now), "-o", str(tmp_path / "汇总.xlsx"), "--previous", str(last),
          "--register", str(register)])
    note = ("“洪泽区人民政府”可与上年报告的“宿迁市洪泽区人民政府”、“淮安市洪泽区人民政府”匹配，"
            f"不能确定是哪一个单位，未与上年报告对照（可在单位名录 {register} 中写明）")
    assert f"上年报告：{note}" in capsys.readouterr().err
    texts = _texts(tmp_path / "汇总.xlsx")
    assert "可与多份上年报告匹配、未作对照的单位（1 个）" in texts and note in texts
    # nothing was paired, so nothing was merged: three rows (洪泽区人民政府 matches both by the rule)
    names = [r[0] for r in _rows(register)[1:]]
    assert names == ["洪泽区人民政府", "宿迁市洪泽区人民政府", "淮安市洪泽区人民政府"]


def test_pair_names(agency_register) -> None:
    last = ["洪泽区人民政府", "淮安市淮阴区人民政府", None]
    now = ["淮安市洪泽区人民政府", "江苏省淮安市洪泽区人民政府", "淮阴区人民政府", None]
    pairings = pair_names(now, last)
    assert [p.index for p in pairings] == [None, None, 1, None]
    assert pairings[0].note == (
        "“淮安市洪泽区人民政府”与“江苏省淮安市洪泽区人民政府”都可与上年报告的“洪泽区人民政府”匹配，"
        f"不能确定是哪一个单位，未与上年报告对照（可在单位名录 {agency_register} 中写明）")
    assert pairings[2].note == (
        "按“淮阴区人民政府”与上年报告的“淮安市淮阴区人民政府”匹配（同一单位的全称与简称）")
    # a name exactly last year's is not also paired by the rule with another of this year's
    pairings = pair_names(["洪泽区人民政府", "淮安市洪泽区人民政府"], ["洪泽区人民政府"])
    assert [p.index for p in pairings] == [0, None]


@pytest.mark.parametrize(("encoding", "delimiter"), [
    ("utf-8-sig", ","),  # Excel's "CSV UTF-8"
    ("gb18030", ","),  # Excel's "CSV" on a Chinese Windows
    ("utf-16", "\t"),  # Excel's "Unicode text"
])
def test_a_register_saved_by_excel_reads_the_same(tmp_path, encoding, delimiter) -> None:
    path = tmp_path / "单位名录.csv"
    text = "\r\n".join(delimiter.join(row) for row in [
        ["年度", "单位", "其他写法"],  # columns found by their headers, in any order
        ["2020;2021", "洪泽区人民政府", "洪泽县人民政府、淮安市洪泽区人民政府"],
        ["", "", ""]])
    path.write_bytes(text.encode(encoding))
    register = AgencyRegister.open(path)
    assert register.usable
    assert [(a.name, a.others, a.years) for a in register.agencies] == [
        ("洪泽区人民政府", ["洪泽县人民政府", "淮安市洪泽区人民政府"], [2020, 2021])]
    assert register.listed_together("洪泽县人民政府", "淮安市洪泽区人民政府")
    assert not register.listed_together("洪泽县人民政府", "淮阴区人民政府")


def test_names_that_look_like_formulas_stay_text(tmp_path) -> None:
    path = tmp_path / "单位名录.csv"
    register = AgencyRegister.open(path)
    register.see(Sighting("=HYPERLINK(\"http://x\")局", 2021, "a.xlsx"))
    assert register.save()
    assert _rows(path)[1][0] == "'=HYPERLINK(\"http://x\")局"
    assert AgencyRegister.open(path).agencies[0].name == "=HYPERLINK(\"http://x\")局"


def test_real_reports_of_one_agency_in_two_years(tmp_path, capsys) -> None:
    """平潭综合实验区's published reports of 2023 and 2024 (web pages, real cases)."""
    before, after = CASES / "html_pingtan_2023.html", CASES / "html_pingtan_2024.html"
    assert [case_json(p)["provenance"]["kind"] for p in (before, after)] == ["real", "real"]
    (tmp_path / "2023").mkdir()
    (tmp_path / "2024").mkdir()
    for source, folder in ((before, "2023"), (after, "2024")):
        (tmp_path / folder / source.name).write_bytes(source.read_bytes())
    register = tmp_path / "单位名录.csv"
    out = consolidate([tmp_path / "2024"], tmp_path / "汇总.xlsx", previous=tmp_path / "2023",
                      register=register)
    assert [(d.agency, d.previous_path, d.previous_match) for d in out.members] == [
        ("平潭综合实验区", tmp_path / "2023" / before.name, None)]
    rows = [HEADER, ["平潭综合实验区", "", "", "2023；2024", str(tmp_path / "2024" / after.name)]]
    assert _rows(register) == rows
    main(["validate", str(tmp_path / "2024" / after.name), "--previous", str(tmp_path / "2023" / before.name),
          "--register", str(register)])
    assert "单位名录" not in capsys.readouterr().err
    assert _rows(register) == rows  # nothing new
