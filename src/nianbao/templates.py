"""The empty templates in ``xlsx_templates/``: generated from the spec, checked for drift."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from .spec import Spec, load_spec
from .workbook import build_template, fingerprint, template_dir

__all__ = ["build_templates", "check_templates"]


def _folder(folder: Path | None) -> Path:
    folder = folder or template_dir() or Path.cwd() / "xlsx_templates"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def build_templates(folder: Path | None = None, spec: Spec | None = None) -> list[Path]:
    """Write one template per edition; returns the paths written."""
    spec = spec or load_spec()
    folder = _folder(folder)
    paths = []
    for key in spec.editions:
        path = folder / f"{key}.xlsx"
        build_template(key, spec).save(path)
        paths.append(path)
    return paths + _build_consolidated(folder, spec)


def _build_consolidated(folder: Path, spec: Spec) -> list[Path]:
    """The consolidated workbooks' templates, in ``consolidated/``."""
    from .consolidate.template import FOLDER, build_consolidated_template

    (folder / FOLDER).mkdir(exist_ok=True)
    paths = []
    for key in spec.editions:
        path = folder / FOLDER / f"{key}.xlsx"
        build_consolidated_template(key, spec).save(path)
        paths.append(path)
    return paths


def check_templates(folder: Path | None = None, spec: Spec | None = None) -> list[str]:
    """What differs between the committed templates and a fresh build (empty: no drift)."""
    spec = spec or load_spec()
    folder = folder or template_dir() or Path.cwd() / "xlsx_templates"
    from .consolidate.template import FOLDER, build_consolidated_template

    drift = []
    for key in spec.editions:
        for path, build in ((folder / f"{key}.xlsx", build_template),
                            (folder / FOLDER / f"{key}.xlsx", build_consolidated_template)):
            name = path.relative_to(folder).as_posix()
            if not path.is_file():
                drift.append(f"缺少模板 {path}")
                continue
            committed = fingerprint(load_workbook(path))
            fresh = fingerprint(build(key, spec))
            if committed != fresh:
                for sheet in sorted(set(committed["sheets"]) | set(fresh["sheets"])):
                    if committed["sheets"].get(sheet) != fresh["sheets"].get(sheet):
                        drift.append(f"{name}：工作表“{sheet}”与规范不一致")
                if committed["names"] != fresh["names"]:
                    drift.append(f"{name}：单元格名称与规范不一致")
    return drift
