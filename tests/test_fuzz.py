"""Fuzzing (hypothesis, bounded and derandomized so that CI is stable): the number parser, the
text reader on mutated seed reports, the HTML reader on random table structures and the
workbook reader on mutated standard workbooks. No exception escapes but the project's own
(``nianbao.errors``); what is read is written and validated without one either."""

from __future__ import annotations

import copy
import io
import json
import math
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import lxml.html
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from nianbao.api import read_report
from nianbao.assemble import assemble
from nianbao.errors import NianbaoError
from nianbao.numbers import LARGEST, NotANumber, is_value_text, parse_number
from nianbao.readers.html import read_html
from nianbao.readers.text import read_text
from nianbao.spec import load_spec
from nianbao.workbook import read_workbook

from .badinput.formats import standard_workbook_bytes
from .conftest import CASES, SEEDS


def bounded(examples: int) -> settings:
    """Few examples, no deadline, the same examples every run, nothing stored between runs, no
    shrinking (a failure is shown as drawn: small tuples of edits, not files)."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    phases=(Phase.explicit, Phase.generate),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def survives(read: Callable[[], object]) -> object | None:
    """Run a reader as the command line does (library warnings are not errors there); a
    NianbaoError is a refusal, anything else escapes and fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return read()
        except NianbaoError as exc:
            assert str(exc).strip() and "\n" not in str(exc).strip(), repr(exc)
            return None


def check_report(report: object) -> None:
    """A report read from hostile input is written as JSON (no NaN, no Infinity) and validated."""
    if report is None:
        return
    from nianbao.model import Report
    from nianbao.validate import validate

    assert isinstance(report, Report)
    json.dumps(report.to_json(), ensure_ascii=False, allow_nan=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            validate(report)
        except NianbaoError:
            pass


# The number parser ------------------------------------------------------------------------

_NUMBERISH = st.text(alphabet="0123456789０１２３４５６７８９,.，．+-－— /万元件条个 \u2009\u202f\u3000无e",
                     max_size=30)


@bounded(1000)
@given(st.one_of(_NUMBERISH, st.text(max_size=30), st.from_regex(r"[+-]?\d{1,60}(\.\d{1,20})?(万元|元|件)?",
                                                                  fullmatch=True)),
       st.booleans())
def test_the_number_parser_gives_a_number_a_blank_or_not_a_number(text: str, money: bool) -> None:
    try:
        value = parse_number(text, money=money)
    except NotANumber:
        assert not is_value_text(text) or any(c.isdigit() for c in text)
        return
    assert is_value_text(text) or money  # a money reading ("26.8万元") is a value text as a count too
    if value is not None:
        assert isinstance(value, (int, float)) and not isinstance(value, bool)
        assert math.isfinite(value) and abs(value) < LARGEST
        if money:
            assert isinstance(value, float)


# The text reader on mutated seeds ---------------------------------------------------------

SEED_TEXTS = [p.read_text("utf-8") for p in SEEDS]


@st.composite
def mutated_seed(draw: st.DrawFn) -> bytes:
    """A seed report with a few edits: slices cut, repeated or moved, text and digits put in,
    lines swapped, bytes flipped after encoding."""
    text = draw(st.sampled_from(SEED_TEXTS))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "repeat", "insert", "digits", "swap"]))
        i = draw(st.integers(0, len(text)))
        j = min(len(text), i + draw(st.integers(0, 400)))
        if kind == "cut":
            text = text[:i] + text[j:]
        elif kind == "repeat":
            text = text[:j] + text[i:j] + text[j:]
        elif kind == "insert":
            text = text[:i] + draw(st.text(max_size=20)) + text[i:]
        elif kind == "digits":
            odd = draw(st.sampled_from(["9" * 400, "1e400", "-0", "１２", "\t7\t8\t9", "—"]))
            text = text[:i] + odd + text[i:]
        else:
            lines = text.split("\n")
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
            text = "\n".join(lines)
    data = bytearray(text.encode(draw(st.sampled_from(["utf-8", "gb18030", "utf-16"]))))
    for _ in range(draw(st.integers(0, 3))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@bounded(150)
@given(mutated_seed())
def test_the_text_reader_survives_mutated_seeds(data: bytes) -> None:
    check_report(survives(lambda: assemble(read_text(data, "fuzz.txt"))))


# The HTML reader on random table structures -----------------------------------------------

_LABELS = ["信息内容", "本年制发件数", "规章", "行政许可", "自然人", "商业企业", "总计", "（一）予以公开",
           "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "结果维持", "尚未审结",
           "申请人情况", "法人或其他组织", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]
_SPANS = st.sampled_from(["", "0", "1", "2", "3", "7", "-1", "x", "99", "1.5", " 2 "])


@st.composite
def html_table(draw: st.DrawFn, depth: int = 0) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        cells = []
        for _ in range(draw(st.integers(0, 7))):
            tag = draw(st.sampled_from(["td", "th"]))
            attrs = ""
            for attr in ("rowspan", "colspan"):
                if draw(st.booleans()):
                    attrs += f' {attr}="{draw(_SPANS)}"'
            if depth < 2 and draw(st.integers(0, 9)) == 0:
                content = draw(html_table(depth + 1))
            else:
                content = draw(st.one_of(st.sampled_from(_LABELS), st.integers(-5, 10**6).map(str),
                                         st.sampled_from(["", "—", "/", "无", "1件", "26.8万元", "<br>",
                                                          "&nbsp;"]),
                                         st.text(max_size=8)))
            cells.append(f"<{tag}{attrs}>{content}</{tag}>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table>{''.join(rows)}</table>"


@st.composite
def html_page(draw: st.DrawFn) -> bytes:
    parts = ["<html><head><meta charset=\"utf-8\">",
             "<title>某区2021年政府信息公开工作年度报告</title></head><body>"]
    for _ in range(draw(st.integers(1, 4))):
        parts.append(draw(st.sampled_from(["<h1>某区人民政府2021年政府信息公开工作年度报告</h1>",
                                           "<p>二、主动公开政府信息情况</p>",
                                           "<p>三、收到和处理政府信息公开申请情况</p>",
                                           "<p>四、政府信息公开行政复议、行政诉讼情况</p>", "<p>正文</p>"])))
        parts.append(draw(html_table()))
    parts.append("</body></html>")
    return "".join(parts).encode()


@bounded(100)
@given(html_page())
def test_the_html_reader_survives_random_tables(data: bytes) -> None:
    check_report(survives(lambda: assemble(read_html(data, "fuzz.html"))))


HTML_SEEDS = [(CASES / name).read_bytes() for name in ("html_01_city_shift_2021.html",
                                                        "html_03_gb2312_header_order_2019.html")]
# An edit to a real page's tables: (what, which cell, a span or text).
_CELL_EDITS = st.tuples(st.sampled_from(["rowspan", "colspan", "drop_cell", "drop_row", "repeat_row", "nest",
                                         "text"]),
                        st.floats(0, 1, exclude_max=True),
                        st.one_of(_SPANS, st.sampled_from(_LABELS), st.integers(-5, 10**6).map(str)))


def edit_tables(page: bytes, edits: list[tuple[str, float, str]]) -> bytes:
    """A real report page whose table cells were re-spanned, dropped, repeated or nested."""
    root = lxml.html.fromstring(page)
    for what, where, value in edits:
        cells = root.xpath("//td|//th")
        if not cells:
            break
        cell = cells[int(where * len(cells))]
        row = cell.getparent()
        if what in ("rowspan", "colspan"):
            cell.set(what, value)
        elif what == "drop_cell":
            row.remove(cell)
        elif what == "drop_row" and row.getparent() is not None:
            row.getparent().remove(row)
        elif what == "repeat_row" and row.getparent() is not None:
            row.addnext(copy.deepcopy(row))
        elif what == "nest":
            cell.append(lxml.html.fromstring(f"<table><tr><td>{value}</td><td>1</td></tr></table>"))
        else:
            cell.text = value
    return lxml.html.tostring(root, encoding="utf-8")


@bounded(60)
@given(st.sampled_from(range(len(HTML_SEEDS))), st.lists(_CELL_EDITS, min_size=1, max_size=8))
def test_the_html_reader_survives_edited_report_tables(seed: int,
                                                       edits: list[tuple[str, float, str]]) -> None:
    data = edit_tables(HTML_SEEDS[seed], edits)
    check_report(survives(lambda: assemble(read_html(data, "fuzz.html"))))


# The workbook reader on mutated standard workbooks ----------------------------------------

def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


_SOURCES = ["004_zibo_2021.txt", "001_xihaian_2018.txt"]
_REFERENCES = st.sampled_from(["#REF!", "'三、依申请公开'!$D$4:$E$9", "'基本信息'!$B$1",
                               "'二、主动公开'!$B$3",
                               "'不存在'!$A$1", "Sheet1!A1", "'三、依申请公开'!$XFD$1048576", "1+2", "",
                               "'统计表'!$D$2", "'三、依申请公开'!$D$4,'三、依申请公开'!$E$4"])


_SHEETS = ["基本信息", "三、依申请公开", "统计表", "来源", "二、主动公开"]
_DROPPED = ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml", "xl/worksheets/sheet6.xml",
            "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/theme/theme1.xml", "[Content_Types].xml"]
# An edit to names and parts: ("name", where in workbook.xml, reference), ("drop", part),
# ("sheet", old sheet name, new name). Drawn as small tuples, applied in the test.
_NAME_EDITS = st.one_of(
    st.tuples(st.just("name"), st.floats(0, 1), _REFERENCES),
    st.tuples(st.just("drop"), st.sampled_from(_DROPPED), st.just("")),
    st.tuples(st.just("sheet"), st.sampled_from(_SHEETS),
              st.sampled_from(["Sheet1", "x", "三、依申请公开", ""])),
)


def edit_names(data: bytes, edits: list[tuple[str, object, str]]) -> bytes:
    """A standard workbook whose defined names were pointed elsewhere, sheets renamed or parts
    deleted: what a clerk or a script does (the XML stays well formed)."""
    parts = _parts(data)
    workbook = parts["xl/workbook.xml"].decode()
    for kind, where, what in edits:
        if kind == "drop":
            parts.pop(str(where), None)
        elif kind == "sheet":
            workbook = workbook.replace(f'name="{where}"', f'name="{what}"')
        else:
            assert isinstance(where, float)
            start = workbook.find("<definedName ", int(where * len(workbook)))
            end = workbook.find("</definedName>", start)
            if start >= 0 and end >= 0:
                head = workbook.index(">", start) + 1
                workbook = workbook[:head] + what.replace("&", "&amp;").replace("<", "&lt;") + workbook[end:]
    parts["xl/workbook.xml"] = workbook.encode()
    return _zip(parts)


# A byte of an XML part changed: (which part, where in it, the new byte).
_FLIPS = st.lists(st.tuples(st.integers(0, 99), st.floats(0, 1, exclude_max=True),
                            st.sampled_from(list(b"<>&\"'=/0 9x\x00\xff"))), min_size=1, max_size=6)


def flip_bytes(data: bytes, flips: list[tuple[int, float, int]]) -> bytes:
    """A standard workbook with bytes changed in its XML parts (the zip itself stays whole)."""
    parts = _parts(data)
    xml = sorted(n for n in parts if n.endswith((".xml", ".rels")))
    for which, where, byte in flips:
        name = xml[which % len(xml)]
        changed = bytearray(parts[name])
        changed[int(where * len(changed))] = byte
        parts[name] = bytes(changed)
    return _zip(parts)


def _read_every_way(data: bytes, folder: Path) -> None:
    path = folder / "fuzz.xlsx"
    path.write_bytes(data)
    check_report(survives(lambda: read_workbook(path)))
    check_report(survives(lambda: read_report(path, provenance=False)))  # as validate reads it


@bounded(120)
@given(st.sampled_from(_SOURCES), st.lists(_NAME_EDITS, min_size=1, max_size=4))
def test_the_workbook_reader_survives_edited_names_and_parts(tmp_path_factory, source: str,
                                                             edits: list[tuple[str, object, str]]) -> None:
    _read_every_way(edit_names(standard_workbook_bytes(source), edits), tmp_path_factory.mktemp("fuzz"))


@bounded(40)
@given(st.sampled_from(_SOURCES), _FLIPS)
def test_the_workbook_reader_survives_flipped_bytes(tmp_path_factory, source: str,
                                                    flips: list[tuple[int, float, int]]) -> None:
    _read_every_way(flip_bytes(standard_workbook_bytes(source), flips), tmp_path_factory.mktemp("fuzz"))


def test_the_fuzzers_see_the_spec() -> None:
    """The HTML fuzzer's labels are the form's (a spec change that drops them makes it weaker)."""
    spec = load_spec()
    labels = {label for edition in spec.editions.values() for table in edition.tables.values()
              for row in table.rows for label in [row.label]}
    assert {"规章", "行政许可"} <= labels

