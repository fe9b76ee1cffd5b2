"""Standard workbooks as clerks send them back: edited in Excel, LibreOffice or a script, some
of it badly. Each starts from the workbook nianbao writes for seed 004 (2021 edition, 200
cells, valid) or seed 001 (a 统计表)."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.workbook.defined_name import DefinedName

from .case import BadInput
from .formats import standard_workbook_bytes

__all__ = ["CASES", "edited", "rewritten"]

REQUESTS = "三、依申请公开"
CELL = "requests.new_received.natural_person"  # 三、依申请公开!D4, 0 in seed 004
LEGACY_SEED = "001_xihaian_2018.txt"


def edited(name: str, edit: Callable[[Workbook], None], source: str | None = None) -> Callable[[Path], Path]:
    """A ``make`` that opens the standard workbook in openpyxl, edits it and saves it."""

    def make(folder: Path) -> Path:
        data = standard_workbook_bytes(source) if source else standard_workbook_bytes()
        wb = load_workbook(io.BytesIO(data))
        edit(wb)
        path = folder / name
        wb.save(path)
        return path

    return make


def rewritten(name: str, edit: Callable[[str, bytes], bytes | None]) -> Callable[[Path], Path]:
    """A ``make`` that rewrites the standard workbook's zip part by part (None drops a part)."""

    def make(folder: Path) -> Path:
        path = folder / name
        with zipfile.ZipFile(io.BytesIO(standard_workbook_bytes())) as source, \
                zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = edit(info.filename, source.read(info))
                if data is not None:
                    target.writestr(info, data)
        return path

    return make


def _rename_like_a_script(wb: Workbook) -> None:
    wb[REQUESTS].title = "Sheet3"  # openpyxl leaves the defined names on the old name


def _rename_like_excel(wb: Workbook) -> None:
    wb[REQUESTS].title = "依申请"
    for name, dn in list(wb.defined_names.items()):
        reference = dn.attr_text.replace(f"'{REQUESTS}'", "'依申请'")
        wb.defined_names[name] = DefinedName(name, attr_text=reference)


def _delete(sheet: str) -> Callable[[Workbook], None]:
    def edit(wb: Workbook) -> None:
        del wb[sheet]

    return edit


def _insert_rows(wb: Workbook) -> None:
    """Three rows inserted above row 5 of table 三, the names moved with them as Excel does."""
    wb[REQUESTS].insert_rows(5, 3)
    for name, dn in list(wb.defined_names.items()):
        match = re.fullmatch(rf"'{REQUESTS}'!\$([A-Z]+)\$(\d+)", dn.attr_text)
        if match and int(match.group(2)) >= 5:
            wb.defined_names[name] = DefinedName(
                name, attr_text=f"'{REQUESTS}'!${match.group(1)}${int(match.group(2)) + 3}")


def _put(value: object, cell: str = "D4", sheet: str = REQUESTS) -> Callable[[Workbook], None]:
    def edit(wb: Workbook) -> None:
        wb[sheet][cell] = value

    return edit


def _rename_name(reference: str, name: str = CELL) -> Callable[[Workbook], None]:
    def edit(wb: Workbook) -> None:
        wb.defined_names[name] = DefinedName(name, attr_text=reference)

    return edit


def _drop_name(wb: Workbook) -> None:
    del wb.defined_names[CELL]


def _without_part(part: str) -> Callable[[str, bytes], bytes | None]:
    return lambda filename, data: None if filename == part else data


def _value(digits: str) -> Callable[[str, bytes], bytes | None]:
    """Table 三's D4 holding ``digits`` as its number, as only a forged file can."""

    def edit(filename: str, data: bytes) -> bytes | None:
        if filename != "xl/worksheets/sheet3.xml":
            return data
        cell = re.compile(rb'<c r="D4"([^>]*)>.*?</c>')
        assert cell.search(data)
        return cell.sub(b'<c r="D4"><v>' + digits.encode() + b"</v></c>", data, count=1)

    return edit


def _billion_laughs(filename: str, data: bytes) -> bytes | None:
    """Table 三 with an entity that would expand to a billion characters, used in a cell."""
    if filename != "xl/worksheets/sheet3.xml":
        return data
    entities = "".join(f'<!ENTITY l{k} "{f"&l{k - 1};" * 10 if k else "lol"}">' for k in range(10))
    body = data.split(b"?>", 1)[-1] if data.startswith(b"<?xml") else data
    body = re.sub(rb'<c r="D4"([^>]*)>.*?</c>', b'<c r="D4" t="inlineStr"><is><t>&l9;</t></is></c>', body,
                  count=1)
    return f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'.encode() + body


MISSING_REQUESTS = f"缺少“{REQUESTS}”表"
FINDING = "不是数字"

CASES = [
    BadInput("renamed_by_script.xlsx", edited("renamed_by_script.xlsx", _rename_like_a_script),
             MISSING_REQUESTS, 2, "175 个单元格无法读取", 2),
    BadInput("renamed_in_excel.xlsx", edited("renamed_in_excel.xlsx", _rename_like_excel),
             "已填 200/200 格", 0, "未发现问题", 0),
    BadInput("sheet_deleted.xlsx", edited("sheet_deleted.xlsx", _delete(REQUESTS)),
             MISSING_REQUESTS, 2, "175 个单元格无法读取", 2),
    BadInput("legacy_sheet_deleted.xlsx", edited("legacy_sheet_deleted.xlsx", _delete("统计表"), LEGACY_SEED),
             "缺少“统计表”表", 2, "缺少“统计表”表", 2),
    BadInput("sheet_part_missing.xlsx", rewritten("sheet_part_missing.xlsx",
                                                  _without_part("xl/worksheets/sheet3.xml")),
             MISSING_REQUESTS, 2, MISSING_REQUESTS, 2),
    BadInput("rows_inserted.xlsx", edited("rows_inserted.xlsx", _insert_rows), "已填 200/200 格", 0,
             "未发现问题", 0),
    BadInput("text_in_value_cell.xlsx", edited("text_in_value_cell.xlsx", _put("待核实")),
             "已填 199/200 格", 0, f"{REQUESTS}!D4  一、本年新收政府信息公开申请数量（自然人）填的是“待核实”",
             1),
    BadInput("formula_without_value.xlsx", edited("formula_without_value.xlsx", _put("=1+2")),
             "未归位 5 处", 0, "填的是“=1+2”", 1),
    BadInput("legacy_formula_without_value.xlsx", edited("legacy_formula_without_value.xlsx",
                                                         _put("=1+2", "D3", "统计表"), LEGACY_SEED),
             "未归位 1 处", 0, "统计表!D3  “主动公开政府信息数”（1.1）填的是“=1+2”", 1),
    BadInput("legacy_text_in_value_cell.xlsx", edited("legacy_text_in_value_cell.xlsx",
                                                      _put("待核实", "D4", "统计表"), LEGACY_SEED),
             "已填 50/74 格", 0, "统计表!D4  “主动公开规范性文件数”（1.1.a）填的是“待核实”", 1),
    BadInput("ref_error.xlsx", edited("ref_error.xlsx", _put("#REF!")), "已填 199/200 格", 0,
             "填的是“#REF!”", 1),
    BadInput("div0_error.xlsx", edited("div0_error.xlsx", _put("#DIV/0!")), "已填 199/200 格", 0,
             "填的是“#DIV/0!”", 1),
    BadInput("na_error.xlsx", edited("na_error.xlsx", _put("#N/A")), "已填 199/200 格", 0, "填的是“#N/A”", 1),
    BadInput("date_in_value_cell.xlsx", edited("date_in_value_cell.xlsx", _put(datetime.date(2021, 3, 1))),
             "已填 199/200 格", 0, "填的是“2021-03-01”", 1),
    BadInput("count_400_digits.xlsx", rewritten("count_400_digits.xlsx", _value("9" * 400)),
             "已填 199/200 格", 0, FINDING, 1),
    BadInput("count_1e400.xlsx", rewritten("count_1e400.xlsx", _value("1e400")), "已填 199/200 格", 0,
             FINDING, 1),
    BadInput("name_elsewhere.xlsx", edited("name_elsewhere.xlsx", _rename_name("'基本信息'!$B$1")),
             "有名称指向“三、依申请公开”以外的表", 2, CELL, 2),
    BadInput("name_on_other_cell.xlsx", edited("name_on_other_cell.xlsx", _rename_name(f"'{REQUESTS}'!$E$4")),
             "指向同一个单元格", 2, "指向同一个单元格", 2),
    BadInput("name_on_range.xlsx", edited("name_on_range.xlsx", _rename_name(f"'{REQUESTS}'!$D$4:$E$5")),
             "不指向单个单元格", 2, CELL, 2),
    BadInput("name_on_ref_error.xlsx", edited("name_on_ref_error.xlsx", _rename_name("#REF!")),
             "不指向单个单元格", 2, CELL, 2),
    BadInput("name_deleted.xlsx", edited("name_deleted.xlsx", _drop_name), "名称已删除", 2, CELL, 2),
    # Refused, or read without expanding the entity; never a ParseError.
    BadInput("billion_laughs.xlsx", rewritten("billion_laughs.xlsx", _billion_laughs),
             "DTD 或实体声明", 2, "DTD 或实体声明", 2),
]
