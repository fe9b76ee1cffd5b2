"""The roster of departments a supervisor hands over (名单)."""

from __future__ import annotations

import csv
from pathlib import Path

from ..agency import agency_key
from ..errors import UnreadableInput
from ..spec import load_spec

__all__ = ["agency_key", "read_roster"]

UNKNOWN_ENCODING = "无法读取名单：无法识别文本编码（请存为 UTF-8 或 GBK 编码的 CSV）"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("gb18030", data, 0, 1, "not UTF-8 or GB18030")


def _roster_rows(path: Path) -> list[list[str]]:
    if path.suffix.lower() in (".csv", ".txt"):
        text = _decode(path.read_bytes())
        return [[cell.strip() for cell in row] for row in csv.reader(text.splitlines())]
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return [["" if v is None else str(v).strip() for v in row]
                for row in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def read_roster(path: str | Path) -> list[str]:
    """The agencies on a roster (名单): a CSV or Excel file, one agency a row, in the column
    headed 填报单位 / 单位名称 / 单位 …, or else the first column. Each name once, in order."""
    path = Path(path)
    if not path.exists():
        raise UnreadableInput(str(path), "名单文件不存在")
    if not path.is_file():  # a folder, a named pipe: never opened (a pipe would block)
        raise UnreadableInput(str(path), "名单不是普通文件")
    try:
        rows = _roster_rows(path)
    except UnicodeDecodeError:
        raise UnreadableInput(str(path), UNKNOWN_ENCODING) from None
    except OSError as exc:
        raise UnreadableInput(str(path), f"无法读取名单文件（系统错误 {exc.errno}）") from None
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise UnreadableInput(str(path), "无法读取名单：不是有效的 Excel（.xlsx）或 CSV 文件，"
                                         "文件可能已损坏或不完整") from None
    rows = [r for r in rows if any(r)]
    column, start = 0, 0
    if rows:
        header = [agency_key(c) for c in rows[0]]
        for label in load_spec().consolidated.roster_headers:
            if label in header:
                column, start = header.index(label), 1
                break
    names: list[str] = []
    seen: set[str] = set()
    for row in rows[start:]:
        name = row[column].strip() if column < len(row) else ""
        if name and agency_key(name) not in seen:
            seen.add(agency_key(name))
            names.append(name)
    return names
