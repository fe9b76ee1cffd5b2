"""What the buttons of the 年报 ribbon tab run, through xlwings' ``RunPython``.

Each entry point gets the caller's workbook, calls the public API and shows the result in
Excel: a few lines each. This is the only module that imports xlwings. A problem becomes a
Chinese message box, never a traceback; details of anything unexpected go to the log file
(关于 says where). Every entry point takes ``book=`` so that it runs on any xlwings engine:
Excel through RunPython, or a workbook handed over as JSON (the tests).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
import sys
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any, cast

import xlwings as xw

from .. import __version__
from ..api import read_report, save_workbook
from ..errors import NianbaoError, UnreadableInput
from ..files import save_atomically
from ..spec import load_spec
from ..workbook.styles import FORMULA_STARTS
from . import config_path, log_path

__all__ = ["MARKED", "TITLE", "about", "clear_marks", "consolidate_folder", "import_reports",
           "new_blank", "publish_word", "validate"]

TITLE = load_spec().addin["title"]  # of every message box
MARKED = load_spec().findings.marked  # the 校验结果 sheet's hidden column: this cell's comment is ours
_MARK_HEADER = load_spec().findings.marked_column


# --- the shell every entry point runs in -------------------------------------------------


def _logger() -> logging.Logger:
    log = logging.getLogger("nianbao.addin")
    path = log_path()
    if not any(getattr(h, "baseFilename", None) == str(path.absolute()) for h in log.handlers):
        for handler in list(log.handlers):
            log.removeHandler(handler)
            handler.close()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    return log


def _alert(book: xw.Book, text: str, critical: bool = False) -> None:
    book.app.alert(text, title=TITLE, mode="critical" if critical else "info")


def _status(book: xw.Book, text: str | bool) -> None:
    """The one-line summary in Excel's status bar (False gives it back to Excel)."""
    with contextlib.suppress(NotImplementedError):  # xlwings' remote engine has no status bar
        book.app.status_bar = text


def entry_point(func: Callable[..., None]) -> Callable[..., None]:
    """Run ``func(book, *args)`` on the caller's workbook; a NianbaoError becomes its message
    in a box, anything else a box that points at the log, where the traceback goes."""

    @functools.wraps(func)
    def run(*args: Any, book: xw.Book | None = None) -> None:
        log = _logger()
        try:
            book = book if book is not None else xw.Book.caller()
        except Exception:  # no workbook to show anything in: the log is all there is
            log.exception("%s: no calling workbook", func.__name__)
            return
        log.info("%s %s in %s", func.__name__, args, book.name)
        try:
            func(book, *args)
        except NianbaoError as exc:
            log.info("%s: %s", func.__name__, exc)
            _alert(book, str(exc), critical=True)
        except Exception:
            log.exception("%s failed", func.__name__)
            _alert(book, f"出现意外错误，操作未能完成。详细信息已写入日志：\n{log_path()}", critical=True)

    # what RunPython may pass: func's arguments after the book, which is found, or given by name
    signature = inspect.signature(func)
    book_param = inspect.Parameter("book", inspect.Parameter.KEYWORD_ONLY, default=None)
    cast(Any, run).__signature__ = signature.replace(
        parameters=[*list(signature.parameters.values())[1:], book_param])
    return run


def _decode_path(text: str) -> Path:
    """A path as the ribbon's VBA hands it over: UTF-16 code units in hexadecimal (so that
    Chinese names and quotes survive the RunPython command line)."""
    return Path(bytes.fromhex(text).decode("utf-16-be"))


def _picked_folder(text: str) -> Path | None:
    """A folder the clerk picked (on a Mac, a file picked stands for its folder); None when
    the dialog was cancelled (the VBA hands over an empty text)."""
    if not text:
        return None
    path = _decode_path(text)
    return path if path.is_dir() else path.parent


def _free_name(path: Path) -> Path:
    """``path``, or 名称 (2).xlsx, (3) … when it exists: never replace a clerk's file."""
    n = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        n += 1
    return candidate


def _open_workbook(app: xw.App, path: Path) -> xw.Book:
    return app.books.open(str(path))


# --- reading the open workbook -----------------------------------------------------------


def _book_values(book: xw.Book) -> tuple[dict[str, list[list[Any]]], dict[str, str]]:
    """Every sheet's values from A1 and the workbook-wide defined names, as they are in
    Excel now (unsaved edits included), not as on disk."""
    sheets = {}
    for sheet in book.sheets:
        last = sheet.used_range.last_cell
        sheets[sheet.name] = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
    names = {}
    for name in book.names:
        if "!" not in name.name:  # the standard workbook's names are workbook-wide
            names[name.name] = name.refers_to or ""
    return sheets, names


def _split_reference(reference: str) -> tuple[str, str]:
    """``='三、依申请公开'!$D$27`` → (三、依申请公开, D27)."""
    sheet, _, address = reference.lstrip("=").rpartition("!")
    if sheet.startswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, address.replace("$", "")


# --- the entry points ----------------------------------------------------------------------


@entry_point
def validate(book: xw.Book) -> None:
    """校验: the rules on the open workbook's values; findings on a 校验结果 sheet, failing
    cells filled and commented, the first problem selected, the count in the status bar."""
    from ..validate import validate as check
    from ..workbook import report_from_values

    sheets, names = _book_values(book)
    try:
        report = report_from_values(sheets, names, book.name)
    except UnreadableInput as exc:
        _alert(book, f"当前工作簿{exc.reason}")
        return
    result = check(report)
    _accepted(book, result)
    _clear(book)
    first = _mark(book, result, names)
    if first is not None:
        first.sheet.activate()
        first.select()
    _status(book, f"年报校验：{result.summary()}")


@entry_point
def clear_marks(book: xw.Book) -> None:
    """清除标记: the 校验结果 sheet, and the fills and comments it lists; never a value."""
    if not _clear(book):
        _alert(book, f"当前工作簿没有校验标记（没有“{load_spec().findings.sheet}”表）")
    _status(book, False)


@entry_point
def import_reports(book: xw.Book, *encoded_paths: str) -> None:
    """导入报告: each picked report file converted to a standard workbook beside it, and opened."""
    paths = [_decode_path(p) for p in encoded_paths]
    stems = [p.stem for p in paths]
    done, failed = [], []
    for path in paths:
        # 年报.doc and 年报.pdf picked together become 年报.doc.xlsx and 年报.pdf.xlsx
        target = path.with_name(f"{path.name if stems.count(path.stem) > 1 else path.stem}.xlsx")
        try:
            report = read_report(path)
            backup = save_workbook(report, target)
        except NianbaoError as exc:
            failed.append(f"✗ {exc}")
            continue
        except OSError as exc:
            failed.append(f"✗ {target.name}：无法保存（{exc.strerror or exc}）。"
                          "如果它正在 Excel 中打开，请先关闭再导入")
            continue
        _open_workbook(book.app, target)
        note = f"，原文件已备份为 {backup.name}" if backup else ""
        unplaced = f"，{len(report.unmapped)} 处原文未能归位（见“基本信息”表）" if report.unmapped else ""
        done.append((f"✓ {path.name} → {target.name}{note}{unplaced}", bool(backup or unplaced)))
    _status(book, f"年报：已导入 {len(done)} 个文件" + (f"，{len(failed)} 个未能导入" if failed else ""))
    if failed or any(attention for _, attention in done):
        lines = [line for line, _ in done] + failed
        _alert(book, f"导入 {len(paths)} 个文件：成功 {len(done)}，失败 {len(failed)}\n\n" + "\n".join(lines),
               critical=bool(failed))


@entry_point
def new_blank(book: xw.Book, edition: str) -> None:
    """新建空白年报: a blank standard workbook of the edition, in the Documents folder, opened."""
    from ..workbook import build_template

    spec = load_spec()
    if edition not in spec.editions:
        raise NianbaoError(f"没有“{edition}”这个表格版本（可选：{'、'.join(spec.editions)}）")
    documents = Path.home() / "Documents"
    target = _free_name((documents if documents.is_dir() else Path.home())
                        / f"空白年报（{spec.edition(edition).blank_label}）.xlsx")
    save_atomically(target, lambda tmp: build_template(edition, spec).save(tmp))
    _open_workbook(book.app, target)
    _status(book, f"年报：已新建 {target}")


@entry_point
def consolidate_folder(book: xw.Book, encoded_folder: str, encoded_roster: str = "",
                       encoded_previous: str = "", encoded_parent: str = "") -> None:
    """汇总: the workbooks in the picked folder consolidated into 文件夹名汇总.xlsx beside the
    folder, which is opened; with the roster (名册: who is expected to report), last year's
    folder and the parent's own report (本级年报) when the clerk picked them, as ``nianbao
    consolidate --roster --previous --parent`` does. (On a Mac a picked file stands for its
    folder.)"""
    from ..consolidate import consolidate
    from ..consolidate.consolidation import CannotWrite, NoReports

    folder = _picked_folder(encoded_folder)
    if folder is None:
        return
    roster = _decode_path(encoded_roster) if encoded_roster else None
    previous = _picked_folder(encoded_previous)
    parent = _decode_path(encoded_parent) if encoded_parent else None
    output = folder.parent / f"{folder.name}汇总.xlsx"
    try:
        result = consolidate([folder], output, roster=roster, previous=previous, parent=parent,
                             progress=lambda done, total: _status(book, f"年报汇总：已读 {done}/{total}"))
    except NoReports:
        raise NianbaoError(f"文件夹“{folder}”里没有年报工作簿") from None
    except CannotWrite as exc:
        raise NianbaoError(f"{exc}。如果它正在 Excel 中打开，请先关闭再汇总") from None
    except OSError as exc:
        raise NianbaoError(f"无法写出 {output.name}（{exc.strerror or exc}）。"
                           "如果它正在 Excel 中打开，请先关闭再汇总") from None
    _open_workbook(book.app, Path(result.output))
    counts = f"{result.departments} 个单位，{result.errors} 个错误，{result.warnings} 个警告"
    _status(book, f"年报汇总：{counts}")
    lines = [f"已汇总“{folder.name}”：{counts}", f"结果：{result.output}"]
    if result.roster is not None:
        lines.append(f"缺报 {len(result.missing)} 个：{'、'.join(result.missing) or '无'}")
    if previous is not None:
        lines.append(f"上年：{previous}")
    if result.parent is not None:
        lines.append(result.parent.headline(load_spec().consolidated.sheets["parent"]))
    lines += [f"✗ {path.name}：{reason}" for path, reason in result.unreadable]
    lines += [f"✗ 上年 {path.name}：{reason}" for path, reason in result.previous_unreadable]
    if result.register is not None and result.register.warning:  # the run went on without it
        lines.append(f"! {result.register.warning}")
    _alert(book, "\n".join(lines), critical=not result.complete)


def _documents() -> Path:
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.home()


@entry_point
def publish_word(book: xw.Book) -> None:
    """生成Word: the open workbook's values (unsaved edits included, read as 校验 reads them) as
    the published report, 名称.docx beside the workbook (in Documents when it was never saved;
    an existing one kept as 名称.bak.docx); refused while the workbook has errors."""
    from ..publish import publish_report, report_for_publishing
    from ..workbook.cells import value_cells

    sheets, names = _book_values(book)
    try:
        report = report_for_publishing(value_cells(sheets, names), book.name)
    except UnreadableInput as exc:
        _alert(book, f"当前工作簿{exc.reason}")
        return
    saved = Path(book.fullname)
    output = (saved if saved.is_absolute() and saved.parent.is_dir() else _documents() / saved.name)
    output = output.with_suffix(".docx")
    try:
        done = publish_report(report, book.name, output, advice="请先点“校验”查看并改正错误，再生成Word")
    except OSError as exc:
        raise NianbaoError(f"无法写出 {output.name}（{exc.strerror or exc}）。"
                           "如果它正在 Word 中打开，请先关闭再生成") from None
    note = f"，原文件已备份为 {done.backup.name}" if done.backup else ""
    _status(book, f"年报：已生成 {done.output.name}")
    _alert(book, f"已生成 Word 报告：{done.output}{note}\n校验：{done.validation.summary()}")


@entry_point
def about(book: xw.Book) -> None:
    """关于: the version, which Python runs the add-in, and where the log and config are."""
    _alert(book, "\n".join([
        f"年报加载项 nianbao {__version__}（xlwings {xw.__version__}）",
        f"Python：{sys.executable}",
        f"日志：{log_path()}",
        f"配置：{config_path()}",
    ]))


# --- marks in the open workbook ------------------------------------------------------------


def _as_text(value: Any) -> Any:
    """A value Excel keeps as text when it is written into a cell: Excel takes text that
    starts with = + - @ for a formula, unless a quote prefix (') says it is text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _hex_fill(argb: str) -> str:
    return f"#{argb[-6:]}"


def _place(finding: Any, names: dict[str, str], sheet_names: set[str]) -> tuple[str, str] | None:
    """The finding's cell in this workbook: by defined name (so rows a clerk inserted do not
    matter), else by the address in the standard layout."""
    reference = names.get(finding.defined_name or "")
    if reference:
        sheet, address = _split_reference(reference)
        if sheet in sheet_names and address:
            return sheet, address
    if finding.cell:
        sheet, address = _split_reference(finding.cell)
        if sheet in sheet_names:
            return sheet, address
    return None


def _mark(book: xw.Book, result: Any, names: dict[str, str]) -> xw.Range | None:
    """Fill and comment the failing cells, write the 校验结果 sheet; the first problem's cell."""
    from ..validate.annotate import FILLS, HEADER, RESULT_SHEET, WIDTHS

    sheet_names = {s.name for s in book.sheets}
    places = [_place(f, names, sheet_names) for f in result.findings]
    noted = set()
    for mark in result.marks(lambda f: _place(f, names, sheet_names)):
        cell = book.sheets[mark.place[0]][mark.place[1]]
        cell.color = _hex_fill(FILLS[mark.severity])
        if cell.note is None:  # a note of the clerk's own stays as it is
            cell.add_note(mark.comment)
            noted.add(mark.place)
    rows: list[list[Any]] = [[f"{RESULT_SHEET}：{result.summary()}"] + [None] * len(HEADER),
                             [*HEADER, _MARK_HEADER]]
    for row, place in zip(result.rows(), places, strict=True):
        link = _as_text(row.place or "")
        if place is not None:  # the one formula this tool writes: a link inside the workbook
            sheet, address = place
            target = ("'" + sheet.replace("'", "''") + "'!" + address).replace('"', '""')
            shown = f"{sheet}!{address}".replace('"', '""')
            link = f'=HYPERLINK("#{target}","{shown}")'
        mark = MARKED if place in noted else None
        noted.discard(place)  # one row per cell says so
        number, level, _, message, title, expected, actual, ident, _reason = row.cells()  # 规则: the title
        values = (message, title, expected, actual, ident, None)
        rows.append([number, _as_text(level), link, *(_as_text(v) for v in values), mark])
    results = book.sheets.add(RESULT_SHEET, after=book.sheets[len(book.sheets) - 1])
    results["A1"].value = rows
    results["A1"].font.bold = True
    header = results.range((2, 1), (2, len(HEADER) + 1))
    header.font.bold = True
    header.color = "#F2F2F2"
    for column, width in enumerate(WIDTHS, start=1):
        results.range((1, column)).column_width = width
    results.range((3, 4), (max(3, len(rows)), 5)).wrap_text = True  # 说明 and 规则 (the rule's title)
    for number, finding in enumerate(result.findings, start=3):
        results.range((number, 2)).color = _hex_fill(FILLS[finding.severity])
    results.range((1, len(HEADER) + 1)).columns.hidden = True
    for place in places:
        if place is not None:
            return book.sheets[place[0]][place[1]]
    results.activate()
    return None


def _accepted(book: xw.Book, result: Any) -> None:
    """The 已核实 sheet rewritten with the warnings the clerk has accepted (their reasons typed in
    校验结果's 核实说明 move here, each keeping when it was first recorded); gone when none."""
    from ..validate.accepted import accepted_rows
    from ..validate.annotate import ACCEPTED_SHEET

    recorded: dict[str, object] = {}
    if ACCEPTED_SHEET in {s.name for s in book.sheets}:
        old = book.sheets[ACCEPTED_SHEET]
        for row in old.used_range.options(ndim=2).value[1:]:
            if row and row[0]:
                recorded[str(row[0])] = row[-1]
        old.delete()
    if not result.accepted:
        return
    columns = load_spec().findings.accepted_columns
    sheet = book.sheets.add(ACCEPTED_SHEET, after=book.sheets[len(book.sheets) - 1])
    rows = ([_as_text(v) for v in row] for row in accepted_rows(result, recorded))
    sheet["A1"].value = [list(columns), *rows]
    sheet.range((1, 1), (1, len(columns))).font.bold = True
    sheet.range((1, 1), (1, len(columns))).color = "#F2F2F2"


def _clear(book: xw.Book) -> bool:
    """Remove the marks that the 校验结果 sheet lists (its 位置 column), then the sheet; False
    when there is no such sheet. Only comments the sheet says this tool added are deleted."""
    from ..validate.annotate import HEADER, RESULT_SHEET
    from ..validate.findings import PLACE_COLUMN

    if RESULT_SHEET not in {s.name for s in book.sheets}:
        return False
    results = book.sheets[RESULT_SHEET]
    last = results.used_range.last_cell
    rows = results.range((1, 1), (max(last.row, 2), len(HEADER) + 1)).options(ndim=2).value
    where, marked = PLACE_COLUMN, len(HEADER)  # 位置, and the hidden column after the spec's columns
    sheet_names = {s.name for s in book.sheets}
    seen = set()
    for row in rows[2:]:
        sheet, address = _split_reference(str(row[where] or ""))
        if sheet not in sheet_names or sheet == RESULT_SHEET or (sheet, address) in seen:
            continue
        seen.add((sheet, address))
        cell = book.sheets[sheet][address]
        cell.color = None
        if row[marked] == MARKED and cell.note is not None:
            cell.note.delete()
    results.delete()
    return True
