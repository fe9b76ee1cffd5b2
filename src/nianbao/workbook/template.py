"""The empty standard workbook of an edition, built from the spec; the committed templates in
``xlsx_templates/`` are these, written out, and checked for drift."""

from __future__ import annotations

import functools
import os
import pickle
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from ..spec import Spec, load_spec
from .layout import TableLayout, defined_name, table_layout
from .live import add_instances, rules_sheet, table_instances
from .styles import (
    BORDER,
    CENTER,
    FONT,
    HEADER_FILL,
    LABEL,
    NUMBER,
    NUMBER_FORMATS,
    TEXT,
    UNLOCKED,
    add_validations,
    print_setup,
    protect,
    set_text,
    text_row_height,
)

__all__ = ["MISSING", "Builder", "build_template", "build_templates", "check_templates",
           "define_name", "fingerprint", "load_template", "template_dir"]

MISSING = "meta.missing_tables"

Builder = Callable[[str, Spec], Workbook]


def template_dir() -> Path | None:
    """Where the committed templates live: $NIANBAO_TEMPLATES, else the source tree's
    ``xlsx_templates/``; None when neither exists (the template is then built in memory)."""
    env = os.environ.get("NIANBAO_TEMPLATES")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[3] / "xlsx_templates"
    return here if here.is_dir() else None


def define_name(wb: Workbook, name: str, sheet: str, address: str) -> None:
    """A workbook-wide defined name for one cell (``address`` like ``$D$27``)."""
    ref = f"{quote_sheetname(sheet)}!{address}"
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _absolute(row: int, col: int) -> str:
    return f"${get_column_letter(col)}${row}"


def _table_sheet(wb: Workbook, layout: TableLayout) -> Worksheet:
    table = layout.table
    ws = wb.create_sheet(table.sheet)
    bold = Font(name=FONT, size=10, bold=True)
    normal = Font(name=FONT, size=10)
    for col, width in layout.widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    heights: dict[int, float] = {}
    note = Font(name=FONT, size=9, color="595959")
    for label in layout.labels:
        for r in range(label.row, label.last_row + 1):
            for c in range(label.col, label.last_col + 1):
                cell = ws.cell(r, c)
                if label.kind != "note":
                    cell.border = BORDER
                if label.kind in ("header", "corner", "group"):
                    cell.fill = HEADER_FILL
        cell = ws.cell(label.row, label.col)
        if label.text:
            set_text(cell, label.text)
        cell.font = bold if label.kind in ("header", "group") else note if label.kind == "note" else normal
        cell.alignment = CENTER if label.kind in ("header", "corner") else LABEL
        if label.merged:
            ws.merge_cells(start_row=label.row, start_column=label.col,
                           end_row=label.last_row, end_column=label.last_col)
        if label.row == label.last_row and label.text:
            width = sum(layout.widths.get(c, 9.0) for c in range(label.col, label.last_col + 1))
            heights[label.row] = max(heights.get(label.row, 0), text_row_height(label.text, width))
    by_kind: dict[str, list[str]] = {}
    for (row_key, col_key), (r, c) in layout.cells.items():
        cell = ws.cell(r, c)
        cell.border = BORDER
        cell.alignment = NUMBER
        cell.font = normal
        kind = table.column(col_key).kind
        cell.number_format = NUMBER_FORMATS[kind]
        cell.protection = UNLOCKED
        by_kind.setdefault(kind, []).append(cell.coordinate)
        last = layout.value_spans.get((row_key, col_key))
        if last:
            for cc in range(c + 1, last + 1):
                ws.cell(r, cc).border = BORDER
            ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=last)
        define_name(wb, defined_name(table.key, row_key, col_key), table.sheet, _absolute(r, c))
    for r, height in heights.items():
        ws.row_dimensions[r].height = max(height, 18)
    if layout.header_rows or layout.label_cols:
        ws.freeze_panes = f"{get_column_letter(layout.label_cols + 1)}{layout.header_rows + 1}"
    if layout.header_rows:
        ws.print_title_rows = f"1:{layout.header_rows}"
    add_validations(ws, by_kind)
    protect(ws)
    print_setup(ws, table.title)
    return ws


def build_template(edition_key: str, spec: Spec | None = None) -> Workbook:
    """The empty standard workbook of an edition, laid out like the official form."""
    spec = spec or load_spec()
    edition = spec.edition(edition_key)
    wb = Workbook()
    meta_ws = wb.active
    meta_ws.title = spec.sheets["meta"]
    bold = Font(name=FONT, size=11, bold=True)
    normal = Font(name=FONT, size=11)
    meta_ws.column_dimensions["A"].width = 20
    meta_ws.column_dimensions["B"].width = 70
    words = spec.workbook
    rows: list[tuple[str, str | None]] = [(f.label, f"meta.{f.key}") for f in spec.meta_fields]
    rows += [(label, MISSING if label == words.info_rows[-1] else None) for label in words.info_rows]
    for r, (label, name) in enumerate(rows, start=1):
        set_text(meta_ws.cell(r, 1), label)
        meta_ws.cell(r, 1).font = bold
        meta_ws.cell(r, 1).fill = HEADER_FILL
        for c in (1, 2):
            meta_ws.cell(r, c).border = BORDER
            meta_ws.cell(r, c).alignment = LABEL
        meta_ws.cell(r, 2).font = normal
        if name:
            define_name(wb, name, meta_ws.title, _absolute(r, 2))
    set_text(meta_ws.cell(rows.index((words.info_rows[2], None)) + 1, 2), edition.label)
    unmapped_at = len(rows) + 2
    set_text(meta_ws.cell(unmapped_at, 1), words.unmapped_title)
    meta_ws.cell(unmapped_at, 1).font = bold
    for c, text in enumerate(words.unmapped_columns, start=1):
        cell = meta_ws.cell(unmapped_at + 1, c)
        set_text(cell, text)
        cell.font = bold
        cell.fill = HEADER_FILL
        cell.border = BORDER
    define_name(wb, "meta.unmapped", meta_ws.title, _absolute(unmapped_at + 1, 1))
    names = [name for _, name in rows]
    set_text(meta_ws.cell(names.index("meta.edition") + 1, 2), edition.short_label)
    year = meta_ws.cell(names.index("meta.year") + 1, 2)
    year.number_format = NUMBER_FORMATS["year"]
    add_validations(meta_ws, {"year": [year.coordinate]})
    print_setup(meta_ws, spec.sheets["meta"])
    meta_ws.page_setup.orientation = "portrait"

    for table in edition.tables.values():
        _table_sheet(wb, table_layout(table))

    text_ws = wb.create_sheet(spec.sheets["narrative"])
    text_ws.column_dimensions["A"].width = 26
    text_ws.column_dimensions["B"].width = 100
    for r, section in enumerate((s for s in spec.sections if s.kind == "text"), start=1):
        set_text(text_ws.cell(r, 1), section.label)
        text_ws.cell(r, 1).font = bold
        text_ws.cell(r, 1).fill = HEADER_FILL
        text_ws.cell(r, 1).alignment = Alignment(vertical="top", wrap_text=True)
        text_ws.cell(r, 2).alignment = TEXT
        text_ws.cell(r, 2).font = normal
        for c in (1, 2):
            text_ws.cell(r, c).border = BORDER
        define_name(wb, f"narrative.{section.key}", text_ws.title, _absolute(r, 2))
    print_setup(text_ws, spec.sheets["narrative"])
    text_ws.page_setup.orientation = "portrait"

    source_ws = wb.create_sheet(spec.sheets["provenance"])
    for c, text in enumerate(words.provenance_columns, start=1):
        set_text(source_ws.cell(1, c), text)
    source_ws.sheet_state = "hidden"
    rules_sheet(wb, spec)
    for key, table in edition.tables.items():
        instances = table_instances(spec, edition_key, key)
        if instances:  # the 统计表's rules are the written report's rows' (write_workbook)
            add_instances(wb, table_layout(table), instances, spec)
    wb.active = 0
    return wb


def load_template(edition: str, spec: Spec) -> Workbook:
    """The committed template of an edition, or a fresh build when there is none: a copy of
    its own for each call, made from the workbook loaded once per process (loading an xlsx
    with openpyxl takes four times as long as copying the loaded workbook)."""
    folder = template_dir()
    if folder is not None and (folder / f"{edition}.xlsx").is_file():
        path = folder / f"{edition}.xlsx"
        return _copy(_loaded(str(path), path.stat().st_mtime_ns))
    return _copy(_built(edition, spec))


def _copy(data: bytes) -> Workbook:
    wb = pickle.loads(data)
    for ws in wb.worksheets:
        # openpyxl's row and column dimension holders (a defaultdict subclass) come out of a
        # pickle without their worksheet and their factory of new rows and columns
        for holder, add in ((ws.row_dimensions, ws._add_row), (ws.column_dimensions, ws._add_column)):
            holder.worksheet, holder.default_factory = ws, add
    return wb


@functools.lru_cache(maxsize=16)
def _loaded(path: str, mtime_ns: int) -> bytes:
    """A template file as loaded, pickled (the modification time makes a changed file new)."""
    return pickle.dumps(load_workbook(path), protocol=pickle.HIGHEST_PROTOCOL)


@functools.lru_cache(maxsize=16)
def _built(edition: str, spec: Spec) -> bytes:
    return pickle.dumps(build_template(edition, spec), protocol=pickle.HIGHEST_PROTOCOL)


def fingerprint(wb: Workbook) -> dict[str, Any]:
    """What a template is made of (texts, merges, names, sizes, styles that matter), for
    comparing a committed template with a fresh build independent of zip timestamps."""
    sheets = {}
    for ws in wb.worksheets:
        sheets[ws.title] = {
            "state": ws.sheet_state,
            "cells": sorted(
                (c.coordinate, str(c.value), c.font.b, c.alignment.horizontal, c.border.left.style)
                for row in ws.iter_rows() for c in row
                if c.value is not None or c.border.left.style
            ),
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "widths": sorted((k, v.width) for k, v in ws.column_dimensions.items() if v.width),
            "heights": sorted((k, v.height) for k, v in ws.row_dimensions.items() if v.height),
            "freeze": ws.freeze_panes,
            "orientation": ws.page_setup.orientation,
            "formats": sorted((c.coordinate, c.number_format, c.protection.locked)
                              for row in ws.iter_rows() for c in row
                              if c.number_format != "General" or not c.protection.locked),
            "validations": sorted((dv.type, dv.operator, dv.formula1, dv.formula2, dv.prompt, dv.error,
                                   str(dv.sqref)) for dv in ws.data_validations.dataValidation),
            "protected": ws.protection.sheet,
            "conditional": sorted((str(cf.sqref), rule.type, tuple(rule.formula),
                                   rule.dxf.fill.fgColor.rgb if rule.dxf and rule.dxf.fill else None)
                                  for cf in ws.conditional_formatting for rule in cf.rules),
        }
    names = sorted((n, d.attr_text) for n, d in wb.defined_names.items())
    return {"sheets": sheets, "names": names}


def _folder(folder: Path | None) -> Path:
    return folder or template_dir() or Path.cwd() / "xlsx_templates"


def build_templates(builders: Mapping[str, Builder], folder: Path | None = None,
                    spec: Spec | None = None) -> list[Path]:
    """Write one template per edition for each kind: ``builders`` maps a subfolder ("" for the
    folder itself) to the function that builds that kind's workbook. Returns the paths written."""
    spec = spec or load_spec()
    folder = _folder(folder)
    paths = []
    for subfolder, build in builders.items():
        (folder / subfolder).mkdir(parents=True, exist_ok=True)
        for key in spec.editions:
            path = folder / subfolder / f"{key}.xlsx"
            build(key, spec).save(path)
            paths.append(path)
    return paths


def check_templates(builders: Mapping[str, Builder], folder: Path | None = None,
                    spec: Spec | None = None) -> list[str]:
    """What differs between the committed templates and a fresh build (empty: no drift)."""
    spec = spec or load_spec()
    folder = _folder(folder)
    drift = []
    for key in spec.editions:
        for subfolder, build in builders.items():
            path = folder / subfolder / f"{key}.xlsx"
            name = path.relative_to(folder).as_posix()
            if not path.is_file():
                drift.append(f"缺少模板 {path}")
                continue
            committed = fingerprint(load_workbook(path))
            fresh = fingerprint(build(key, spec))
            if committed != fresh:
                for sheet in sorted(set(committed["sheets"]) | set(fresh["sheets"])):
                    if committed["sheets"].get(sheet) != fresh["sheets"].get(sheet):
                        drift.append(f"{name}：工作表“{sheet}”与规范不一致")
                if committed["names"] != fresh["names"]:
                    drift.append(f"{name}：单元格名称与规范不一致")
    return drift
