"""The Excel add-in (xlwings): a 年报 ribbon tab whose buttons run ``nianbao.addin.excel``.

    excel.py   the entry points the ribbon runs (the only module that imports xlwings)
    build.py   ``nianbao addin build`` / ``install``: nianbao.xlam assembled from the text in
               macros/ and xlwings' own add-in template, without Excel

This package itself only knows where the add-in keeps its files.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["PROJECT_NAME", "config_path", "log_path"]

PROJECT_NAME = "nianbao"  # the add-in's xlwings project: its config file is nianbao.conf


def log_path() -> Path:
    """Where the add-in writes what went wrong: $NIANBAO_LOG, else the platform's log folder."""
    env = os.environ.get("NIANBAO_LOG")
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Logs"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / PROJECT_NAME / f"{PROJECT_NAME}.log"


def config_path() -> Path:
    """The user's config file that the add-in's VBA reads (which Python to run), where the
    xlwings module of a custom add-in looks for it: ~/.nianbao/nianbao.conf on Windows, the
    Excel sandbox's data folder on macOS."""
    if sys.platform == "darwin":
        folder = Path.home() / "Library" / "Containers" / "com.microsoft.Excel" / "Data"
    else:
        folder = Path.home() / f".{PROJECT_NAME}"
    return folder / f"{PROJECT_NAME}.conf"
