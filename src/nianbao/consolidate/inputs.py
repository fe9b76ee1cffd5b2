"""What a supervisor hands over besides the departments' reports: the roster (名单), and the
parent's own report (本级年报), which is never one of the departments."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

from ..agency import agency_key
from ..errors import UnreadableInput, os_reason
from ..files import open_package, read_input
from ..spec import load_spec

__all__ = ["agency_key", "leave_out_parent", "read_roster", "same_file"]

UNKNOWN_ENCODING = "无法读取名单：无法识别文本编码（请存为 UTF-8 或 GBK 编码的 CSV）"
ROSTER_DAMAGED = "无法读取名单：不是有效的 Excel（.xlsx）或 CSV 文件，文件可能已损坏或不完整"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("gb18030", data, 0, 1, "not UTF-8 or GB18030")


def _roster_rows(path: Path) -> list[list[str]]:
    data = read_input(path)  # a regular file within the size limit, or UnreadableInput
    if path.suffix.lower() in (".csv", ".txt"):
        text = _decode(data)
        return [[cell.strip() for cell in row] for row in csv.reader(text.splitlines())]
    from openpyxl import load_workbook

    open_package(data, str(path)).verify()  # sizes, ratio, encryption, DTDs: before openpyxl
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
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
    except UnreadableInput as exc:
        if exc.reason.startswith("文件已损坏"):  # a cut or damaged file: say what it should have been
            raise UnreadableInput(str(path), ROSTER_DAMAGED) from None
        raise  # too large, a zip bomb, encrypted, a DTD: said as for any input
    except UnicodeDecodeError:
        raise UnreadableInput(str(path), UNKNOWN_ENCODING) from None
    except OSError as exc:
        raise UnreadableInput(str(path), f"无法读取名单文件（{os_reason(exc)}）") from None
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise UnreadableInput(str(path), ROSTER_DAMAGED) from None
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


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (its own path, a relative one, a link to it)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(os.path.abspath(a)) == Path(os.path.abspath(b))


def leave_out_parent(files: Sequence[Path], parent: str | Path | None) -> tuple[list[Path], list[Path]]:
    """The input files without the parent's own file, and the ones left out (it, when it was
    among the inputs, e.g. in the departments' folder)."""
    if parent is None:
        return list(files), []
    kept: list[Path] = []
    left: list[Path] = []
    for f in files:
        (left if same_file(f, Path(parent)) else kept).append(f)
    return kept, left
