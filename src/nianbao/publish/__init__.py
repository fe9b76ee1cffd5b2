"""From the standard workbook back to the published report: Word (.docx) or a web page (.html).

    from nianbao.publish import publish_workbook
    done = publish_workbook("年报.xlsx", "年报.docx")           # refused when the workbook has errors
    done = publish_workbook("汇总.xlsx", "汇总.html", force=True)

    grid      each table of the report as a printed grid, from the workbook's layout
    content   the title and sections in the official order
    look      the official template's page, fonts and sizes
    word      the .docx (python-docx); web: the .html
    source    a standard or a consolidated workbook read as a Report

Importing this package imports the validator (pandas, pandera): a report with errors is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import NianbaoError
from ..files import save_atomically
from ..model import Report
from ..spec import Spec, load_spec
from ..validate import ValidationReport, validate
from .grid import TableGrid, format_number, legacy_label, report_grids, table_grid
from .source import read_for_publishing, report_for_publishing
from .web import build_html, write_html
from .word import build_docx, write_docx

__all__ = [
    "FORMATS",
    "NotPublishable",
    "Published",
    "TableGrid",
    "build_docx",
    "build_html",
    "check_publishable",
    "format_number",
    "legacy_label",
    "publish",
    "publish_report",
    "publish_workbook",
    "read_for_publishing",
    "report_for_publishing",
    "report_grids",
    "table_grid",
    "write_docx",
    "write_html",
]

FORMATS = (".docx", ".html", ".htm")
_SHOWN = 3  # findings named in the refusal; the rest are counted
FORCE_ADVICE = "请先改正错误；确需照原样生成，加 --force"


class NotPublishable(NianbaoError):
    """The workbook has validation errors (or the output cannot be made): nothing was written.
    ``validation`` holds the findings when that is the reason."""

    def __init__(self, message: str, validation: ValidationReport | None = None) -> None:
        super().__init__(message)
        self.validation = validation


@dataclass(frozen=True)
class Published:
    """A report written: where, the backup of a file it replaced, and the workbook's findings
    (warnings, or the errors that ``force`` let through)."""

    output: Path
    backup: Path | None
    validation: ValidationReport


def check_publishable(report: Report, name: str, force: bool = False, spec: Spec | None = None,
                      advice: str = FORCE_ADVICE) -> ValidationReport:
    """Validate the report; NotPublishable when some finding is an error, unless ``force``
    (``advice``: what the message tells the user to do)."""
    result = validate(report, spec=spec)
    if result.valid or force:
        return result
    errors = [row for row in result.rows(spec) if row.finding.severity == "error"]
    named = "；".join(f"{row.place or '—'} {row.finding.message}" for row in errors[:_SHOWN])
    more = f"等 {len(errors)} 处" if len(errors) > _SHOWN else ""
    raise NotPublishable(f"{name}：校验发现 {result.count_text(spec)}，未生成报告（{named}{more}）。{advice}",
                         result)


def _writer(output: Path, template: Path | None, spec: Spec) -> Callable[[Report, Path], None]:
    suffix = output.suffix.lower()
    if suffix not in FORMATS:
        raise NotPublishable(f"{output.name}：不支持的报告格式“{output.suffix or '（无扩展名）'}”，"
                             f"请用 {'、'.join(FORMATS[:2])}")
    if suffix == ".docx":
        return lambda report, path: write_docx(report, path, spec, template)
    if template is not None:
        raise NotPublishable(f"{output.name}：--template（Word 模板）只能用于生成 .docx")
    return lambda report, path: write_html(report, path, spec)


def publish(report: Report, output: str | Path, *, template: str | Path | None = None,
            spec: Spec | None = None) -> Path | None:
    """Write the report as .docx or .html (by ``output``'s extension) through a temporary file;
    an existing file is kept as 名称.bak.docx first. Returns that backup, if one was made."""
    spec = spec or load_spec()
    output = Path(output)
    write = _writer(output, Path(template) if template is not None else None, spec)
    return save_atomically(output, lambda tmp: write(report, tmp))


def publish_report(report: Report, name: str, output: str | Path, *, template: str | Path | None = None,
                   force: bool = False, spec: Spec | None = None, advice: str = FORCE_ADVICE) -> Published:
    """Refuse the report (of the workbook ``name``) when it has validation errors, unless
    ``force``; else write it. What ``nianbao report`` and the add-in's 生成Word do."""
    spec = spec or load_spec()
    output = Path(output)
    _writer(output, Path(template) if template is not None else None, spec)  # refuse before validating
    result = check_publishable(report, name, force, spec, advice)
    backup = publish(report, output, template=template, spec=spec)
    return Published(output, backup, result)


def publish_workbook(source: str | Path, output: str | Path, *, template: str | Path | None = None,
                     force: bool = False, spec: Spec | None = None) -> Published:
    """A standard or consolidated workbook file published (``publish_report``)."""
    spec = spec or load_spec()
    source = Path(source)
    report = read_for_publishing(source, spec)
    return publish_report(report, source.name, output, template=template, force=force, spec=spec)
