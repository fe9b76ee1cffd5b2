from __future__ import annotations

import pytest

from nianbao.labels import LabelIndex, Target, core, fold, strip_numbering_raw
from nianbao.spec import load_spec


def test_fold_full_width_and_spaces() -> None:
    assert fold("（三）不予\n\n公开") == "(三)不予公开"
    assert fold("结 果 维 持") == "结果维持"
    assert fold("3．危及“三安全一稳定”") == fold('3.危及"三安全一稳定"') == "3.危及三安全一稳定"


@pytest.mark.parametrize(
    "label", ["1．属于国家秘密", "1.属于国家秘密", "1、属于国家秘密", "（1）属于国家秘密", "属于国家秘密"]
)
def test_numbering_variants(label: str) -> None:
    assert core(label) == "属于国家秘密"


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("（七）总计", Target("row", "total_processed")),
        ("总计", Target("column", "total")),
        ("其他", Target("column", "other_org")),
        ("3.其他", Target("row", "other_misc")),
        ("(三)不予公开", Target("group", "（三）不予公开")),
        ('3.危及"三安全一稳定"', Target("row", "denied_three_safety")),
        ("危及三安全一稳定", Target("row", "denied_three_safety")),
    ],
)
def test_lookup_requests_2021(text: str, target: Target) -> None:
    index = LabelIndex(load_spec().edition("2021").table("requests"))
    assert index.lookup(text) == target


def test_traditional_characters() -> None:
    index = LabelIndex(load_spec().edition("2019").table("active"))
    assert index.lookup("規範性檔案") == Target("row", "normative_documents")
    assert index.lookup("行政處罰") == Target("row", "penalty")


def test_strip_numbering_keeps_printed_characters() -> None:
    assert strip_numbering_raw("　　其中：主动公开规范性文件数") == "主动公开规范性文件数"
    assert strip_numbering_raw("（一）主动公开政府信息数（计１条）") == "主动公开政府信息数（计１条）"
    assert strip_numbering_raw("十二、机构建设和保障经费情况") == "机构建设和保障经费情况"
