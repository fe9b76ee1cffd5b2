"""Readers: one per source format, each returning a :class:`~nianbao.document.Document`."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from .. import limits
from ..document import Document, Grid
from ..errors import UnreadableInput
from ..files import ENCRYPTED, check_parts, is_encrypted_ole, is_workbook, read_input
from .text import read_text

__all__ = ["read_document"]


def read_document(path: str | Path, data: bytes | None = None) -> Document:
    """Read any supported report file into a Document; UnreadableInput when it cannot be.
    ``data``: the file's bytes when the caller has read them already (bulk conversion hashes
    them first): the file is then not read again."""
    path = Path(path)
    try:
        with limits.clock():
            document = _read(path, data)
            limits.check_time(str(path))
    except UnreadableInput as exc:  # the readers name the file by its name; here, as given
        raise UnreadableInput(str(path), exc.reason) from None
    limit = limits.current().text_chars
    if _document_characters(document, limit) > limit:  # a PDF or Word file of a book's length
        raise UnreadableInput(str(path), limits.too_long())
    return document


def _document_characters(document: Document, limit: int) -> int:
    """The characters of a document's paragraphs and table cells (counted up to ``limit``)."""
    count = 0
    for block in document.blocks:
        if isinstance(block, Grid):
            count += sum(len(cell.text) for row in block.rows for cell in row)
        else:
            count += len(block.text)
        if count > limit:
            break
    return count


def _read(path: Path, data: bytes | None) -> Document:
    if data is None:
        data = read_input(path)
    if not data.strip():
        raise UnreadableInput(str(path), "文件是空的")
    suffix = path.suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        check_parts(data, str(path))  # before zipfile reads the directory to sniff
    kind = sniff(data, suffix)
    if kind in ("html", "text", "markdown"):
        _check_characters(data, path)
    if kind == "html":
        from .html import read_html

        return read_html(data, path.name)
    if kind == "text":
        return read_text(data, path.name)
    if kind == "markdown":
        from .markdown import read_markdown

        return read_markdown(data, path.name)
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(data, path.name)
    if kind == "docx":
        from .docx import read_docx

        return read_docx(data, path.name)
    if kind == "ole" and is_encrypted_ole(data):
        raise UnreadableInput(str(path), ENCRYPTED)
    if kind in ("ole", "rtf"):
        from .office import read_via_libreoffice

        return read_via_libreoffice(path, path.name)
    what = _NOT_REPORTS.get(kind, "无法识别的格式")
    named = f"扩展名是 {suffix}，但" if suffix else ""
    raise UnreadableInput(str(path), f"{named}文件内容是{what}，不是年报（支持 txt、网页、Word、PDF）")


def _check_characters(data: bytes, path: Path) -> None:
    """Refuse a text file beyond the character limit; no encoding takes more than four bytes
    a character, so a file that big is refused before it is decoded."""
    limit = limits.current().text_chars
    if len(data) > 4 * limit or (len(data) > limit and _characters(data) > limit):
        raise UnreadableInput(str(path), limits.too_long())


def _characters(data: bytes) -> int:
    from ..decode import decode_text

    try:
        return len(decode_text(data))
    except UnicodeDecodeError:
        return 0  # the reader says it is not text


_HTML = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p|table)[\s>]",
                   re.I | re.S)
_TABLE_TAG = re.compile(rb"<table[\s>]", re.I)  # an HTML table inside Markdown (MinerU)
_MAGIC = (
    (b"%PDF", "pdf"), (b"\xd0\xcf\x11\xe0", "ole"), (b"{\\rtf", "rtf"), (b"\x89PNG", "png"),
    (b"\xff\xd8\xff", "jpeg"), (b"GIF8", "gif"), (b"Rar!", "rar"), (b"7z\xbc\xaf", "7z"),
)
_NOT_REPORTS = {
    "png": "PNG 图片", "jpeg": "JPEG 图片", "gif": "GIF 图片", "rar": "RAR 压缩包", "7z": "7z 压缩包",
    "zip": "ZIP 压缩包（不是 Word 文件，或 Word 文件已损坏）", "xlsx": "Excel 工作簿",
}


def sniff(data: bytes, suffix: str) -> str:
    """The format of a file by its content; the extension is only a hint (government sites
    often serve web pages as .doc, and a text file may be called anything)."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith(b"PK\x03\x04"):
        if is_workbook(data):
            return "xlsx"
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError):
            return "zip"  # damaged, or a zip version zipfile does not know
        return "docx" if "word/document.xml" in names else "zip"
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    if _HTML.match(head) or (suffix in (".htm", ".html", ".shtml", ".xhtml") and b"<" in head):
        return "html"
    from .markdown import is_markdown

    if suffix in (".md", ".markdown") or is_markdown(data) or _TABLE_TAG.search(data):
        return "markdown"
    return "text"
