"""Report → standard workbook → Report is lossless."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from nianbao import read_report
from nianbao.model import Cell, LegacyRow, Meta, Report, Unmapped
from nianbao.spec import load_spec
from nianbao.workbook import report_from_workbook, write_workbook

from .conftest import SEEDS

SPEC = load_spec()
# Text as reports have it: CJK, ASCII, punctuation, line breaks; sometimes starting with a
# formula character, which must stay text.
_CHARS = st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\r")
TEXT = st.builds(
    lambda prefix, body: prefix + body,
    st.sampled_from(["", "=", "+", "-", "@", "=SUM(A1:A3)", "=HYPERLINK(\"x\")"]),
    st.text(_CHARS | st.just("\n"), min_size=1, max_size=40),
).filter(lambda s: s.strip() == s)


def _count_cell(draw: st.DrawFn, signed: bool, money: bool) -> Cell:
    kind = draw(st.sampled_from(["blank", "absent", "number", "number"]))
    if kind == "absent":
        return Cell()
    if kind == "blank":
        return Cell(None, draw(st.sampled_from(["", "—", "/", "无"])), f"第{draw(st.integers(1, 999))}行")
    if money:
        value = draw(st.integers(0, 10**9)) / 100
        raw = draw(st.sampled_from([f"{value}", f"{value}万元"]))
    else:
        value = draw(st.integers(-(10**6) if signed else 0, 10**9))
        raw = draw(st.sampled_from([str(value), f"{value}件"]))
    return Cell(value, raw, f"第{draw(st.integers(1, 9999))}行")


@st.composite
def reports(draw: st.DrawFn) -> Report:
    edition = draw(st.sampled_from(sorted(SPEC.editions)))
    meta = Meta(
        agency=draw(st.none() | TEXT), year=draw(st.none() | st.integers(1990, 2100)),
        edition=edition, region=draw(st.none() | TEXT), source=draw(st.none() | TEXT),
        published=draw(st.none() | TEXT),
    )
    report = Report.blank(meta, SPEC)
    table_specs = SPEC.edition(edition).tables
    for table_key, rows in report.tables.items():
        table = table_specs[table_key]
        for _row_key, columns in rows.items():
            for col_key in columns:
                column = table.column(col_key)
                columns[col_key] = _count_cell(draw, column.kind == "signed", column.is_money)
    if report.legacy is not None:
        n = draw(st.integers(0, 6))
        for i in range(n):
            unit = draw(st.sampled_from([None, "件", "条", "万元"]))
            money = unit == "万元"
            cell = _count_cell(draw, False, money)
            report.legacy.append(LegacyRow(f"{i + 1}.{draw(st.integers(1, 9))}", draw(TEXT), unit,
                                           cell.value, cell.raw, cell.where))
    report.narrative = draw(st.dictionaries(st.sampled_from(["overview", "problems", "other"]), TEXT))
    report.unmapped = draw(st.lists(st.builds(Unmapped, TEXT, TEXT), max_size=4))
    return report


def _round_trip(report: Report) -> Report:
    buffer = io.BytesIO()
    write_workbook(report).save(buffer)
    buffer.seek(0)
    return report_from_workbook(load_workbook(buffer, data_only=True))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_round_trip_is_lossless(report: Report) -> None:
    assert _round_trip(report) == report


def test_seeds_round_trip(tmp_path) -> None:
    for source in SEEDS:
        report = read_report(source)
        path = tmp_path / f"{source.stem}.xlsx"
        write_workbook(report, path)
        assert read_report(path) == report
