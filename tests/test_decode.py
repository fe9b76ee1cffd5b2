"""Text reports arrive as UTF-8 (with or without BOM), UTF-16 and GB18030/GBK."""

from __future__ import annotations

import codecs

import pytest

from nianbao.decode import decode_text, looks_binary

TEXT = "二、主动公开政府信息情况\n\t规章\n\t0\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),
        TEXT.encode("gbk"),
        TEXT.encode("gb18030"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "gbk", "gb18030"],
)
def test_decodes(data: bytes) -> None:
    assert decode_text(data) == TEXT


def test_very_short_gbk() -> None:
    # Detection alone misreads a few GBK characters; strict GB18030 comes first.
    assert decode_text("规章".encode("gbk")) == "规章"


def test_binary_is_recognised() -> None:
    assert looks_binary(bytes(range(256)).decode("latin-1") * 4)
    assert not looks_binary(TEXT)
