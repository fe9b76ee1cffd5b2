"""The committed templates in xlsx_templates/ are generated from the spec; drift fails. Besides
the comparison with a fresh build, the committed files are read with openpyxl alone and checked
against the spec (defined names, labels), so a writer bug cannot hide in its own output."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet.worksheet import Worksheet

from nianbao.spec import load_spec, parse_spec
from nianbao.templates import build_templates, check_templates
from nianbao.workbook import template_dir
from nianbao.workbook.layout import table_layout


def test_committed_templates_match_the_spec() -> None:
    folder = template_dir()
    assert folder is not None and sorted(p.name for p in folder.glob("*.xlsx")) == [
        "2019.xlsx", "2021.xlsx", "legacy.xlsx"]
    assert check_templates(folder) == []


def test_a_spec_change_is_detected_as_drift(tmp_path) -> None:
    build_templates(tmp_path)
    assert check_templates(tmp_path) == []
    text = resources.files("nianbao.spec").joinpath("spec.toml").read_text("utf-8")
    changed = parse_spec(tomllib.loads(text.replace('"2．重复申请"', '"2．重复提出申请"')))
    drift = check_templates(tmp_path, changed)
    assert "2019.xlsx：工作表“三、依申请公开”与规范不一致" in drift
    assert check_templates(tmp_path, load_spec()) == []


# --- the committed files read with openpyxl alone, against the spec ----------------------------

def _shown(ws: Worksheet, row: int, col: int) -> tuple[tuple[int, int], object]:
    """The cell whose text shows at (row, col) — a merged range's top-left — and that text."""
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
            row, col = merged.min_row, merged.min_col
            break
    return (row, col), ws.cell(row, col).value


def _texts(ws: Worksheet, cells: list[tuple[int, int]]) -> list[str]:
    """The texts met along ``cells``, each merged range once, in order."""
    seen: set[tuple[int, int]] = set()
    texts = []
    for row, col in cells:
        origin, value = _shown(ws, row, col)
        if origin not in seen and isinstance(value, str) and value.strip():
            seen.add(origin)
            texts.append(value)
    return texts


def _named_cell(wb: Workbook, name: str) -> tuple[str, int, int]:
    """(sheet, row, column) a defined name points at: the name must name exactly one cell."""
    assert name in wb.defined_names, f"{name} has no defined name"
    [(sheet, ref)] = list(wb.defined_names[name].destinations)
    cell = coordinate_to_tuple(ref.replace("$", ""))
    return sheet, *cell


def _check_cells(wb: Workbook, table, rows, sheet: str, prefix: str = "", *,
                 exact_headers: bool) -> None:
    """Every value cell of ``rows`` has its defined name; the row's label path stands to its
    left and the column's header path above it, as the spec writes them; the cell is blank."""
    ws = wb[sheet]
    for row in rows:
        for column in row.columns:
            name = f"{prefix}{table.key}.{row.key}.{column}"
            at_sheet, r, c = _named_cell(wb, name)
            assert at_sheet == sheet, name
            assert ws.cell(r, c).value is None, name
            path = table.column(column).path
            above = _texts(ws, [(r - i, c) for i in range(1, r)])
            assert (above if exact_headers else above[:len(path)]) == list(reversed(path)), name
            label = [row.off_form_label] if table.is_off_form(row.key) else list(row.path)
            assert list(reversed(_texts(ws, [(r, c - i) for i in range(1, c)]))) == label, name


@pytest.mark.parametrize("edition", list(load_spec().editions))
def test_committed_template_has_every_spec_cell_named_under_its_labels(edition: str) -> None:
    """Independent of the writer: the committed xlsx_templates/<edition>.xlsx, read with openpyxl,
    against the spec — each value cell's defined name at the layout's address, and around it the
    row and column labels the spec gives."""
    spec = load_spec()
    folder = template_dir()
    assert folder is not None
    wb = load_workbook(folder / f"{edition}.xlsx")
    tables = spec.edition(edition).tables
    assert {spec.sheets[k] for k in ("meta", "narrative", "provenance", "rules")} | {
        t.sheet for t in tables.values()} == set(wb.sheetnames)
    meta = wb[spec.sheets["meta"]]
    for field in spec.meta_fields:
        _sheet, r, c = _named_cell(wb, f"meta.{field.key}")
        assert (_sheet, meta.cell(r, c - 1).value) == (spec.sheets["meta"], field.label)
    narrative = wb[spec.sheets["narrative"]]
    for section in (s for s in spec.sections if s.kind == "text"):
        _sheet, r, c = _named_cell(wb, f"narrative.{section.key}")
        assert (_sheet, narrative.cell(r, c - 1).value) == (spec.sheets["narrative"], section.label)
    value_names = set()
    for table in tables.values():
        if table.layout == "indicators":  # 统计表: the header row; its rows come with a report
            assert [c.value for c in wb[table.sheet][1]] == ["编码", *table.header]
            continue
        layout = table_layout(table)
        for row in (*table.rows, *table.off_form):
            for column in row.columns:
                name = f"{table.key}.{row.key}.{column}"
                value_names.add(name)
                _sheet, r, c = _named_cell(wb, name)
                assert f"{get_column_letter(c)}{r}" == layout.address(row.key, column), name
        _check_cells(wb, table, (*table.rows, *table.off_form), table.sheet,
                     exact_headers=table.layout == "matrix")  # groups: a group label above
    assert {n for n in wb.defined_names if n.split(".")[0] in tables} == value_names


@pytest.mark.parametrize("edition", list(load_spec().editions))
def test_committed_consolidated_template_names_every_summed_cell(edition: str) -> None:
    """The committed consolidated template, read with openpyxl: every cell of the edition's
    form has its ``sum.`` name on 汇总, under the spec's column labels, beside its row label."""
    spec = load_spec()
    folder = template_dir()
    assert folder is not None
    wb = load_workbook(folder / "consolidated" / f"{edition}.xlsx")
    tables = [t for t in spec.edition(edition).tables.values() if t.layout != "indicators"]
    names = set()
    for table in tables:
        sheet = _named_cell(wb, f"sum.{table.key}.{table.rows[0].key}.{table.rows[0].columns[0]}")[0]
        _check_cells(wb, table, table.rows, sheet, "sum.", exact_headers=False)
        names |= {f"sum.{table.key}.{row.key}.{c}" for row in table.rows for c in row.columns}
    assert set(wb.defined_names) == names
