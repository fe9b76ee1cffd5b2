"""Text dumps in other encodings and line endings read the same."""

from __future__ import annotations

import codecs

import pytest

from nianbao import read_report, report_json

from .conftest import CASES


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("gbk"),
        lambda t: t.encode("gb18030"),
        lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
        lambda t: codecs.BOM_UTF8 + t.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["gbk", "gb18030", "utf16-bom", "utf8-bom-crlf"],
)
@pytest.mark.parametrize("case", ["002_zichuan_2020", "003_yangling_2019", "004_zibo_2021"])
def test_encodings_give_the_same_report(tmp_path, encode, case: str) -> None:
    text = (CASES / f"{case}.txt").read_text("utf-8").replace("\xa0", " ")  # GBK has no nbsp
    (tmp_path / "utf8").mkdir()
    (tmp_path / "other").mkdir()
    reference = tmp_path / "utf8" / f"{case}.txt"
    reference.write_text(text, "utf-8")
    copy = tmp_path / "other" / f"{case}.txt"
    copy.write_bytes(encode(text))
    assert read_report(copy).to_json() == read_report(reference).to_json()


def test_breadcrumb_and_images_are_kept_as_unmapped() -> None:
    yangling = read_report(CASES / "003_yangling_2019.txt")
    assert [u.text for u in yangling.unmapped] == [
        "首页/ 政府信息公开 / 政府信息公开年报 / 部门信息公开年报 / 正文"]
    assert "首页" not in yangling.narrative["overview"]
    zibo = read_report(CASES / "004_zibo_2021.txt")
    assert [u.text for u in zibo.unmapped] == [
        "[image: 政府网站]", "[image: 3个政务新媒体]", "[image: 111]", "[image: sendpix0]"]
    assert "[image" not in zibo.narrative["overview"]


def test_bookmark_artefact_is_removed_from_the_text() -> None:
    zichuan = read_report(CASES / "002_zichuan_2020.txt")
    assert "（三）政府信息管理情况。2020年" in zichuan.narrative["overview"]
    assert "bookmark" not in zichuan.narrative["overview"]


def test_narrative_sections() -> None:
    zhoucun = read_report(CASES / "000_zhoucun_2018.txt")
    assert zhoucun.narrative["overview"].startswith("根据《中华人民共和国政府信息公开条例》")
    assert zhoucun.narrative["problems"].startswith("2018年区招商局的政府信息公开工作")
    assert "统计表" not in zhoucun.narrative["problems"]
    assert zhoucun.narrative["problems"].endswith("保证政府招商信息公开工作的顺利开展。")
    zibo = read_report(CASES / "004_zibo_2021.txt")
    assert zibo.narrative["other"].startswith("1、信息处理费收费情况")


def test_a_row_is_read_once_whatever_ids_python_reuses(monkeypatch) -> None:
    """（六）其他处理 printed as a group label makes a tentative off-form row; the rows after it
    must not be taken for it. Python reuses a dead object's id for a new one (this once read
    seed 004's 2．申请人逾期未按收费通知… row twice, at random): with every id() the same, as
    if always reused, the report reads as it does normally."""
    import nianbao.matching.cells as cells

    seed = CASES / "004_zibo_2021.txt"
    normal = read_report(seed)
    monkeypatch.setattr(cells, "id", lambda _: 0, raising=False)
    colliding = read_report(seed)
    assert not [u for u in colliding.unmapped if u.text.startswith("重复的")]
    assert colliding.unmapped == normal.unmapped
    assert report_json(colliding) == report_json(normal)
