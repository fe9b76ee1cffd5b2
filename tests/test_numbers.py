from __future__ import annotations

import pytest

from nianbao.numbers import NotANumber, is_value_text, parse_number


@pytest.mark.parametrize(
    ("text", "money", "expected"),
    [
        ("0", False, 0), ("14", False, 14), ("１２", False, 12), ("1件", False, 1),
        ("0件", False, 0), ("1,234", False, 1234), ("１，２３４", False, 1234),
        ("+1036", False, 1036), ("-8", False, -8), ("－8", False, -8),
        ("26.8万元", True, 26.8), ("251000元", True, 25.1), ("268000元", True, 26.8),
        ("0", True, 0.0), ("316441", True, 316441.0), (" 3 ", False, 3), ("1.5", False, 1.5),
        ("", False, None), ("—", False, None), ("－", False, None), ("/", False, None),
        ("无", False, None), ("　", False, None), ("——", False, None),
    ],
)
def test_parse_number(text: str, money: bool, expected: float | None) -> None:
    value = parse_number(text, money=money)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", ["规章", "约160", "12.3.4", "1,23", "三", "12abc"])
def test_not_a_number(text: str) -> None:
    with pytest.raises(NotANumber):
        parse_number(text)
    assert not is_value_text(text)


@pytest.mark.parametrize("text", ["1 2", "1 234", "１ ２", "1\u3000234", "1\t0", "1\u200912", "12 3件"])
def test_digits_apart_are_not_one_number(text: str) -> None:
    # "1 2" is two numbers run into one cell, not 12; a space grouping thousands is ambiguous.
    with pytest.raises(NotANumber):
        parse_number(text)
    assert not is_value_text(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1\u2009234", 1234), ("1\u202f234\u202f567", 1234567), ("12 件", 12), (" 7\u3000", 7),
     ("1, 234", 1234)],
)
def test_spaces_that_do_not_split_digits(text: str, expected: int) -> None:
    # thin spaces grouping thousands (GB/T 15835), a space before the unit or around the number
    assert parse_number(text) == expected
