"""The committed templates in xlsx_templates/ are generated from the spec; drift fails."""

from __future__ import annotations

import tomllib
from importlib import resources

from nianbao.spec import load_spec, parse_spec
from nianbao.templates import build_templates, check_templates
from nianbao.workbook import template_dir


def test_committed_templates_match_the_spec() -> None:
    folder = template_dir()
    assert folder is not None and sorted(p.name for p in folder.glob("*.xlsx")) == [
        "2019.xlsx", "2021.xlsx", "legacy.xlsx"]
    assert check_templates(folder) == []


def test_a_spec_change_is_detected_as_drift(tmp_path) -> None:
    build_templates(tmp_path)
    assert check_templates(tmp_path) == []
    text = resources.files("nianbao.spec").joinpath("spec.toml").read_text("utf-8")
    changed = parse_spec(tomllib.loads(text.replace('"2．重复申请"', '"2．重复提出申请"')))
    drift = check_templates(tmp_path, changed)
    assert "2019.xlsx：工作表“三、依申请公开”与规范不一致" in drift
    assert check_templates(tmp_path, load_spec()) == []
