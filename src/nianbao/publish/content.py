"""What the published report says, in order, whatever it is written as: the title, then each
section of the edition (spec.sections: 一、总体情况 … 六、其他需要报告的事项, or the 统计表) with its
text (the 文字内容 sheet's paragraphs) or its table."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Report
from ..spec import Spec
from .grid import TableGrid, report_grids

__all__ = ["Part", "report_parts", "report_title"]


@dataclass(frozen=True)
class Part:
    """A heading, a paragraph of text, or a table."""

    kind: str  # heading | text | table
    text: str = ""
    grid: TableGrid | None = None


def report_title(report: Report, spec: Spec) -> str:
    """淮安市人民政府2024年政府信息公开工作年度报告: the agency and year where the workbook has them.
    The writers print it only when the year is known: a line without a year would be read back
    as the first line of the text, not as the title."""
    words = spec.document["title_words"][0]
    year = f"{report.meta.year}年" if report.meta.year else ""
    return f"{report.meta.agency or ''}{year}{words}"


def report_parts(report: Report, spec: Spec) -> list[Part]:
    """The sections of the report's edition in the official order: text sections always,
    table sections when the edition has that table (the 统计表 only in the legacy edition).
    A table the workbook does not have keeps its heading, without a table under it."""
    edition = report.edition_spec(spec)
    grids = report_grids(report, spec)
    parts: list[Part] = []
    for section in spec.sections:
        if section.kind == "table" and section.key not in edition.tables:
            continue
        parts.append(Part("heading", section.label))
        if section.kind == "table":
            if section.key in grids:
                parts.append(Part("table", grid=grids[section.key]))
            continue
        text = report.narrative.get(section.key, "")
        parts.extend(Part("text", line.strip()) for line in text.split("\n") if line.strip())
    return parts
