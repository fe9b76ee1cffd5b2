"""Exceptions that mean "cannot go on". Problems found in a report are data, not errors."""

from __future__ import annotations

import errno

__all__ = ["NOTHING_READ", "NianbaoError", "UnreadableInput", "os_reason"]


# The reason given for a source in which the report's tables were recognised (by their
# headings or headers) but not one of their cells could be read.
NOTHING_READ = ("没有读到任何表格数值：找到了年报表格的标题或表头，但没有一个单元格能读出"
                "（表格可能是图片，或排版无法识别）")


class NianbaoError(Exception):
    """Base class; ``str(error)`` is a one-line Chinese message for end users."""


class UnreadableInput(NianbaoError):
    """The file cannot be read as a report or a standard workbook."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}：{reason}")
        self.path = path
        self.reason = reason


# By name: not every platform has every errno constant (Windows lacks EDQUOT, ETXTBSY).
_OS_WORDS = {
    "ENOENT": "文件不存在",
    "EACCES": "权限不足，无法访问",
    "EPERM": "权限不足，操作不被允许",
    "EISDIR": "这是一个文件夹，不是文件",
    "ENOTDIR": "路径中的某一级不是文件夹",
    "ENOSPC": "磁盘已满",
    "EDQUOT": "超出磁盘配额",
    "EROFS": "文件所在的磁盘是只读的",
    "ENAMETOOLONG": "文件名过长",
    "ELOOP": "符号链接循环",
    "EIO": "磁盘读写错误",
    "EMFILE": "同时打开的文件过多",
    "ENFILE": "同时打开的文件过多",
    "ENOMEM": "内存不足",
    "EBUSY": "文件正被占用",
    "ETXTBSY": "文件正被占用",
    "EAGAIN": "文件暂时无法访问（正被占用）",
    "EINVAL": "文件名或路径无效",
    "ENXIO": "设备不存在或未就绪",
    "ENODEV": "设备不存在或未就绪",
}
_OS_REASONS = {getattr(errno, name): words for name, words in _OS_WORDS.items() if hasattr(errno, name)}


def os_reason(exc: OSError) -> str:
    """An operating-system error in Chinese words (权限不足, 文件不存在, 磁盘已满 …), never
    the exception's name; unknown errors give their number."""
    words = _OS_REASONS.get(exc.errno or -1)
    if words is not None:
        return words
    if isinstance(exc, PermissionError):
        return "权限不足，无法访问"
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    return f"系统错误（错误号 {exc.errno}）" if exc.errno else "系统错误，无法访问文件"
