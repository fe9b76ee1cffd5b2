"""How a case prints its numbers: blank markers (blank_empty: all of them ""), units, signs,
separators, full-width digits.

Each variant changes the printed text of some cells and, where it leaves a cell blank, the
value itself (None): the golden JSON is derived from the values after this step.
"""

from __future__ import annotations

import random

from .content import (
    APPEALS,
    APPLICANTS,
    MONEY,
    Printed,
    Values,
    lookup,
    plain,
    request_rows,
    store,
)

BLANK_MARKERS = ("", "—", "－", "/", "无")
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def all_cells(values: Values, edition: str):
    """Every (table, row, column) of the report, in printed order."""
    for row, columns in values.active.items():
        for column in columns:
            yield "active", row, column
    for row in request_rows(edition):
        for column in values.requests[row]:
            yield "requests", row, column
    for column in APPEALS:
        yield "appeals", "count", column


def apply(values: Values, edition: str, variants: frozenset[str], seed: int) -> Printed:
    """Apply the value variants of a case; returns the printed text of the changed cells."""
    rng = random.Random(seed * 7919 + 1)
    printed = Printed()
    # A copy of a web page drops empty cells (seed 003's layout): there, blanks must show.
    dash = "—" if "dash_blanks" in variants else ""
    for row in request_rows(edition):
        blanked = (APPLICANTS if "only_total" in variants else ()) + (
            ("total",) if "total_blank" in variants else ())
        for column in blanked:
            values.requests[row][column] = None
            printed.text[("requests", row, column)] = dash
    if "blank_markers" in variants:
        markers = BLANK_MARKERS[1:] if dash else BLANK_MARKERS
        if "blank_empty" in variants:  # every blank cell printed as nothing at all
            markers = ("",)
        _blank_markers(values, edition, printed, rng, markers)
    for table, row, column in all_cells(values, edition):
        value = lookup(values, table, row, column)
        if value is None or (table, row, column) in printed.text:
            continue
        text = _format(value, table, row, column, variants)
        if text != plain(value):
            printed.text[(table, row, column)] = text
    return printed


def _blank_markers(values: Values, edition: str, printed: Printed, rng: random.Random,
                   markers: tuple[str, ...]) -> None:
    """Zero cells printed as "", "—", "－", "/", "无" (blank, not 0): every marker at least once."""
    zeros = [cell for cell in all_cells(values, edition) if lookup(values, *cell) == 0]
    rng.shuffle(zeros)
    for i, cell in enumerate(zeros[:12]):
        store(values, *cell, None)
        printed.text[cell] = markers[i % len(markers)]


def _format(value: int | float, table: str, row: str, column: str, variants: frozenset[str]) -> str:
    text = plain(value)
    if column in MONEY:
        if "money_yuan" in variants:
            return f"{round(value * 10000)}元"
        if "units" in variants:
            return f"{text}万元"
        return text
    if "thousands" in variants and abs(value) >= 1000:
        text = f"{value:,}"
    if column == "change" and "signed" in variants and value > 0:
        text = "+" + text
    if "units" in variants and table == "requests" and row in ("new_received", "total_processed"):
        text += "件"
    if "fullwidth" in variants and table in ("requests", "appeals"):
        text = text.translate(_FULL)
    return text
