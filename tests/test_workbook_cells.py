"""The workbook reader reads the same Report from the fast source (python-calamine) as from
openpyxl, or hands a file it is not sure about over to openpyxl."""

from __future__ import annotations

import re
import zipfile
from html import unescape
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName

from nianbao import UnreadableInput, read_report
from nianbao.model import Report
from nianbao.spec import Spec, load_spec
from nianbao.validate import read_for_validation
from nianbao.workbook import NOT_STANDARD, read_workbook, report_from_cells, write_workbook
from nianbao.workbook.cells import Unusual, file_cells, openpyxl_cells

from .conftest import CASES
from .conftest import SEEDS as SEED_SOURCES

SEEDS = [p.stem for p in SEED_SOURCES]


def read_fast(path: Path, spec: Spec) -> Report:
    """A workbook read from the fast source only, as validation and consolidation read it."""
    return report_from_cells(file_cells(path, [spec.sheets["provenance"]]), path.name, spec)


def read_openpyxl(path: Path) -> Report:
    """The same workbook read from openpyxl's values."""
    spec = load_spec()
    return report_from_cells(openpyxl_cells(path, [spec.sheets["provenance"]]), path.name, spec)


def read_standard_workbook(path: Path) -> Report:
    """As validation and consolidation read a workbook: the fast source, else openpyxl."""
    return read_workbook(path, provenance=False)


@pytest.fixture(scope="module")
def seed_workbooks(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("seeds")
    paths = {}
    for stem in SEEDS:
        paths[stem] = folder / f"{stem}.xlsx"
        write_workbook(read_report(CASES / f"{stem}.txt"), paths[stem])
    return paths


def _values(report):
    """What validation and consolidation use: metadata, numbers, 统计表 rows, text."""
    legacy = None if report.legacy is None else [(r.code, r.label, r.unit, r.value) for r in report.legacy]
    tables = {t: {r: {c: cell.value for c, cell in cols.items()} for r, cols in rows.items()}
              for t, rows in report.tables.items()}
    return report.meta, tables, legacy, report.narrative


@pytest.mark.parametrize("stem", SEEDS)
def test_the_fast_reader_reads_what_the_normal_readers_read(seed_workbooks, stem) -> None:
    path = seed_workbooks[stem]
    fast = read_fast(path, load_spec())
    assert fast == read_openpyxl(path)  # the same Report, cell provenance included
    assert fast == read_for_validation(path)
    assert _values(fast) == _values(read_workbook(path))


@pytest.mark.parametrize("stem", ["001_xihaian_2018", "004_zibo_2021"])
def test_both_sources_read_the_provenance_alike(seed_workbooks, stem) -> None:
    path = seed_workbooks[stem]
    fast = report_from_cells(file_cells(path), path.name)
    assert fast == report_from_cells(openpyxl_cells(path), path.name)
    assert fast == read_workbook(path)
    assert fast.tables == read_report(CASES / f"{stem}.txt").tables  # the source's text and places


def _insert_row(path: Path, sheet: str, at: int) -> None:
    """A clerk inserts a row: the cells move down and Excel moves the names with them."""
    wb = load_workbook(path)
    ws = wb[sheet]
    ws.insert_rows(at)
    for name, dn in list(wb.defined_names.items()):
        target, address = next(iter(dn.destinations))
        col, row = re.match(r"\$([A-Z]+)\$(\d+)", address).groups()
        if target == sheet and int(row) >= at:
            wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!${col}${int(row) + 1}")
    wb.save(path)


def test_a_row_inserted_by_a_clerk(seed_workbooks, tmp_path) -> None:
    path = tmp_path / "edited.xlsx"
    path.write_bytes(seed_workbooks["004_zibo_2021"].read_bytes())
    _insert_row(path, "三、依申请公开", 10)
    _insert_row(path, "二、主动公开", 2)
    fast = read_fast(path, load_spec())
    assert fast.value("requests", "unavailable_not_held", "natural_person") == 1
    assert fast.tables["requests"]["carried_over"]["total"].where == "三、依申请公开!J29"
    assert fast == read_openpyxl(path)
    assert _values(fast) == _values(read_report(CASES / "004_zibo_2021.txt"))


def _to_shared_strings(path: Path, target: Path) -> None:
    """Rewrite a workbook the way Excel saves it: every string in xl/sharedStrings.xml."""
    strings: list[str] = []

    def shared(match: re.Match[str]) -> str:
        text = unescape("".join(re.findall(r"<t[^>]*>(.*?)</t>", match.group(3), re.S)))
        strings.append(text)
        return f'<c r="{match.group(1)}"{match.group(2)} t="s"><v>{len(strings) - 1}</v></c>'

    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = re.sub(r'<c r="([A-Z]+\d+)"([^>]*?) t="inlineStr"><is>(.*?)</is></c>', shared,
                              data.decode("utf-8"), flags=re.S)
                data = text.encode("utf-8")
            out.writestr(item, data)
        escaped = (s.replace("&", "&amp;").replace("<", "&lt;") for s in strings)
        items = "".join(f'<si><t xml:space="preserve">{s}</t></si>' for s in escaped)
        out.writestr("xl/sharedStrings.xml",
                     '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                     f"{items}</sst>")
    assert strings


@pytest.mark.parametrize("stem", ["001_xihaian_2018", "003_yangling_2019"])
def test_shared_strings_as_excel_saves_them(seed_workbooks, tmp_path, stem) -> None:
    path = tmp_path / "excel.xlsx"
    _to_shared_strings(seed_workbooks[stem], path)
    with zipfile.ZipFile(path) as z:
        assert "inlineStr" not in z.read("xl/worksheets/sheet1.xml").decode()
    fast = read_fast(path, load_spec())
    assert _values(fast) == _values(read_openpyxl(seed_workbooks[stem]))


def test_a_date_is_left_to_the_normal_reader(seed_workbooks, tmp_path) -> None:
    path = tmp_path / "date.xlsx"
    wb = load_workbook(seed_workbooks["004_zibo_2021"])
    ws = wb["三、依申请公开"]
    ws["D5"].value = 45000  # a clerk typed 3-1 and Excel made it a date
    ws["D5"].number_format = "yyyy-mm-dd"
    wb.save(path)
    with pytest.raises(Unusual):
        read_fast(path, load_spec())
    report = read_standard_workbook(path)
    assert report.value("requests", "carried_in", "natural_person") is None  # a date is not a count
    assert report == read_openpyxl(path)


def test_not_a_standard_workbook(tmp_path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    wb = Workbook()
    wb.active["A1"] = "部门名单"
    wb.save(path)
    with pytest.raises(UnreadableInput) as caught:
        read_standard_workbook(path)
    assert caught.value.reason == NOT_STANDARD
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableInput):
        read_standard_workbook(broken)


def test_an_error_value_is_left_to_openpyxl_and_kept_as_text(seed_workbooks, tmp_path) -> None:
    path = tmp_path / "error.xlsx"
    with zipfile.ZipFile(seed_workbooks["004_zibo_2021"]) as source, zipfile.ZipFile(path, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet3.xml":  # 三、依申请公开: a clerk's =A1/0 in D5
                data, n = re.subn(rb'<c r="D5"([^>]*?)(?: t="\w+")?(?:/>|>.*?</c>)',
                                  rb'<c r="D5"\1 t="e"><f>1/0</f><v>#DIV/0!</v></c>', data, count=1)
                assert n == 1
            out.writestr(item, data)
    with pytest.raises(Unusual):
        read_fast(path, load_spec())
    report = read_standard_workbook(path)
    cell = report.tables["requests"]["carried_in"]["natural_person"]
    assert (cell.value, cell.raw) == (None, "#DIV/0!")  # never a blank that counts as 0
    assert report == read_openpyxl(path)
