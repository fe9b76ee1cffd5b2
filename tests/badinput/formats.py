"""Files that are not what they say, or not whole: every format, empty, garbage, truncated and
with a fake magic number; a scanned PDF; encodings no reader knows; a 400-digit count; zip
entries encrypted or compressed with a method Python cannot read."""

from __future__ import annotations

import functools
import io
import random
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from .case import BadInput

__all__ = ["CASES", "encrypted_office_file", "flag_zip_entry", "seed_text", "standard_workbook_bytes"]

CASES_DIR = Path(__file__).resolve().parent.parent / "data" / "cases"
SEED = "004_zibo_2021.txt"  # a 2021-edition report that validates clean
# A real file of each format, cut in half for "truncated".
SAMPLES = {
    "txt": SEED,
    "html": "html_01_city_shift_2021.html",
    "md": "md_02_marker_br_2019.md",
    "docx": "docx_other_single_row_2022.docx",
    "pdf": "pdf_02_signed_units_2019.pdf",
    "doc": "doc_01_blank_2021.doc",
}
# What each format's file starts with: the fake-magic case is this and then garbage.
MAGIC = {
    "txt": b"\xef\xbb\xbf",
    "html": b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>",
    "md": "# 年度报告\n\n| 项目 | 数量 |\n|---|---|\n".encode(),
    "docx": b"PK\x03\x04",
    "xlsx": b"PK\x03\x04",
    "pdf": b"%PDF-1.7\n",
    "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
}
NOT_TEXT = "无法识别文字编码"
NO_TABLES = "没有找到年报表格"


def garbage(size: int = 4096, seed: int = 11) -> bytes:
    """Random bytes, the same every run."""
    return random.Random(seed).randbytes(size)


def seed_text() -> str:
    return (CASES_DIR / SEED).read_text("utf-8")


@functools.cache
def standard_workbook_bytes(source: str = SEED) -> bytes:
    """The standard workbook nianbao writes for a test case (made once per process)."""
    import tempfile

    from nianbao import read_report
    from nianbao.workbook import write_workbook

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "standard.xlsx"
        write_workbook(read_report(CASES_DIR / source), path)
        return path.read_bytes()


def _sample(ext: str) -> bytes:
    return standard_workbook_bytes() if ext == "xlsx" else (CASES_DIR / SAMPLES[ext]).read_bytes()


def _half(ext: str) -> bytes:
    data = _sample(ext)
    return data[:len(data) // 2]


def _cut_inside_a_character() -> bytes:
    """The text sample cut after the first byte of a multi-byte character past its middle."""
    data = _sample("txt")
    at = len(data) // 2
    while data[at] < 0xC0:  # not the first byte of a multi-byte UTF-8 character
        at += 1
    return data[:at + 1]


def writes(name: str, data: Callable[[], bytes]) -> Callable[[Path], Path]:
    """A ``make`` that writes ``data()`` as ``folder/name``."""

    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data())
        return path

    return make


def flag_zip_entry(data: bytes, entry: str, flag: int = 0, method: int | None = None) -> bytes:
    """A zip with one entry's header changed: general-purpose flag bits set (bit 0: encrypted),
    or its compression method (98: PPMd, which Python does not read)."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(entry)
    name = entry.encode()

    def patch(flags_at: int, method_at: int) -> None:
        old = struct.unpack_from("<H", out, flags_at)[0]
        struct.pack_into("<H", out, flags_at, old | flag)
        if method is not None:
            struct.pack_into("<H", out, method_at, method)

    patch(info.header_offset + 6, info.header_offset + 8)
    at = out.find(b"PK\x01\x02")
    while at >= 0:
        length = struct.unpack_from("<H", out, at + 28)[0]
        if out[at + 46:at + 46 + length] == name:
            patch(at + 8, at + 10)
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


def _scanned_pdf() -> bytes:
    """A page that is only a picture: a form's ruling and blurred 'text', no text layer."""
    from PIL import Image, ImageDraw

    page = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(page)
    for row in range(18):
        top = 120 + row * 36
        draw.rectangle((40, top, 580, top + 36), outline=0)
        draw.line((320, top, 320, top + 36), fill=0)
        for x in range(50, 300, 14):
            draw.rectangle((x, top + 12, x + 10, top + 24), fill=80)
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=75)
    return buffer.getvalue()


def _with_count(digits: str, row: str) -> bytes:
    """Seed 004 with one value cell replaced by ``digits``."""
    text = seed_text()
    printed = f"\t{row}\n\t0\n"
    assert printed in text, row
    return text.replace(printed, f"\t{row}\n\t{digits}\n", 1).encode()


def _format_cases() -> list[BadInput]:
    cases = []
    for ext in ("txt", "html", "md", "docx", "xlsx", "pdf", "doc"):
        cases.append(BadInput(f"empty.{ext}", writes(f"empty.{ext}", lambda: b""), "文件是空的", 2,
                              "文件是空的", 2))
        says = "无法解析网页" if ext == "html" else NOT_TEXT
        cases.append(BadInput(f"garbage.{ext}", writes(f"garbage.{ext}", garbage), says, 2, says, 2))
    fake = {"txt": NOT_TEXT, "html": "无法解析网页", "md": NOT_TEXT, "docx": "Word 文件已损坏",
            "xlsx": "Excel 工作簿已损坏", "pdf": "PDF 文件已损坏", "doc": NO_TABLES}
    for ext, says in fake.items():
        cases.append(BadInput(f"fake_magic.{ext}", writes(f"fake_magic.{ext}", functools.partial(
            lambda magic: magic + garbage(), MAGIC[ext])), says, 2, says, 2))
    # Cut in half: a text keeps what it has (the tables after the cut are named missing);
    # a container format is refused.
    cut: dict[str, tuple[str, int, str, int]] = {
        "html": ("缺少表格 四", 0, "错误", 1),
        "md": ("缺少表格 三、四", 0, "未发现问题", 0),
        "docx": ("Word 文件已损坏", 2, "Word 文件已损坏", 2),
        "xlsx": ("Excel 工作簿已损坏", 2, "Excel 工作簿已损坏", 2),
        "pdf": ("PDF 文件已损坏", 2, "PDF 文件已损坏", 2),
        "doc": ("LibreOffice 未能转换此文件", 2, "LibreOffice 未能转换此文件", 2),
    }
    for ext, (convert_says, convert, validate_says, validate) in cut.items():
        cases.append(BadInput(f"truncated.{ext}", writes(f"truncated.{ext}", functools.partial(_half, ext)),
                              convert_says, convert, validate_says, validate))
    cases.append(BadInput("truncated.txt", writes("truncated.txt", lambda: seed_text()[:len(seed_text()) // 2]
                                                  .encode()), "缺少表格 四", 0, "错误", 1))
    # A download cut inside a character: the text before it is still the report's.
    cases.append(BadInput(
        "truncated_mid_character.txt",
        writes("truncated_mid_character.txt", _cut_inside_a_character),
        "缺少表格 四", 0, "错误", 1))
    return cases


def _other_cases() -> list[BadInput]:
    text = seed_text()
    return [
        BadInput("scanned.pdf", writes("scanned.pdf", _scanned_pdf), "扫描版 PDF", 2, "扫描版 PDF", 2),
        # Encodings no reader is meant to know: no table is found, and the file says so.
        BadInput("shift_jis.txt", writes("shift_jis.txt", lambda: "年度報告　行政許可　申請件数\n".encode(
            "shift_jis") * 40), NO_TABLES, 2, NO_TABLES, 2),
        BadInput("ebcdic.txt", writes("ebcdic.txt", lambda: text[:3000].encode("cp500", errors="replace")),
                 NO_TABLES, 2, NO_TABLES, 2),
        BadInput("utf7.txt", writes("utf7.txt", lambda: text.encode("utf-7")), NO_TABLES, 2, NO_TABLES, 2),
        # Encodings the reader does know read as the report.
        BadInput("utf32.txt", writes("utf32.txt", lambda: text.encode("utf-32")), "已填 200/200 格", 0,
                 "未发现问题", 0),
        BadInput("utf16_no_bom.txt", writes("utf16_no_bom.txt", lambda: text.encode("utf-16-le")),
                 "已填 200/200 格", 0, "未发现问题", 0),
        # A count of 400 digits is not a number (no workbook cell holds it): kept as text, named.
        BadInput("count_400_digits.txt", writes("count_400_digits.txt",
                                                lambda: _with_count("9" * 400, "行政许可")),
                 "已填 199/200 格", 0, "不是数字", 1),
        BadInput("money_400_digits.txt", writes("money_400_digits.txt",
                                                lambda: _with_count("9" * 400, "行政事业性收费")),
                 "已填 199/200 格", 0, "不是数字", 1),
        BadInput("encrypted_entry.docx", writes("encrypted_entry.docx", lambda: flag_zip_entry(
            _sample("docx"), "word/document.xml", flag=1)), "加密", 2, "加密", 2),
        BadInput("ppmd_entry.docx", writes("ppmd_entry.docx", lambda: flag_zip_entry(
            _sample("docx"), "word/document.xml", method=98)), "压缩", 2, "压缩", 2),
        BadInput("encrypted_entry.xlsx", writes("encrypted_entry.xlsx", lambda: flag_zip_entry(
            _sample("xlsx"), "xl/worksheets/sheet3.xml", flag=1)), "加密", 2, "加密", 2),
        BadInput("ppmd_entry.xlsx", writes("ppmd_entry.xlsx", lambda: flag_zip_entry(
            _sample("xlsx"), "xl/workbook.xml", method=98)), "压缩", 2, "压缩", 2),
    ]


def _encrypted_cases() -> list[BadInput]:
    return [BadInput(f"password_protected.{ext}", writes(f"password_protected.{ext}", encrypted_office_file),
                     "加密", 2, "加密", 2) for ext in ("docx", "xlsx")]


def encrypted_office_file() -> bytes:
    """What Word and Excel save when a password is set: not a zip but an OLE compound file
    holding ``EncryptionInfo`` (agile encryption, version 4.4) and ``EncryptedPackage``.
    Written sector by sector (CFB version 3, 512-byte sectors; each stream 4096 bytes, so that
    no mini stream is needed)."""
    end, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    info = (b"\x04\x00\x04\x00\x40\x00\x00\x00"
            + b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            + b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"/>')
    info = info.ljust(4096, b"\x00")
    package = struct.pack("<Q", 10000) + garbage(4088, seed=7)
    fat = [fat_sector, end, 3, 4, 5, 6, 7, 8, 9, end, 11, 12, 13, 14, 15, 16, 17, end]
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child: int = no_stream,
              right: int = no_stream) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le") if name else b""
        return (encoded.ljust(64, b"\x00")
                + struct.pack("<HBBIII", len(encoded), kind, 1, no_stream, right, child)
                + b"\x00" * 16 + struct.pack("<IQQIII", 0, 0, 0, start, size, 0))

    directory = (entry("Root Entry", 5, end, 0, child=1) + entry("EncryptionInfo", 2, 2, 4096, right=2)
                 + entry("EncryptedPackage", 2, 10, 4096) + entry("", 0, free, 0))
    header = (MAGIC["doc"] + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *([free] * 108)))
    return header + struct.pack("<128I", *fat) + directory + info + package


CASES = _format_cases() + _other_cases() + _encrypted_cases()
