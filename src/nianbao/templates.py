"""Every template in ``xlsx_templates/``: the standard workbook of each edition and, in
``consolidated/``, the consolidated one. Built from the spec (``nianbao template build``),
checked for drift (``--check``). This module names both kinds, so it sits above both."""

from __future__ import annotations

from pathlib import Path

from .spec import Spec
from .workbook import template

__all__ = ["build_templates", "check_templates"]


def _builders() -> dict[str, template.Builder]:
    from .consolidate.template import FOLDER, build_consolidated_template  # imports pandas

    return {"": template.build_template, FOLDER: build_consolidated_template}


def build_templates(folder: Path | None = None, spec: Spec | None = None) -> list[Path]:
    """Write every template; returns the paths written."""
    return template.build_templates(_builders(), folder, spec)


def check_templates(folder: Path | None = None, spec: Spec | None = None) -> list[str]:
    """What differs between the committed templates and a fresh build (empty: no drift)."""
    return template.check_templates(_builders(), folder, spec)
