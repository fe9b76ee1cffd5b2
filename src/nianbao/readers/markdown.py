"""Markdown, as PDF/Word-to-Markdown tools (docling, marker, MinerU, LLM extractors) write
reports: ``#`` headings, ``**bold**``, pipe tables (a header row, a ``|---|`` separator row,
``<br>`` for a line break in a cell, merged cells left empty or repeated), HTML tables
inside the Markdown, one table cut into several at page breaks.

A pipe table is not a grid: merged cells are left out, left empty or repeated, so its rows
are ragged. Each of its rows becomes a line of fields, as a text dump's rows do, and the
matching rebuilds the table from the lines; an HTML table inside the Markdown is a grid.
Headings and other lines become paragraphs without their markup.
"""

from __future__ import annotations

import re

from ..document import Block, Document, Paragraph
from .html import table_grids
from .text import paragraphs, text_lines

__all__ = ["is_markdown", "read_markdown"]

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$")
_SEPARATOR_BYTES = re.compile(rb"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*\|", re.M)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BREAK = re.compile(r"<br\s*/?>", re.I)
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_HTML_TABLE = re.compile(r"\s*<(?:html|body|div|table)\b.*<table\b|\s*<table\b", re.I)
_TAG = re.compile(r"</?(?:span|font|b|strong|i|em|u|sup|sub|p|div)\b[^>]*>", re.I)


def is_markdown(data: bytes) -> bool:
    """True when a text file holds a Markdown pipe table (its ``|---|`` separator row)."""
    return bool(_SEPARATOR_BYTES.search(data[:400_000]))


def read_markdown(data: bytes, source: str) -> Document:
    """Paragraphs and table grids of a Markdown report, in reading order."""
    lines = text_lines(data, source)
    blocks: list[Block] = []
    title = None
    plain: list[str] = []  # lines of running text not yet turned into paragraphs
    plain_from = 1
    tables = 0
    index = 0

    def flush(upto: int) -> None:
        nonlocal plain, plain_from
        blocks.extend(paragraphs(plain, plain_from))
        plain, plain_from = [], upto + 1

    while index < len(lines):
        line = lines[index]
        if index + 1 < len(lines) and "|" in line and _SEPARATOR.match(lines[index + 1]):
            flush(index)
            end = index + 2
            while end < len(lines) and "|" in lines[end] and lines[end].strip():
                end += 1
            for number in (index, *range(index + 2, end)):
                if not _SEPARATOR.match(lines[number]):  # a separator row again, mid-table
                    blocks.extend(_pipe_row(lines[number], number + 1))
            index = end
            plain_from = end + 1
            continue
        if _HTML_TABLE.match(line):
            flush(index)
            end = index
            while end < len(lines) and not re.search(r"</table\s*>", lines[end], re.I):
                end += 1
            found = table_grids("\n".join(lines[index:end + 1]), tables + 1)
            tables += len(found)
            blocks.extend(found)
            index = end + 1
            plain_from = index + 1
            continue
        heading = _HEADING.match(line)
        if heading:
            flush(index)
            text = _inline(heading.group(1))
            if text:
                blocks.append(Paragraph(text, f"第{index + 1}行", line=index + 1))
                if title is None and line.lstrip().startswith("# "):
                    title = text
            plain_from = index + 2
        else:
            plain.append(_inline(line) if line.strip() else "")
        index += 1
    flush(len(lines))
    return Document(source=source, blocks=tuple(blocks), title=title)


def _inline(text: str) -> str:
    """Text without Markdown's inline markup: emphasis, escapes, images (kept as a
    placeholder that the report lists as unmapped), stray HTML tags."""
    text = _IMAGE.sub(lambda m: f"[image: {m.group(1) or '图片'}]", text)
    text = _TAG.sub("", _BREAK.sub("\n", text))
    previous = None
    while previous != text:
        previous, text = text, _EMPHASIS.sub(lambda m: m.group(2) or m.group(3), text)
    return _ESCAPE.sub(r"\1", text).replace("&nbsp;", " ").strip()


def _cells(line: str) -> list[str]:
    """The cells of a pipe-table row; ``\\|`` is a bar inside a cell."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [_inline(cell) for cell in re.split(r"(?<!\\)\|", body)]


def _pipe_row(line: str, number: int) -> list[Paragraph]:
    """The cells of a pipe-table row as the fields of one line (an empty cell included)."""
    where = f"第{number}行"
    return [Paragraph(cell, where, cell=True, line=number) for cell in _cells(line)]
