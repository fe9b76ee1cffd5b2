"""The standard workbook as a clerk expects a government form in Excel: data validation on every
value cell, number formats, protected labels and unlocked value cells, the edition's label,
every character of the narratives, the agency and year on every printed page."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from nianbao import read_report
from nianbao.api import save_workbook
from nianbao.spec import load_spec
from nianbao.validate import validate
from nianbao.workbook import build_template
from nianbao.workbook.layout import table_layout
from nianbao.workbook.styles import MAX_ROW_HEIGHT, text_chunks, text_row_height

from .conftest import CASES

SPEC = load_spec()
RULE = {"count": ("whole", "greaterThanOrEqual", "0", None),
        "money": ("decimal", "greaterThanOrEqual", "0", None),
        "signed": ("whole", "between", "-999999999", "999999999")}
FORMAT = {"count": "0", "money": "0.00", "signed": "0"}


def _validations(ws: Worksheet) -> dict[str, tuple]:
    """Each cell's data validation: (type, operator, formula1, formula2, prompt, error)."""
    found: dict[str, tuple] = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.showInputMessage and dv.showErrorMessage and dv.prompt and dv.error
        for cell_range in dv.sqref.ranges:
            for row in ws[cell_range.coord] if ":" in cell_range.coord else ((ws[cell_range.coord],),):
                for cell in row:
                    assert cell.coordinate not in found, f"two validations on {cell.coordinate}"
                    found[cell.coordinate] = (dv.type, dv.operator, dv.formula1, dv.formula2,
                                              dv.prompt, dv.error)
    return found


def _check_form(wb, edition: str) -> None:
    for table in SPEC.edition(edition).tables.values():
        ws = wb[table.sheet]
        layout = table_layout(table)
        validations = _validations(ws)
        kinds = {validations[ws.cell(*at).coordinate][:2] for at in layout.cells.values()}
        assert len(ws.data_validations.dataValidation) == len(kinds)  # one per kind, not one per cell
        assert ws.protection.sheet and not ws.protection.password
        for (_, col_key), (r, c) in layout.cells.items():
            cell = ws.cell(r, c)
            kind = table.column(col_key).kind
            words = SPEC.workbook.validation[kind]
            expected = (*RULE[kind], words["prompt"], words["error"])
            assert validations[cell.coordinate] == expected, cell.coordinate
            assert cell.number_format == FORMAT[kind], cell.coordinate
            assert cell.protection.locked is False, cell.coordinate
        for label in layout.labels:
            assert ws.cell(label.row, label.col).protection.locked, label.text
    meta = wb[SPEC.sheets["meta"]]
    year = meta[wb.defined_names["meta.year"].attr_text.split("!")[1].replace("$", "")]
    low, high = SPEC.workbook.years
    assert _validations(meta)[year.coordinate][:4] == ("whole", "between", str(low), str(high))
    edition_cell = wb.defined_names["meta.edition"].attr_text.split("!")[1].replace("$", "")
    assert meta[edition_cell].value == SPEC.edition(edition).short_label


@pytest.mark.parametrize("edition", list(SPEC.editions))
def test_every_value_cell_of_the_template_is_a_form_field(edition: str, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    build_template(edition).save(path)
    _check_form(load_workbook(path), edition)
    committed = Path(__file__).parents[1] / "xlsx_templates" / f"{edition}.xlsx"
    _check_form(load_workbook(committed), edition)


def test_money_and_signed_cells_of_the_2019_form() -> None:
    wb = build_template("2019")
    ws = wb[SPEC.sheets["active"]]
    layout = table_layout(SPEC.edition("2019").table("active"))
    v = _validations(ws)
    assert v[layout.address("procurement", "amount")][:2] == ("decimal", "greaterThanOrEqual")
    assert ws[layout.address("procurement", "amount")].number_format == "0.00"
    assert v[layout.address("licensing", "change")][:3] == ("whole", "between", "-999999999")


@pytest.mark.parametrize("case", ["001_xihaian_2018", "002_zichuan_2020", "004_zibo_2021"])
def test_a_converted_workbook_keeps_its_form_and_every_narrative_character(case: str, tmp_path: Path) -> None:
    report = read_report(CASES / f"{case}.txt")
    path = tmp_path / "r.xlsx"
    save_workbook(report, path)
    wb = load_workbook(path)
    if report.meta.edition != "legacy":
        _check_form(wb, report.meta.edition)
    else:
        ws = wb[SPEC.sheets["legacy"]]
        assert ws.protection.sheet
        v = _validations(ws)
        for r in range(2, ws.max_row + 1):
            unit = ws.cell(r, 3).value
            kind = "money" if unit in SPEC.edition("legacy").table("legacy").money_units else "count"
            assert v[f"D{r}"][:3] == RULE[kind][:3] and ws[f"D{r}"].protection.locked is False
            assert ws[f"D{r}"].number_format == FORMAT[kind] and ws[f"B{r}"].protection.locked
    back = read_report(path)
    assert back.meta.edition == report.meta.edition
    assert back.narrative == report.narrative
    text_ws = wb[SPEC.sheets["narrative"]]
    for row in text_ws.iter_rows(min_col=2, max_col=2):
        cell = row[0]
        if cell.value:
            assert cell.alignment.wrap_text
            height = text_ws.row_dimensions[cell.row].height
            assert height <= MAX_ROW_HEIGHT
            assert height >= min(MAX_ROW_HEIGHT, text_row_height(cell.value, 100))
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            header = ws.oddHeader.left.text or ""
            assert report.meta.agency in header and f"{report.meta.year}年度" in header, ws.title


def test_a_long_narrative_is_split_over_rows_and_read_back_as_one_text(tmp_path: Path) -> None:
    report = read_report(CASES / "004_zibo_2021.txt")
    sentence = "本机关认真贯彻落实政府信息公开条例，持续推进决策、执行、管理、服务、结果公开。"
    long = "".join(f"第{i}段：{sentence}\n" for i in range(200))
    report.narrative["overview"] = long
    report.narrative["other"] = "无。"
    path = tmp_path / "r.xlsx"
    save_workbook(report, path)
    ws = load_workbook(path)[SPEC.sheets["narrative"]]
    continued = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == SPEC.workbook.continued]
    assert len(continued) >= 3
    assert all(ws.row_dimensions[r].height <= MAX_ROW_HEIGHT for r in range(1, ws.max_row + 1))
    back = read_report(path)
    assert back.narrative["overview"] == long and back.narrative["other"] == "无。"
    assert back.narrative["problems"] == report.narrative["problems"]
    assert "".join(text_chunks(long, 100, 50)) == long


def test_validate_names_what_a_clerk_typed_into_count_cells(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    save_workbook(read_report(CASES / "004_zibo_2021.txt"), path)
    active = table_layout(SPEC.edition("2021").table("active"))
    requests = table_layout(SPEC.edition("2021").table("requests"))
    wb = load_workbook(path)
    typed = {requests.reference("granted", "natural_person"): "待核实",
             requests.reference("denied_internal", "commercial"): "1 2",
             active.reference("penalty", "decisions"): -3,
             requests.reference("rejected_duplicate", "research"): 2.5}
    for reference, value in typed.items():
        sheet, address = reference.split("!")
        wb[sheet][address].value = value
    wb.save(path)
    result = validate(read_report(path))
    rules = {(f.cell, f.rule) for f in result.findings}
    assert (requests.reference("granted", "natural_person"), "report.not_a_number") in rules
    assert (requests.reference("denied_internal", "commercial"), "report.not_a_number") in rules
    assert (active.reference("penalty", "decisions"), "active.non_negative") in rules
    assert (requests.reference("rejected_duplicate", "research"), "requests.integer") in rules


def test_annotate_and_consolidate_work_on_protected_workbooks(tmp_path: Path) -> None:
    from nianbao.cli import main
    from nianbao.consolidate import consolidate

    path = tmp_path / "r.xlsx"
    save_workbook(read_report(CASES / "004_zibo_2021.txt"), path)
    requests = table_layout(SPEC.edition("2021").table("requests"))
    wb = load_workbook(path)
    sheet, address = requests.reference("granted", "natural_person").split("!")
    wb[sheet][address].value = 999
    wb.save(path)
    assert main(["validate", str(path), "--annotate"]) == 1
    marked = load_workbook(path)
    ws = marked[sheet]
    assert ws.protection.sheet and ws[address].value == 999
    total = requests.address("total_processed", "natural_person")  # where the broken rule shows
    assert ws[total].comment is not None and ws[total].fill.fgColor.rgb.endswith("FFC7CE")
    assert SPEC.findings.sheet in marked.sheetnames
    result = consolidate([path], tmp_path / "汇总.xlsx")
    assert result.departments == 1 and not result.unreadable


def test_a_fraction_in_a_count_cell_is_shown_as_it_is(tmp_path: Path) -> None:
    """The count format 0 would show 2.5 件 as 3: a cell holding a fraction keeps General, so the
    clerk sees the 2.5 that its red fill (整数) is about."""
    report = read_report(CASES / "004_zibo_2021.txt")
    report.tables["appeals"]["count"]["review_upheld"].value = 2.5
    report.tables["appeals"]["count"]["review_total"].value = 3
    path = tmp_path / "r.xlsx"
    save_workbook(report, path)
    ws = load_workbook(path)[SPEC.sheets["appeals"]]
    layout = table_layout(SPEC.edition("2021").table("appeals"))
    assert ws[layout.address("count", "review_upheld")].value == 2.5
    assert ws[layout.address("count", "review_upheld")].number_format == "General"
    assert ws[layout.address("count", "review_total")].number_format == "0"
