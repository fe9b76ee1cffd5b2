"""Converting many report files: output names, a process pool, one result per file.

``nianbao convert`` and anything else that converts in bulk call :func:`convert_many`; each
file is converted on its own, a file that cannot be read is a result with its reason, and the
others go on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..api import read_report, report_json, save_workbook
from ..errors import NianbaoError, os_reason
from ..files import save_atomically
from ..model import Report
from ..spec import load_spec

__all__ = ["ConvertResult", "convert_many", "summary"]


@dataclass(frozen=True)
class ConvertResult:
    """What became of one source: ``ok``, the line to show (Chinese), and the JSON text when
    the result goes to standard output."""

    source: str
    ok: bool
    line: str
    json_text: str | None = None


def summary(report: Report) -> str:
    """One line on a converted report: agency, year, edition, cells filled, what was not placed."""
    meta = report.meta
    editions = load_spec().editions
    edition = editions[meta.edition].short_label if meta.edition and meta.edition in editions else ""
    if report.legacy is not None:
        filled = sum(1 for r in report.legacy if r.value is not None)
        total = len(report.legacy)
    else:
        cells = [c for _, _, _, c in report.cells()]
        filled = sum(1 for c in cells if c.value is not None)
        total = len(cells)
    parts = [
        f"{meta.agency or '（未识别单位）'}",
        f"{meta.year or '？'}年",
        edition,
        f"已填 {filled}/{total} 格",
    ]
    if report.unmapped:
        parts.append(f"未归位 {len(report.unmapped)} 处")
    missing = report.missing_tables()
    if missing:
        titles = "、".join(report.edition_spec().table(k).title.split("、")[0] for k in missing)
        parts.append(f"缺少表格 {titles}")
    return "，".join(parts)


def convert_many(files: Sequence[Path], output: str | None, to: str = "xlsx", jobs: int = 1,
                 many: bool | None = None) -> Iterator[ConvertResult]:
    """Convert each file to a standard workbook (``to="xlsx"``) or canonical JSON, in order.

    ``output``: a file (one input), a folder, ``"-"`` for standard output (JSON only), or None
    for the current folder. ``many`` (default: more than one file) puts results in a folder
    and JSON on one line each. 年报.doc and 年报.pdf in one batch become 年报.doc.xlsx and
    年报.pdf.xlsx. ``jobs`` > 1 converts in that many processes.
    """
    many = len(files) > 1 if many is None else many
    stems = [f.stem for f in files]
    work = [(str(f), _target_name(f, stems, output, many, to), to, many) for f in files]
    if jobs > 1 and len(work) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            yield from pool.map(_convert_one, work, chunksize=max(1, len(work) // (8 * jobs)))
    else:
        yield from map(_convert_one, work)


def _output_for(stem: str, out: str | None, many: bool, suffix: str) -> Path | None:
    """Where one input's result goes; None means standard output."""
    if out == "-":
        return None
    if out is None:
        return Path.cwd() / f"{stem}{suffix}"
    target = Path(out)
    if many or target.is_dir() or not target.suffix:
        return target / f"{stem}{suffix}"
    return target


def _target_name(source: Path, stems: list[str], out: str | None, many: bool, to: str) -> str | None:
    """The output path for one input, as text (None: standard output)."""
    stem = source.name if stems.count(source.stem) > 1 else source.stem
    target = _output_for(stem, out, many, ".json" if to == "json" else ".xlsx")
    return None if target is None else str(target)


def _convert_one(job: tuple[str, str | None, str, bool]) -> ConvertResult:
    """Convert one file. A top-level function so that a process pool can run it."""
    name, target_name, to, many = job
    source = Path(name)
    target = None if target_name is None else Path(target_name)
    try:
        report = read_report(source)
        if target is None:
            return ConvertResult(name, True, f"✓ {source.name} → 屏幕：{summary(report)}",
                                 report_json(report, indent=None if many else 2))
        if to == "json":
            text = report_json(report) + "\n"

            def write(tmp: Path) -> None:
                tmp.write_text(text, "utf-8")

            backup = save_atomically(target, write)
        else:
            backup = save_workbook(report, target)
    except NianbaoError as exc:
        return ConvertResult(name, False, f"✗ {exc}")
    except OSError as exc:
        return ConvertResult(name, False, f"✗ {source}：无法写出结果 {target}（{os_reason(exc)}）")
    note = f"（原文件已备份为 {backup.name}）" if backup else ""
    return ConvertResult(name, True, f"✓ {source.name} → {target}：{summary(report)}{note}")
