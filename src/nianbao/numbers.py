"""Reading numbers as reports write them: 1件, 26.8万元, 251000元, +1036, 1,234, １２.

Spaces between two digits are not ignored: "1 2" is two numbers run into one cell (two
adjacent cells of a PDF or a pasted row), not 12, so it is not a number. Reports group
thousands with commas ("1,234"); the only space grouping read is the typographic thin space
of GB/T 15835 (U+2009 or U+202F) before groups of exactly three digits ("1\u2009234" is 1234).
An ordinary space, a full-width space or a tab between digits ("1 234") stays ambiguous and is
not read as a number: the validator names the cell (``report.not_a_number``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import cast

from .spec import Spec, load_spec

__all__ = ["LARGEST", "NotANumber", "is_value_text", "parse_number"]

_SPACE = re.compile(r"\s+")
# Thin spaces grouping thousands (GB/T 15835 千分空): 1\u2009234, 12\u202f345\u202f678.
_THIN_GROUPS = re.compile(r"(?<=\d)[\u2009\u202f](?=\d{3}(?!\d))")
# After NFKC: any whitespace left between two digits ("1 2", "1\u3000234").
_SPLIT_DIGITS = re.compile(r"\d\s+(?=\d)")
# A number and the unit after it (the spec's [numbers] says which units a value may carry).
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?([^\d.,+-]{1,2})?$")
# Excel keeps 15 significant digits: a longer number is no count or sum of money a workbook
# cell can hold (a 400-digit "count" is a run of digits, not a number), nor JSON a float.
LARGEST = Decimal(10) ** 15
_MOST_DIGITS = 40  # longer digit runs are refused before any arithmetic on them


class NotANumber(ValueError):
    """The text of a value cell is neither a number nor a blank marker."""


class _TooLarge(NotANumber):
    """Digits, but more than a workbook cell holds: a value cell that is not a number."""


def _clean(text: str) -> str | None:
    """The text without spaces, in half-width form; None when spaces separate digits."""
    text = unicodedata.normalize("NFKC", _THIN_GROUPS.sub("", text))
    if _SPLIT_DIGITS.search(text):
        return None
    return _SPACE.sub("", text)


def parse_number(text: str, money: bool = False, spec: Spec | None = None) -> int | float | None:
    """The number a cell holds; None when blank ("", "—", "/", "无" …).

    Money is in 万元: "26.8万元" is 26.8 and "268000元" is 26.8. Raises NotANumber.
    """
    result = _parse(text, money, spec or load_spec())
    if result is _NOT_A_NUMBER or result is _TOO_LARGE:
        raise NotANumber(text)
    return cast(int | float | None, result)


_NOT_A_NUMBER = object()
_TOO_LARGE = object()


@functools.lru_cache(maxsize=4096)
def _parse(text: str, money: bool, spec: Spec) -> object:
    """parse_number's work, cached: the same few texts ("0", "", "1") fill most cells."""
    try:
        return _parse_uncached(text, money, spec)
    except _TooLarge:
        return _TOO_LARGE
    except NotANumber:
        return _NOT_A_NUMBER


def _parse_uncached(text: str, money: bool, spec: Spec) -> int | float | None:
    cleaned = _clean(text)
    if cleaned is None:
        raise NotANumber(text)
    if cleaned in spec.blank_markers or text.strip() in spec.blank_markers:
        return None
    m = _NUMBER.match(cleaned)
    if not m:
        raise NotANumber(text)
    sign, digits, fraction, unit = m.groups()
    if len(digits) + len(fraction or "") > _MOST_DIGITS:
        raise _TooLarge(text)
    unit = unit or ""
    units = spec.numbers
    known = unit in (units.money_unit, units.yuan_unit, units.wan_unit) or unit in units.count_units
    if unit and not known:
        raise NotANumber(text)
    try:
        number = Decimal(sign + digits.replace(",", "") + (fraction or ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise NotANumber(text) from exc
    if unit == units.yuan_unit:
        number /= Decimal(10000)
    elif unit == units.wan_unit and not money:
        number *= Decimal(10000)
    if abs(number) >= LARGEST:
        raise _TooLarge(text)
    if money:
        return float(number)
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def is_value_text(text: str, spec: Spec | None = None) -> bool:
    """True when a cell's text is a number or a blank marker (a value cell, not a label); a
    number too large for a workbook cell is a value cell too (parse_number refuses it)."""
    return _parse(text, False, spec or load_spec()) is not _NOT_A_NUMBER
