"""Files on disk: which inputs a folder holds, what a file is, and saving without losing one.

Every stage saves through ``save_atomically`` (a temporary file, then one rename; the previous
version kept as ``名称.bak.xlsx``) and expands its inputs with ``expand_inputs``. Every input
is opened through ``read_input`` (only a regular file, within the size limit) and every zip
package (.docx, .xlsx) is checked by ``open_package`` before any part is inflated (declared
sizes, compression ratio, encryption, compression method); its parts are inflated counting
the bytes, and XML with a DTD is refused (XXE, entity bombs: Office never writes one).
"""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .errors import UnreadableInput, os_reason
from .limits import current, override_hint

__all__ = [
    "ENCRYPTED",
    "FORMULA_STARTS",
    "SOURCE_SUFFIXES",
    "WORKBOOK_SUFFIXES",
    "XML_REFUSED",
    "Package",
    "backup_path",
    "check_input",
    "check_parts",
    "csv_safe",
    "expand_inputs",
    "folder_files",
    "is_encrypted_ole",
    "is_input",
    "is_workbook",
    "open_package",
    "read_input",
    "save_atomically",
]

# What a folder given as input contributes: report files, and standard workbooks when wanted.
SOURCE_SUFFIXES = (".txt", ".htm", ".html", ".shtml", ".xhtml", ".doc", ".docx", ".wps", ".rtf", ".pdf")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_BACKUP = re.compile(r"\.bak\d*$")  # 年报.bak.xlsx, 年报.bak2.xlsx: our own backups


def is_workbook(source: str | Path | bytes) -> bool:
    """Whether a file (a path, or its bytes) is an Excel workbook, by its content whatever its
    name: a zip holding ``xl/workbook.xml``. A path that is not a regular file is not one (it
    is never opened: a named pipe would block), nor a zip of more parts than the limit (its
    directory is not read: the reader refuses it)."""
    try:
        if isinstance(source, bytes):
            tail = source[-_EOCD_SEARCH:]
        else:
            if not stat.S_ISREG(os.stat(source).st_mode):
                return False
            with open(source, "rb") as handle:
                handle.seek(max(0, handle.seek(0, os.SEEK_END) - _EOCD_SEARCH))
                tail = handle.read()
        if _parts(tail) > current().parts:
            return False
        target = io.BytesIO(source) if isinstance(source, bytes) else source
        if not zipfile.is_zipfile(target):
            return False
        with zipfile.ZipFile(target) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile, NotImplementedError, ValueError, EOFError):
        return False  # a damaged zip (or a zip version zipfile does not know) is no workbook


# What makes a spreadsheet take typed-in text for a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A CSV field a spreadsheet opens as text, never as a formula (OWASP's advice against CSV
    injection): text that starts with = + - @, a tab or a carriage return gets a single quote in
    front; anything else is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def backup_path(path: Path) -> Path:
    """A free name beside ``path`` for keeping its previous version: 年报.bak.xlsx, .bak2 …"""
    n = 1
    while True:
        candidate = path.with_name(f"{path.stem}.bak{'' if n == 1 else n}{path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def save_atomically(path: Path, write: Callable[[Path], None], backup: bool = True) -> Path | None:
    """Write through a temporary file and replace ``path`` at once; an existing file is kept
    as a backup first (unless it is a build product: ``backup=False``). Returns the backup's
    path, if one was made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".nianbao-", suffix=path.suffix, dir=path.parent)
    kept = None
    try:  # whatever stops the save (an error, Ctrl-C) removes the hidden temporary file
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; the result is an ordinary file
        write(Path(tmp))
        if backup and path.exists():
            kept = backup_path(path)
            os.replace(path, kept)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)  # nothing left once it has become ``path``
    return kept


def _is_input(path: Path, suffixes: tuple[str, ...]) -> bool:
    return (path.suffix.lower() in suffixes and not path.name.startswith(("~$", "."))
            and not _BACKUP.search(path.stem))


def is_input(path: Path, workbooks: bool = False) -> bool:
    """Whether a file found in an input folder is one to read (see ``expand_inputs``)."""
    return _is_input(path, SOURCE_SUFFIXES + (WORKBOOK_SUFFIXES if workbooks else ()))


def folder_files(folder: str | Path, workbooks: bool = False) -> list[str]:
    """The report files in a folder and below (``is_input``), sorted by their paths with ``/``;
    as text, no Path object per file (a province's folder holds a hundred thousand)."""
    found: list[str] = []
    for top, dirs, names in os.walk(folder):
        dirs.sort()
        found.extend(os.path.join(top, name) for name in names
                     if is_input(Path(name), workbooks) and os.path.isfile(os.path.join(top, name)))
    found.sort(key=(lambda p: p.replace(os.sep, "/")) if os.sep != "/" else None)
    return found


def expand_inputs(inputs: Iterable[str | Path], workbooks: bool = False,
                  exclude: Sequence[Path] = ()) -> list[Path]:
    """Files as given, and for each folder the report files in it and below (sorted); with
    ``workbooks`` also the .xlsx files. Each file once; Office lock files (~$…), hidden files,
    our backups (``*.bak.xlsx``) and ``exclude`` are left out of folders."""
    excluded = {p.resolve() for p in exclude}
    seen: set[Path] = set()
    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = [p for p in map(Path, folder_files(path, workbooks)) if p.resolve() not in excluded]
        else:
            found = [path]
        for p in found:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                files.append(p)
    return files


_MB = 1024 * 1024
ENCRYPTED = ("文件已加密（设置了打开密码），请去掉密码后另存为普通文件再转换"
             "（在 Word/WPS/Excel 中：文件 → 信息 → 保护文档 → 用密码进行加密，清空密码）")
_KINDS = (
    (stat.S_ISDIR, "这是一个文件夹，不是文件"),
    (stat.S_ISFIFO, "这是一个命名管道（FIFO），不是普通文件，不能作为年报读取"),
    (stat.S_ISSOCK, "这是一个套接字（socket），不是普通文件，不能作为年报读取"),
    (stat.S_ISCHR, "这是一个设备文件，不是普通文件，不能作为年报读取"),
    (stat.S_ISBLK, "这是一个设备文件，不是普通文件，不能作为年报读取"),
)


def _megabytes(size: int) -> str:
    return f"{size / _MB:.1f} MB"


def _check_stat(info: os.stat_result, source: str) -> None:
    for test, reason in _KINDS:
        if test(info.st_mode):
            raise UnreadableInput(source, reason)
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableInput(source, "这不是普通文件，不能作为年报读取")
    limit = current().file_bytes
    if info.st_size > limit:
        raise UnreadableInput(source, f"文件过大（{_megabytes(info.st_size)}，上限 {_megabytes(limit)}，"
                                      f"{override_hint('file_mb')}）")


def check_input(path: str | Path) -> None:
    """UnreadableInput unless ``path`` is a regular file within the size limit. Only ``stat``
    is asked: a named pipe, a device or a socket is never opened."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise UnreadableInput(str(path), os_reason(exc)) from None
    _check_stat(info, str(path))


def read_input(path: str | Path) -> bytes:
    """The bytes of an input file; UnreadableInput (in Chinese, the file named) when it is not
    a regular file, is too large or cannot be read."""
    check_input(path)
    try:
        # O_NONBLOCK: should the file have become a pipe since the check, opening does not wait.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            _check_stat(os.fstat(handle.fileno()), str(path))
            data = handle.read(current().file_bytes + 1)
    except OSError as exc:
        raise UnreadableInput(str(path), os_reason(exc)) from None
    if len(data) > current().file_bytes:  # grew since it was looked at
        _check_stat(os.stat(path), str(path))
    return data


_EOCD = b"PK\x05\x06"  # the end of a zip's central directory: its part count at 10
_ZIP64_LOCATOR = b"PK\x06\x07"  # before it in a zip64 file; the zip64 record's count at 32
_EOCD_SEARCH = 22 + 65535 + 20  # the record, the longest comment, a zip64 locator


def _parts(tail: bytes) -> int:
    """The number of parts a zip's directory declares, from its last bytes (0 when there is
    no directory record: zipfile says what is wrong)."""
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) < at + 12:
        return 0
    count = int.from_bytes(tail[at + 10:at + 12], "little")
    locator = at - 20
    if locator >= 0 and tail[locator:locator + 4] == _ZIP64_LOCATOR:
        record = locator - 56  # the zip64 record stands just before its locator
        if record >= 0 and tail[record:record + 4] == b"PK\x06\x06":
            return max(count, int.from_bytes(tail[record + 32:record + 40], "little"))
        return max(count, 1 << 32)  # somewhere else: a zip64 directory Office never writes
    return count


def check_parts(data: bytes, source: str) -> None:
    """UnreadableInput when a zip declares more parts than the limit, before zipfile reads
    its directory (an object per part)."""
    count, most = _parts(data[-_EOCD_SEARCH:]), current().parts
    if count > most:
        shown = "数量不明" if count >= 1 << 32 else f"{count} 个"
        raise UnreadableInput(source, f"文件中的部件过多（{shown}，上限 {most} 个，"
                                      f"{override_hint('parts')}），不像是 Word/Excel 文件，拒绝读取")


_ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
_WORD_IDENT = b"\xec\xa5"  # the Word 97–2003 FIB's wIdent, at the start of the WordDocument stream


def is_encrypted_ole(data: bytes) -> bool:
    """Whether an OLE compound file is password-protected: an Office 2007+ file saved with a
    password (EncryptionInfo and EncryptedPackage streams), or a Word 97–2003 file whose
    header says fEncrypted."""
    if any(name in data for name in _ENCRYPTION_STREAMS):
        return True
    fib = data[512:524]  # the WordDocument stream usually starts at the first sector
    return fib[:2] == _WORD_IDENT and bool(int.from_bytes(fib[10:12], "little") & 0x0100)


_DEFLATED_OR_STORED = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_BOMB = "可能是“压缩炸弹”，拒绝读取"
_LOCAL_HEADER = 30  # bytes before a local entry's name; its name and extra field lengths at 26
_DTD = (b"<!DOCTYPE", b"<!ENTITY")
XML_REFUSED = ("文件中的 XML 含有 DTD 或实体声明（XML 外部实体或“实体炸弹”），正常的 Word/Excel 文件"
               "不会有，拒绝读取")


class Package:
    """A zip package (.docx, .xlsx) whose directory has been checked: no encrypted part, no
    compression other than Office's, declared sizes within the limit and no part compressed
    beyond the ratio limit. Its parts are inflated by ``read`` (kept) or ``verify`` (counted
    and dropped, for a reader that inflates parts itself and would not stop at the declared
    size: python-calamine), a megabyte at a time, never beyond the size a part declares."""

    def __init__(self, data: bytes, source: str) -> None:
        self.data = data
        self.source = source
        check_parts(data, source)
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zlib.error, ValueError, EOFError, OSError, NotImplementedError):
            raise UnreadableInput(source, "文件已损坏（不是完整的 Word/Excel 文件），无法打开") from None
        self.parts = {info.filename: info for info in self.archive.infolist()}
        self._check_directory()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.archive.close()

    def _check_directory(self) -> None:
        limits = current()
        total = 0
        for name, info in self.parts.items():
            if info.flag_bits & 0x1:
                raise UnreadableInput(self.source, ENCRYPTED)
            if info.compress_type not in _DEFLATED_OR_STORED:
                reason = (f"文件中的部件 {name} 使用了不支持的压缩方式（编号 {info.compress_type}），"
                          "请在 Word/WPS/Excel 中另存后再转换")
                raise UnreadableInput(self.source, reason)
            total += info.file_size
            if total > limits.inflated_bytes:
                reason = (f"文件解压后过大（超过 {_megabytes(limits.inflated_bytes)}，"
                          f"{override_hint('inflated_mb')}），{_BOMB}")
                raise UnreadableInput(self.source, reason)
            ratio = info.file_size // max(info.compress_size, 1)
            if info.file_size > _MB and ratio > limits.ratio:
                reason = (f"文件中的部件 {name} 压缩比异常（{ratio} 倍，上限 {limits.ratio} 倍，"
                          f"{override_hint('ratio')}），{_BOMB}")
                raise UnreadableInput(self.source, reason)

    def read(self, name: str) -> bytes:
        """One part, inflated; an XML part with a DTD is refused. KeyError when there is none."""
        return self._inflate(self.parts[name], keep=True)

    def verify(self, skip: Iterable[str] = ()) -> None:
        """Inflate every part but ``skip`` once, counting, keeping nothing (images are not
        XML and nobody inflates them: left alone)."""
        skipped = set(skip)
        for name, info in self.parts.items():
            if name not in skipped and "/media/" not in name and not name.endswith("/"):
                self._inflate(info, keep=False)

    def _inflate(self, info: zipfile.ZipInfo, keep: bool) -> bytes:
        name, data = info.filename, self.data
        start = info.header_offset + _LOCAL_HEADER
        lengths = data[start - 4:start]
        if len(lengths) < 4 or data[info.header_offset:info.header_offset + 4] != b"PK\x03\x04":
            raise UnreadableInput(self.source, f"文件已损坏（部件 {name} 的位置不对），无法打开")
        start += int.from_bytes(lengths[:2], "little") + int.from_bytes(lengths[2:], "little")
        raw = data[start:start + info.compress_size]
        kept: list[bytes] = []
        crc = size = 0
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        try:
            chunk = raw if inflater is None else inflater.decompress(raw, _MB)
            while chunk:
                size += len(chunk)
                if size > info.file_size:
                    raise UnreadableInput(self.source, f"文件中的部件 {name} 解压后超出它声明的大小，{_BOMB}")
                crc = zlib.crc32(chunk, crc)
                if keep or name.endswith((".xml", ".rels")):
                    kept.append(chunk)  # an XML part is searched for a DTD below
                chunk = b"" if inflater is None else inflater.decompress(inflater.unconsumed_tail, _MB)
        except zlib.error:
            raise UnreadableInput(self.source, f"文件已损坏（部件 {name} 无法解压），无法打开") from None
        if size != info.file_size or crc != info.CRC:
            raise UnreadableInput(self.source, f"文件已损坏（部件 {name} 解压后与它声明的大小或校验码不符），"
                                               "无法打开")
        content = b"".join(kept)
        if any(mark in content for mark in _DTD):
            raise UnreadableInput(self.source, XML_REFUSED)
        return content if keep else b""


def open_package(data: bytes, source: str) -> Package:
    """A zip package with its directory checked (see ``Package``)."""
    return Package(data, source)
