"""Readers: one per source format, each returning a :class:`~nianbao.document.Document`."""

from __future__ import annotations

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
    if data.startswith(b"PK\x03\x04") or data.startswith(b"%PDF") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableInput(
            str(path), "暂不支持这种文件格式（Word、PDF 等），请另存为纯文本（.txt）后再转换"
        )
    return read_text(data, path.name)
