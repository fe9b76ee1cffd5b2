"""Text dumps that print a row per line (``pdftotext -layout``, pasted tab-separated text,
Markdown pipe rows, copy from a PDF viewer): a line with numbers is a row, its label on the
line or cut into fragments above and below it."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..document import Paragraph
from ..labels import LabelIndex
from ..model import Unmapped
from ..numbers import is_value_text
from ..spec import Table
from .candidates import RowCandidate, near_row
from .columns import align_by_columns


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


def line_shaped(tokens: list[Paragraph]) -> bool:
    """True when lines of the dump hold a label with numbers, or several numbers."""
    by_line: dict[int, list[Paragraph]] = {}
    for tok in tokens:
        if tok.line and tok.cell:
            by_line.setdefault(tok.line, []).append(tok)
    numbers = [sum(_has_digit(t.text) and is_value_text(t.text) for t in fields)
               for fields in by_line.values() if len(fields) >= 2]
    # One line of two numbers in a dump of cells is a cell ("1 2"), not a row.
    return sum(n >= 1 for n in numbers) >= 2 or any(n >= 3 for n in numbers)


def _lines(tokens: list[Paragraph]) -> list[list[Paragraph]]:
    """Tokens grouped by the line they stood on (a token of unknown line: its own line)."""
    lines: list[list[Paragraph]] = []
    for tok in tokens:
        if tok.line and lines and lines[-1][0].line == tok.line:
            lines[-1].append(tok)
        else:
            lines.append([tok])
    return lines


@dataclass
class _ValueLine:
    """A printed line holding numbers: its label fields and its value fields."""

    labels: list[Paragraph]
    values: list[Paragraph]
    stray: list[Paragraph]  # numbers standing before the row's label

# A combination of fragments tried for a row's label: (from above, from below), fewest first;
# the label of a row starts on its numbers' line or above it and may end below it.
_COMBINATIONS = ((0, 1), (0, 2), (1, 0), (1, 1), (2, 0), (1, 2), (2, 1), (2, 2), (0, 3), (3, 0), (3, 1),
                 (1, 3), (3, 2), (2, 3), (3, 3))

# Fragments further apart than this (in characters) stand in different label columns.
_SAME_COLUMN = 3


def _split_line(fields: list[Paragraph]) -> _ValueLine | None:
    """A line's label and value fields, or None when the line holds no number.

    The label is the fields before the first value field that follows one (an empty field
    before the label is a merged label cell left empty); from there on every field is a
    value, text included ("待核实" in a count cell is a cell that is not a number)."""
    def is_label(field: Paragraph) -> bool:
        return bool(field.text) and not is_value_text(field.text) and len(numbers_in(field)) == 1

    first_label = next((i for i, t in enumerate(fields) if is_label(t)), None)
    if first_label is None:
        labels, values, stray = [], list(fields), []
    else:
        start = next((i for i in range(first_label, len(fields)) if not is_label(fields[i])), len(fields))
        labels = [t for t in fields[:start] if is_label(t)]
        stray = [t for t in fields[:start] if t.text and not is_label(t)]
        values = fields[start:]
    if not any(_has_digit(t.text) and not is_label(t) for t in values):
        return None
    return _ValueLine(labels, values, stray)


def rows_from_lines(
    table: Table, tokens: list[Paragraph], index: LabelIndex
) -> tuple[list[RowCandidate], list[tuple[int, list[Paragraph]]], list[Unmapped]]:
    """Rows of a dump that prints a row per line (see :func:`rows_from_text`).

    Each line with numbers is a row. Its label is on the same line, or cut by the line width
    into fragments on the lines above and below it (vertically centred, or top-aligned); the
    fewest fragments that make up a label of the form decide, taken from the label's own
    column when the line says where it stood. Fragments nobody claims are pieces of the
    form's group labels (dropped), labels of rows left blank, or content (unmapped).
    """
    items: list[Paragraph | _ValueLine] = []
    for fields in _lines(tokens):
        split = _split_line(fields) if any(_has_digit(t.text) for t in fields) else None
        if split is None:
            items.extend(t for t in fields if t.text)
        else:
            items.append(split)
    items = _stacked_headers(items, index)
    candidates: list[RowCandidate] = []
    runs: list[tuple[int, list[Paragraph]]] = []
    unmapped: list[Unmapped] = []
    consumed: set[int] = set()  # ids of fragments taken into a label
    leftovers: list[tuple[int, Paragraph]] = []  # (item number, fragment) no row took
    header: list[str] = []  # column keys of the latest header line (table 二's groups)
    single = next((r for r in table.rows if not r.label), None)
    order = {row.key: i for i, row in enumerate(table.rows)}
    firm = {at: key for at, item in enumerate(items)
            if isinstance(item, _ValueLine) and (key := _own_row(item, index)) is not None}
    for at in _wrapped_values(table, items, firm):
        merged = items[at]
        assert isinstance(merged, _ValueLine)
        items[at] = Paragraph("", merged.values[0].where)  # merged into its row's line
    by_order = _lines_in_order(table, items, firm, index)
    anchors = sorted(firm.items())  # (item number, row) of the firmly labelled lines
    for at, item in enumerate(items):
        if isinstance(item, Paragraph):
            target = index.lookup(item.text, rows_first=False)
            if target is not None and target.kind == "column" and table.layout == "groups":
                if at and isinstance(items[at - 1], _ValueLine):
                    header = []
                header.append(target.key)
            elif target is not None and target.kind == "group":
                header = []
            continue
        misprint = False
        if at in firm:
            found: tuple[str, list[Paragraph]] | None = _resolve_line(item, [], [], index)
        elif at in by_order:
            key, misprint = by_order[at]
            found = key, item.labels
        else:
            last = next((c.row for c in reversed(candidates) if c.row in order), None)
            upper = next((order[k] for a, k in anchors if a > at), len(table.rows))
            lower = order[last] if last else -1
            above = _fragments(items, range(at - 1, -1, -1), consumed)[::-1]
            below = _fragments(items, range(at + 1, len(items)), consumed)
            found = _resolve_line(item, above, below, index, _between(order, lower, upper))
            if found is None and item.labels:
                key = near_row(table, index, "".join(t.text for t in item.labels), candidates)
                found, misprint = (None, False) if key is None else ((key, item.labels), True)
        unmapped.extend(Unmapped(t.where, f"多出的数值：{t.text}") for t in item.stray)
        if found is None:
            leftovers.extend((at, t) for t in item.labels)
            ones = next((c for c in candidates if c.row == single.key), None) if single else None
            if single is not None and not item.labels and ones is None:
                values = row_values(item.values, len(single.columns))
                candidates.append(RowCandidate(single.key, values, None, "", item.values[0].where))
            elif (ones is not None and single is not None and not item.labels
                  and len(ones.values) < len(single.columns)):
                ones.values += item.values  # a one-row table printed in parts (行政复议 | 行政诉讼 …)
            else:
                runs.append((len(candidates), item.values))
            continue
        key, used = found
        consumed.update(id(t) for t in used)
        # Text right of the row's label is a value that is not a number ("规章 | 待核实 | 0 | 3").
        last_used = max((i for i, t in enumerate(item.labels) if t in used), default=len(item.labels))
        texts = item.labels[last_used + 1:]
        item = _ValueLine(item.labels[:last_used + 1], [*texts, *item.values], item.stray)
        leftovers.extend((at, t) for t in item.labels if t not in used)
        label = "".join(t.text for t in sorted(used, key=lambda t: (t.line, t.column)))
        columns, values = _by_header(table, key, header, item.values)
        candidates.append(RowCandidate(key, values, columns, label, item.values[0].where, misprint))
    leftovers += [(at, t) for at, t in enumerate(items) if isinstance(t, Paragraph) and id(t) not in consumed]
    unmapped += _place_leftovers(candidates, [t for _, t in sorted(leftovers, key=lambda p: p[0])], index)
    headers = [line for line in _lines(tokens)
               if len(line) > 1 and all(t.column >= 0 and t.text and not is_value_text(t.text) for t in line)]
    pieces: dict[str, list[float]] = {}  # column key → where the pieces of its header stand
    for tok in (t for t in items if isinstance(t, Paragraph) and t.column >= 0):
        key = index.column_of_piece(tok.text)
        if key is not None:
            pieces.setdefault(key, []).append(tok.column + len(tok.text))  # CJK: two columns a character
    align_by_columns(table, candidates, headers, pieces)
    return candidates, runs, unmapped


def _stacked_headers(items: list, index: LabelIndex) -> list:
    """A column header cut over two lines at the same place ("本年新" over "公开数量") is one
    header word: joined, so that the header line says the order of its columns."""
    by_line: dict[int, list[Paragraph]] = {}
    for item in items:
        if isinstance(item, Paragraph) and item.line and item.column >= 0:
            by_line.setdefault(item.line, []).append(item)
    joined: dict[int, Paragraph] = {}  # id of an upper fragment → the joined fragment
    dropped: set[int] = set()
    for line, upper in by_line.items():
        for top in upper:
            if index.lookup(top.text, rows_first=False) is not None:
                continue
            for bottom in by_line.get(line + 1, ()):
                if abs(bottom.column - top.column) > _SAME_COLUMN or id(bottom) in dropped:
                    continue
                target = index.lookup(top.text + bottom.text, rows_first=False)
                if target is not None and target.kind == "column":
                    joined[id(top)] = replace(top, text=top.text + bottom.text)
                    dropped.add(id(bottom))
                    break
    if not joined:
        return items
    return [joined.get(id(item), item) for item in items if id(item) not in dropped]


def _wrapped_values(table: Table, items: list, firm: dict[int, str]) -> list[int]:
    """Numbers of a row printed on the line just above or below it (a cell too narrow for
    "２２件" wraps: "２２" above the row, "件" below): merged into the row's line when the
    row is short of numbers and they stand where its line has none. Returns the lines
    merged away."""
    merged = []
    for at, key in firm.items():
        row = items[at]
        expected = len(table.row(key).columns)
        for near in (at - 1, at + 1, at - 2, at + 2):
            other = items[near] if 0 <= near < len(items) else None
            if (not isinstance(other, _ValueLine) or other.labels or near in firm or near in merged
                    or abs(other.values[0].line - row.values[0].line) > 2):
                continue
            printed = [v for v in row.values if v.text]
            extra = [v for v in other.values if v.text]
            if len(printed) + len(extra) > expected or any(v.column < 0 for v in printed + extra):
                continue
            spans = [(v.column, v.column + len(v.text)) for v in printed]
            if any(a < e and s < b for v in extra for a, b in [(v.column, v.column + len(v.text))]
                   for s, e in spans):
                continue  # it would stand on a number of the row: another row's
            row.values = sorted(printed + extra, key=lambda v: v.column)
            merged.append(near)
    return merged


def _between(order: dict[str, int], lower: int, upper: int) -> Callable[[str], bool]:
    """Rows strictly between two places of the form's order."""
    return lambda key: lower < order[key] < upper


def _own_row(line: _ValueLine, index: LabelIndex) -> str | None:
    """The row a line's own label names (a field of it, or all of them joined)."""
    for parts in ([t] for t in reversed(line.labels)):
        target = index.lookup(parts[0].text, rows_first=True)
        if target is not None and target.kind == "row":
            return target.key
    if len(line.labels) > 1:
        target = index.lookup("".join(t.text for t in line.labels), rows_first=True)
        if target is not None and target.kind == "row":
            return target.key
    return None


def _lines_in_order(
    table: Table, items: list, firm: dict[int, str], index: LabelIndex
) -> dict[int, tuple[str, bool]]:
    """Lines of numbers whose label is not on their line, between two lines whose label is:
    when there are exactly as many of them as the form has rows between those two rows,
    they are those rows in the form's order (a dump that prints labels away from their
    numbers keeps the numbers in order). A line with a label of its own takes part only
    when that label is a piece of the row's label, or a misprint of it."""
    order = {row.key: i for i, row in enumerate(table.rows)}
    anchors = [(-1, -1), *sorted((at, order[key]) for at, key in firm.items()), (len(items), len(table.rows))]
    result: dict[int, tuple[str, bool]] = {}
    for (start, low), (end, high) in itertools.pairwise(anchors):
        lines = [at for at in range(start + 1, end) if isinstance(items[at], _ValueLine)]
        rows = [r for r in table.rows[low + 1:high] if r.label]
        if len(lines) > len(rows):  # a stray number ("1" left of a cut label) is not a row
            widths = {len(r.columns) for r in rows}
            lines = [at for at in lines if sum(bool(v.text) for v in items[at].values) in widths]
        if not lines or len(lines) != len(rows) or high <= low:
            continue
        fits = []
        for at, row in zip(lines, rows, strict=True):
            printed = "".join(t.text for t in items[at].labels)
            if not printed or index.is_piece_of(printed, row.key):
                fits.append((row.key, False))
            elif index.row_similarity(printed, row.key) >= index.misprint_similarity:
                fits.append((row.key, True))
            else:
                break
        else:
            result.update(zip(lines, fits, strict=True))
    return result


def _fragments(items: list, order: range, consumed: set[int]) -> list[Paragraph]:
    """The label fragments next to a line with numbers (``order``: the items walked away
    from it, up or down), up to the next such line."""
    result = []
    for item in (items[i] for i in order):
        if isinstance(item, _ValueLine):
            break
        if id(item) not in consumed:
            result.append(item)
    return result


def _resolve_line(
    line: _ValueLine, above: list[Paragraph], below: list[Paragraph], index: LabelIndex,
    allowed: Callable[[str], bool] = lambda key: True,
) -> tuple[str, list[Paragraph]] | None:
    """The row a line of numbers belongs to, and the fragments its label was made of; only
    ``allowed`` rows (those between the rows read before and after it)."""

    def row_of(parts: list[Paragraph]) -> str | None:
        target = index.lookup("".join(t.text for t in parts), rows_first=True)
        if target is not None and target.kind == "row" and allowed(target.key):
            return target.key
        return None

    for tok in reversed(line.labels):
        key = row_of([tok])
        if key is not None:
            return key, [tok]
    own = line.labels
    if own and own[0].column >= 0:
        column = own[-1].column
        near = lambda t: t.column < 0 or abs(t.column - column) <= _SAME_COLUMN  # noqa: E731
        above, below = [t for t in above if near(t)], [t for t in below if near(t)]
    tails = [own[-1:]] if len(own) > 1 else []
    for same in ([*own], *tails):
        if same and (key := row_of(same)) is not None:
            return key, same
        for up, down in _COMBINATIONS:
            if up > len(above) or down > len(below):
                continue
            parts = [*above[len(above) - up:], *same, *below[:down]]
            if parts and (key := row_of(parts)) is not None:
                return key, parts
    if not own and not above and not below:
        return None
    for up in range(min(len(above), 2) + 1):
        parts = [*above[len(above) - up:], *own]
        if parts:
            key = index.row_by_prefix("".join(t.text for t in parts))
            if key is not None and allowed(key):
                return key, parts
    last = index.lookup(own[-1].text, rows_first=True) if own else None
    if last is not None and last.row is not None:  # numbers right after a group label naming an
        return last.row, own[-1:]                   # off-form row (（六）其他处理 as one row)
    return None


def row_values(values: list[Paragraph], expected: int) -> list[Paragraph]:
    """The value fields of a row, when the line holds more fields than the row has columns:
    empty fields beside the numbers are merged cells (a pipe table or pasted cells leave
    them empty), so the printed ones decide when their count fits; otherwise the fields at
    the right edge, where the form puts its value columns."""
    printed = [v for v in values if v.text]
    if len(printed) < expected:
        # "3001 53" in one cell: an extractor ran two cells together. Split only when that
        # makes the row whole (a clerk's "1 2" in a row that is whole is a cell's text).
        split = [part for v in printed for part in numbers_in(v)]
        if len(split) == expected:
            return split
    if len(values) <= expected:
        return values
    if len(printed) == expected:
        return printed
    return values[-expected:]


def numbers_in(field: Paragraph) -> list[Paragraph]:
    """The numbers of a field holding several separated by spaces, or the field itself."""
    parts = field.text.split()
    if len(parts) > 1 and all(_has_digit(p) and is_value_text(p) for p in parts):
        return [replace(field, text=p) for p in parts]
    return [field]


def _by_header(
    table: Table, key: str, header: list[str], values: list[Paragraph]
) -> tuple[tuple[str, ...] | None, list[Paragraph]]:
    """A row's columns and value fields, by the header line above it (table 二's groups).

    A header with a field for each value field maps them one to one (a merged header cell
    repeated over the value fields it spans, "本年增/减 | 本年增/减", takes the first); a
    header naming each column once gives their printed order; otherwise (no header, or one
    cut by a line break) the form's order.
    """
    columns = table.row(key).columns
    if table.layout == "groups" and header and set(header) == set(columns):
        if len(header) == len(values) and len(header) > len(set(header)):
            firsts = {k: v for k, v in reversed(list(zip(header, values, strict=True)))}
            keys = tuple(k for k in dict.fromkeys(header))
            return keys, [firsts[k] for k in keys]
        if len(header) == len(set(header)):
            return tuple(header), row_values(values, len(header))
    return None, row_values(values, len(columns))


def _place_leftovers(candidates: list[RowCandidate], leftovers: list[Paragraph], index: LabelIndex
                     ) -> list[Unmapped]:
    """Fragments no row took: a row's whole label (the row printed blank: its label alone),
    the form's own words (headers, a group label a character a line), or content (unmapped).
    A blank row is added at the end: where it stands does not matter, it has no numbers."""
    unmapped: list[Unmapped] = []
    placed = {c.row for c in candidates}
    for tok in leftovers:
        target = index.lookup(tok.text, rows_first=True)
        if target is not None and target.kind == "row":
            if target.key not in placed:
                placed.add(target.key)
                candidates.append(RowCandidate(target.key, [], None, tok.text, tok.where))
            continue
        if (target is not None or index.is_form_text(tok.text) or index.is_piece_of(tok.text)
                or _is_unit(tok.text)):
            continue  # the form's words, a row's label away from its numbers, a unit wrapped alone
        unmapped.append(Unmapped(tok.where, tok.text))
    return unmapped


def _is_unit(text: str) -> bool:
    """A unit printed on a line of its own ("件" of a wrapped "２２件")."""
    return len(text) <= 2 and not any(ch.isdigit() for ch in text) and is_value_text("1" + text)
