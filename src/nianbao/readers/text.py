"""Plain-text reports, as Word's "save as text" and web copy-paste produce them.

Two layouts occur: table cells on tab-led lines, a blank line between table rows (a value
may continue on the next line without a tab); and every cell its own paragraph with no row
boundaries at all. Both become paragraphs here; a tab-led line is marked as a cell.
"""

from __future__ import annotations

from ..decode import decode_text, looks_binary
from ..document import Document, Paragraph
from ..errors import UnreadableInput

__all__ = ["read_text"]


def read_text(data: bytes, source: str) -> Document:
    """Decode a text report and split it into paragraphs, one per line."""
    try:
        text = decode_text(data)
    except UnicodeDecodeError:
        raise UnreadableInput(source, "无法识别文字编码，这不是文本文件（可能是二进制数据）") from None
    if looks_binary(text):
        raise UnreadableInput(source, "这不是文本文件（内容是二进制数据），无法作为年报读取")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Paragraph] = []
    open_cell: tuple[int, list[str]] | None = None  # (line number, lines) of a tab-led cell

    def close_cell() -> None:
        nonlocal open_cell
        if open_cell is not None:
            line, parts = open_cell
            blocks.append(Paragraph("\n".join(parts).strip(), f"第{line}行", cell=True))
            open_cell = None

    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("\t"):
            close_cell()
            open_cell = (number, [line[1:]])
        elif not line.strip():
            close_cell()
        elif open_cell is not None:
            open_cell[1].append(line)  # a cell's text continued without a tab
        else:
            blocks.append(Paragraph(line.strip(), f"第{number}行"))
    close_cell()
    return Document(source=source, blocks=tuple(blocks))
