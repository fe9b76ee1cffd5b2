"""The pre-2019 统计表: indicator rows (label, unit, value) and their hierarchy codes."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .document import Paragraph
from .labels import fold, numbering, strip_numbering_raw
from .model import LegacyRow, Unmapped
from .numbers import NotANumber, is_value_text, parse_number
from .spec import Spec, Table, load_spec

__all__ = ["legacy_rows"]

_WORDS = load_spec().numbering
_CN_DIGITS = {digit: n for n, digit in enumerate(_WORDS.digits, start=1)}
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@functools.cache
def split_code(code: str) -> tuple[str, bool]:
    """A 统计表 row's parent code, and whether it is a 其中 line: ``3.3.4.a`` → (``3.3.4``, True).
    The validator's frames and the workbook's live formulas relate rows by it."""
    parent, _, last = code.rpartition(".")
    return parent, bool(parent) and last.isalpha()


@functools.cache
def parent_kind(spec: Spec, label: str) -> str:
    """``sum`` for a 统计表 row that equals the sum of its children, ``not_sum``, or "" (the
    rule legacy.children_sum's ``sum_parents`` and ``not_sum``, matched in the folded label)."""
    params = spec.rule("legacy.children_sum").params
    folded = fold(label, spec)
    if any(fold(p, spec) in folded for p in params["not_sum"]):
        return "not_sum"
    if any(fold(p, spec) in folded for p in params["sum_parents"]):
        return "sum"
    return ""


def chinese_number(text: str) -> int:
    """一 … 九十九 as an int."""
    if text.isdigit():
        return int(text)
    if _WORDS.ten not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition(_WORDS.ten)
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


@dataclass
class _Printed:
    label: list[Paragraph]
    unit: Paragraph | None = None
    value: Paragraph | None = None
    cumulative: Paragraph | None = None


@functools.cache
def _year_header(table: Table) -> re.Pattern[str] | None:
    return re.compile(table.year_header) if table.year_header else None


def _printed_rows(table: Table, tokens: list[Paragraph]) -> tuple[list[_Printed], list[Unmapped], bool]:
    """The printed rows, what could not be placed, and whether the header named a second value
    column (历年累计): then each row takes a second value after its first."""
    units = {fold(u) for u in table.units}
    header = {fold(h) for h in (*table.header, *table.header_aliases)}
    cumulative = {fold(h) for h in table.cumulative_headers}
    year = _year_header(table)
    notes = {fold(n) for n in table.notes}
    rows: list[_Printed] = []
    unmapped: list[Unmapped] = []
    two_values = False
    for tok in tokens:
        folded = fold(tok.text)
        if folded in cumulative and not any(r.value is not None for r in rows):
            two_values = True
            continue
        if folded in header or folded in notes or (year is not None and year.match(folded)):
            continue
        row = rows[-1] if rows else None
        if row is not None and row.unit is None and row.value is None and (folded in units or not folded):
            row.unit = tok
        elif row is not None and row.value is None and is_value_text(tok.text):
            row.value = tok
        elif two_values and row is not None and row.cumulative is None and is_value_text(tok.text):
            row.cumulative = tok
        elif not folded:
            continue  # a blank placeholder cell
        elif row is not None and row.unit is None and row.value is None and numbering(folded) is None:
            row.label.append(tok)  # a label continued in the next paragraph
        elif is_value_text(tok.text):
            unmapped.append(Unmapped(tok.where, f"多出的数值：{tok.text}"))
        else:
            rows.append(_Printed([tok]))
    return rows, unmapped, two_values


def legacy_rows(table: Table, tokens: list[Paragraph]) -> tuple[list[LegacyRow], list[Unmapped]]:
    """Indicator rows from the 统计表's cells, each with its code (3.3.4.a for a 其中 line)."""
    printed, unmapped, two_values = _printed_rows(table, tokens)
    money = {fold(u) for u in table.money_units}
    result: list[LegacyRow] = []
    stack: list[tuple[str, str]] = []  # (level, number) from 一、 down to 1.
    letter = -1  # index of the last 其中 letter under the current parent, -1: none
    labels = ["".join(p.text for p in row.label) for row in printed]
    # A regional form (Fujian's 指标名称 / 计量单位 / 2015年度 / 历年累计) numbers no indicator
    # with 一、 or （一）: each unnumbered line that does not continue a 其中 list is one.
    numbered = any((found := numbering(fold(t))) and found[0] in ("section", "item") for t in labels)
    top = 0
    for row, text in zip(printed, labels, strict=True):
        found = numbering(fold(text))
        if found and found[0] == "among" and (inner := numbering(found[2])) and inner[0] == "point":
            found = inner  # 其中：1.政府网站公开数: the first numbered child
        level = found[0] if found else None
        if level is None and not numbered and letter < 0:
            top += 1
            stack = [("section", str(top))]
            level = "top"
        elif level == "section" and found:
            stack = [("section", str(chinese_number(found[1])))]
            letter = -1
        elif level == "item" and found:
            stack = [s for s in stack if s[0] == "section"] + [("item", str(chinese_number(found[1])))]
            letter = -1
        elif level == "point" and found:
            stack = [s for s in stack if s[0] != "point"] + [("point", found[1])]
            letter = -1
        elif level != "top":  # 其中, or an unnumbered line continuing a 其中 list
            letter += 1
        code = ".".join(n for _, n in stack) or "0"
        if level not in ("section", "item", "point", "top"):
            code += "." + _LETTERS[letter % len(_LETTERS)]
        unit = row.unit.text.strip() if row.unit is not None and row.unit.text.strip() else None
        raw = row.value.text if row.value is not None else ""
        try:
            value = parse_number(raw, money=unit is not None and fold(unit) in money)
        except NotANumber:
            unmapped.append(Unmapped(row.value.where if row.value else row.label[0].where, raw))
            value = None
        where = row.value.where if row.value is not None else row.label[0].where
        legacy_row = LegacyRow(code, strip_numbering_raw(text), unit, value, raw, where)
        if two_values:
            legacy_row.cumulative_raw = row.cumulative.text if row.cumulative is not None else ""
            legacy_row.cumulative_where = row.cumulative.where if row.cumulative is not None else where
            try:
                legacy_row.cumulative = parse_number(legacy_row.cumulative_raw,
                                                     money=unit is not None and fold(unit) in money)
            except NotANumber:
                unmapped.append(Unmapped(legacy_row.cumulative_where, legacy_row.cumulative_raw))
        result.append(legacy_row)
    return result, unmapped
