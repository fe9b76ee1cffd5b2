"""How the published report looks: the official template's page, fonts and sizes.

Read from the XML of the 2021 official template (政府信息公开工作年度报告格式模板,
tests/data/cases/docx_real_official_template.docx; tests/test_publish_docx.py reads that XML and
checks these values against it): A4 (w:pgSz 11906 by 16838 twips) with margins of 1440 (top,
bottom) and 1800 (left, right); the title 宋体 bold w:sz 36 (18 pt), centred; headings and text
宋体 w:sz 24 (12 pt, its style "Normal (Web)"), first line indented 420 twips; table cells 宋体
w:sz 20 (10 pt), the bracketed notes (the 勾稽关系 corner, 部分公开's note) 楷体 10 pt; tables
9740 twips wide, centred, single borders w:sz 8; table 三's number columns 685 twips wide
(its row labels share the rest).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OFFICIAL", "Look", "TextStyle"]


@dataclass(frozen=True)
class TextStyle:
    """A named paragraph (or character) style: its name in Word, font, size in points, bold."""

    name: str
    font: str
    size: float
    bold: bool = False


@dataclass(frozen=True)
class Look:
    """Page and styles of the published report."""

    page_width: int  # twips
    page_height: int
    margin_top: int
    margin_bottom: int
    margin_left: int
    margin_right: int
    first_line_indent: int  # twips
    table_width: int  # twips
    value_column: int  # twips: a number column of a table with row labels (三)
    border_size: int  # eighths of a point
    title: TextStyle
    heading: TextStyle
    body: TextStyle
    table: TextStyle
    note: TextStyle  # a character style: the bracketed notes in table cells


OFFICIAL = Look(
    page_width=11906, page_height=16838,
    margin_top=1440, margin_bottom=1440, margin_left=1800, margin_right=1800,
    first_line_indent=420, table_width=9740, value_column=685, border_size=8,
    title=TextStyle("年报标题", "宋体", 18, bold=True),
    heading=TextStyle("年报章节标题", "宋体", 12, bold=True),
    body=TextStyle("年报正文", "宋体", 12),
    table=TextStyle("年报表格", "宋体", 10),
    note=TextStyle("年报表格注", "楷体", 10),
)
