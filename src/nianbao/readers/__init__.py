"""Readers: one per source format, each returning a :class:`~nianbao.document.Document`."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..document import Document
from ..errors import UnreadableInput
from .text import read_text

__all__ = ["read_document"]


def read_document(path: str | Path) -> Document:
    """Read any supported report file into a Document; UnreadableInput when it cannot be."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableInput(str(path), "文件不存在") from None
    except IsADirectoryError:
        raise UnreadableInput(str(path), "这是一个文件夹，不是文件") from None
    except OSError as exc:
        raise UnreadableInput(str(path), f"无法读取文件（{exc.strerror}）") from None
    if not data.strip():
        raise UnreadableInput(str(path), "文件是空的")
    kind = sniff(data, path.suffix.lower())
    if kind == "html":
        from .html import read_html

        return read_html(data, path.name)
    if kind == "text":
        return read_text(data, path.name)
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf(path, path.name)
    if kind == "zip":
        if not zipfile.is_zipfile(path) or "word/document.xml" not in zipfile.ZipFile(path).namelist():
            raise UnreadableInput(str(path), "不是 Word（.docx）文件，或文件已损坏")
        from .docx import read_docx

        return read_docx(path, path.name)
    raise UnreadableInput(str(path), "暂不支持这种文件格式，请另存为 Word（.docx）、网页或纯文本后再转换")


_HTML = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p|table)[\s>]",
                   re.I | re.S)


def sniff(data: bytes, suffix: str) -> str:
    """The format of a file by its content (the extension is only a hint)."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if _HTML.match(head) or (suffix in (".htm", ".html", ".shtml", ".xhtml") and b"<" in head):
        return "html"
    return "text"
