"""Plain-text reports, as Word's "save as text", PDF-to-text tools and copy-paste produce them.

Layouts that occur, all read here into paragraphs (one per line, or one per field):

- table cells on tab-led lines, a blank line between table rows (a value may continue on the
  next line without a tab): each cell a paragraph marked ``cell``;
- every cell its own paragraph, no row boundaries at all;
- a printed row per line, its fields separated by tabs (pasted from a web page or Excel, a
  cell with a line break quoted as Excel copies it), by ``|``, or by runs of spaces
  (``pdftotext -layout``, copy from a PDF viewer): each field a paragraph marked ``cell``
  with its line and column, so that the fields of one row stay together.

Form feeds (page breaks) are line breaks.
"""

from __future__ import annotations

import functools
import re

from ..decode import decode_text, looks_binary
from ..document import Document, Paragraph
from ..errors import UnreadableInput
from ..numbers import is_value_text
from ..spec import load_spec

__all__ = ["read_text", "split_fields"]

# Runs of two or more spaces (ASCII, no-break; a full-width space counts as two) separate
# the fields of a line; single spaces separate words.
_WORDS = re.compile(r"\S+(?:[ \u00a0]\S+)*")
# A field longer than this without a number beside it is running text, not a table cell.
_LONGEST_LABEL = 24


def read_text(data: bytes, source: str) -> Document:
    """Decode a text report and split it into paragraphs, one per line or field."""
    return Document(source=source, blocks=tuple(paragraphs(text_lines(data, source))))


def text_lines(data: bytes, source: str) -> list[str]:
    """The lines of a text file (any encoding; a form feed is a line break); UnreadableInput
    when the bytes are not text."""
    try:
        text = decode_text(data)
    except UnicodeDecodeError:
        raise UnreadableInput(source, "无法识别文字编码，这不是文本文件（可能是二进制数据）") from None
    if looks_binary(text):
        raise UnreadableInput(source, "这不是文本文件（内容是二进制数据），无法作为年报读取")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")


def paragraphs(lines: list[str], first: int = 1) -> list[Paragraph]:
    """Paragraphs of text lines (numbered from ``first``), in the layouts the module names."""
    blocks: list[Paragraph] = []
    open_cell: tuple[int, list[str]] | None = None  # (line number, lines) of a tab-led cell

    def close_cell() -> None:
        nonlocal open_cell
        if open_cell is not None:
            line, parts = open_cell
            blocks.append(Paragraph("\n".join(parts).strip(), f"第{line}行", cell=True, line=line))
            open_cell = None

    index = 0
    while index < len(lines):
        number, line = index + first, lines[index]
        index += 1
        if line.startswith("\t") and "\t" not in line.strip("\t"):
            close_cell()
            open_cell = (number, [line[1:]])
            continue
        if not line.strip():
            close_cell()
            continue
        if open_cell is not None and "\t" not in line:
            open_cell[1].append(line)  # a cell's text continued without a tab
            continue
        close_cell()
        if "\t" in line.strip("\t "):
            while _open_quote(line) and index < len(lines):  # Excel quotes a cell with a line break
                line += "\n" + lines[index]
                index += 1
        fields = split_fields(line)
        if len(fields) == 1:
            column, text = fields[0]
            blocks.append(Paragraph(text, f"第{number}行", line=number, column=column))
        else:
            blocks.extend(Paragraph(text, f"第{number}行", cell=True, line=number, column=column)
                          for column, text in fields)
    close_cell()
    return blocks


def _open_quote(line: str) -> bool:
    """True when a tab-separated line ends inside a quoted field ("本年新 … 制作数量")."""
    inside = False
    for field in line.split("\t"):
        if inside:
            inside = field.count('"') % 2 == 0
        elif field.lstrip().startswith('"'):
            inside = field.count('"') % 2 == 1
    return inside


def split_fields(line: str) -> list[tuple[int, str]]:
    """The fields of one text line as (column, text).

    Tabs and ``|`` separate fields, an empty field included (an empty cell); otherwise runs of
    two or more spaces do, and numbers separated by single spaces are fields of their own
    ("行政许可 447228", "5 0 0 0"). A line that is running text stays one field.
    """
    if _page_marker(line.strip()):
        return [(len(line) - len(line.lstrip()), line.strip())]  # "— 5 —" is one piece
    if "\t" in line.strip("\t "):
        return _excel_fields(line)
    if line.count("|") >= 2:
        return _separated(line.strip().strip("|"), "|", offset=line.index("|") + 1)
    fields: list[tuple[int, str]] = []
    for m in _WORDS.finditer(line.replace("\u3000", "  ")):
        fields.extend(_peel_numbers(m.start(), m.group(0)))
    if len(fields) <= 1:
        stripped = line.strip()
        return [(len(line) - len(line.lstrip()), stripped)] if stripped else []
    if not any(_is_number(text) for _, text in fields) and any(
        len(text) > _LONGEST_LABEL for _, text in fields
    ):
        return [(len(line) - len(line.lstrip()), line.strip())]
    return fields


def _separated(line: str, separator: str, offset: int = 0) -> list[tuple[int, str]]:
    fields = []
    at = offset
    for part in line.split(separator):
        stripped = part.strip(" \u3000\u00a0")
        fields.append((at + len(part) - len(part.lstrip(" \u3000\u00a0")), stripped))
        at += len(part) + len(separator)
    return fields


@functools.cache
def _page_marker_pattern() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in load_spec().page_markers))


def _page_marker(text: str) -> bool:
    """A page number line ("- 3 -", "第1页"): page furniture, never a row of numbers."""
    return bool(text) and len(text) <= 20 and bool(_page_marker_pattern().match(text))


def _excel_fields(text: str) -> list[tuple[int, str]]:
    """Tab-separated fields where a quoted field may hold line breaks and doubled quotes."""
    fields: list[tuple[int, str]] = []
    at = 0
    while at <= len(text):
        if text.startswith('"', at):
            end = at + 1
            while True:
                end = text.find('"', end)
                if end < 0 or not text.startswith('"', end + 1):
                    break
                end += 2
            end = len(text) if end < 0 else end
            fields.append((at, text[at + 1:end].replace('""', '"').strip()))
            at = text.find("\t", end)
        else:
            tab = text.find("\t", at)
            end = len(text) if tab < 0 else tab
            fields.append((at, text[at:end].strip()))
            at = tab
        if at < 0:
            break
        at += 1
    return fields


def _peel_numbers(start: int, field: str) -> list[tuple[int, str]]:
    """A field of single-space-separated words: numbers at its end become fields of their own."""
    words = [(m.start() + start, m.group(0)) for m in re.finditer(r"\S+", field)]
    if len(words) == 1:
        return words
    cut = len(words)
    while cut > 0 and is_value_text(words[cut - 1][1]):
        cut -= 1
    if cut == len(words) or not any(_is_number(text) for _, text in words[cut:]):
        return [(start, field)]  # "无" or "/" alone after words is text, not a blank cell
    head = [(start, field[: words[cut][0] - start].rstrip())] if cut else []
    return head + words[cut:]


def _is_number(text: str) -> bool:
    """A printed number (not a blank marker: "无" and "/" are words too)."""
    return any(ch.isdigit() for ch in text) and is_value_text(text)
