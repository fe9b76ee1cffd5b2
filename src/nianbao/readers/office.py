"""Old Word (.doc), WPS (.wps) and RTF files, converted to .docx by LibreOffice.

Each conversion gets its own LibreOffice profile directory, so parallel conversions (a batch
on a cluster node, several worker processes) do not collide on one profile's lock.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .. import limits
from ..document import Document
from ..errors import UnreadableInput, os_reason
from ..files import read_input
from .docx import read_docx

__all__ = ["find_soffice", "read_via_libreoffice"]

TIMEOUT = 180  # seconds at most; a first start of LibreOffice on a cold machine takes a while
_INSTALL_HINT = (
    "读取 .doc/.wps/.rtf 文件需要 LibreOffice：请安装 LibreOffice"
    "（Windows/macOS 从 libreoffice.org 安装；Debian/Ubuntu：apt-get install libreoffice-writer-nogui），"
    "或在 Word/WPS 中“另存为” .docx 后再转换"
)


def find_soffice() -> str | None:
    """The LibreOffice command, from $NIANBAO_SOFFICE or the PATH."""
    return os.environ.get("NIANBAO_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")


def read_via_libreoffice(path: Path, source: str) -> Document:
    """Convert to .docx with LibreOffice, then read it like any Word file."""
    soffice = find_soffice()
    if soffice is None:
        raise UnreadableInput(source, _INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as tmp:
        work = Path(tmp)
        # LibreOffice names the output after the input; a copy with a plain ASCII name avoids
        # surprises with odd characters and keeps the user's folder untouched.
        staged = work / f"input{path.suffix.lower() or '.doc'}"
        try:
            shutil.copyfile(path, staged)
        except OSError as exc:
            raise UnreadableInput(source, os_reason(exc)) from None
        timeout = min(TIMEOUT, max(1.0, limits.remaining()))
        command = [
            soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless", "--norestore", "--convert-to", "docx", "--outdir", str(work), str(staged),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise UnreadableInput(source, f"LibreOffice 转换超时（超过 {timeout:.0f} 秒，"
                                          f"{limits.override_hint('seconds')}）") from None
        except OSError as exc:
            raise UnreadableInput(source, f"无法启动 LibreOffice（{os_reason(exc)}）") from None
        converted = work / "input.docx"
        if not converted.is_file() or converted.stat().st_size == 0:
            raise UnreadableInput(
                source, "LibreOffice 未能转换此文件（文件可能已损坏），请在 Word/WPS 中另存为 .docx 后再转换"
            )
        return read_docx(read_input(converted), source)
