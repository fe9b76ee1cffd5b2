"""Output names in a bulk conversion: safe on every file system, one per source.

A name comes from the report (``青岛西海岸新区商务局_2018``) or, when its agency or year is
unknown, from the source file's stem. Whatever the report says, the name is one plain file
name: no folder separators (``../../x`` cannot leave the output folder), none of the
characters Windows refuses (``<>:"/\\|?*`` and control characters), no reserved device name
(CON, PRN, AUX, NUL, COM1–9, LPT1–9), no trailing dot or space, at most ``MAX_NAME_BYTES``.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

__all__ = ["MAX_NAME_BYTES", "NameRegistry", "report_stem", "safe_stem"]

# Most file systems allow 255 bytes per name (UTF-8: 85 Chinese characters); room is left for
# a collision suffix (_12), the extension and a backup's .bak2.
MAX_NAME_BYTES = 180
_REFUSED = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def safe_stem(text: str, fallback: str = "年报") -> str:
    """``text`` as a file name without extension that is safe everywhere (see the module)."""
    text = unicodedata.normalize("NFC", text)
    text = _REFUSED.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    text = re.sub(r"\.{2,}", ".", text)  # no "..": harmless in one name, alarming in a listing
    if not text or set(text) <= {"_", ".", " "}:
        text = fallback
    if text.split(".")[0].upper().rstrip(" ") in _RESERVED:
        text = f"_{text}"
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_NAME_BYTES:
        text = encoded[:MAX_NAME_BYTES].decode("utf-8", "ignore").rstrip(" .")
    return text


def report_stem(agency: str | None, year: int | None, source: str) -> str:
    """``单位_年度`` when the report names both, else the source file's stem; made safe."""
    fallback = safe_stem(Path(source).stem, "年报")
    if agency and year:
        return safe_stem(f"{agency}_{year}", fallback)
    return fallback


class NameRegistry:
    """Which source owns which output path, so that two reports of one agency and year get two
    names (``…_2018.xlsx``, ``…_2018_2.xlsx``) and the source earlier in the input order always
    keeps the plain name, however the results arrive. Paths owned by earlier runs (``reserve``)
    are never given to another source. One small entry per output (memory stays flat)."""

    def __init__(self) -> None:
        self._owner: dict[str, int] = {}  # output path → the input index of its source
        self._reserved: dict[str, str] = {}  # output path → the source key of an earlier run

    def reserve(self, path: Path, source_key: str) -> None:
        """An output written by an earlier run for ``source_key``: kept for it."""
        self._reserved[str(path)] = source_key

    def claim(self, folder: Path, stem: str, suffix: str, index: int,
              source_key: str) -> tuple[Path, int | None]:
        """The path for source ``index``; and the index of the later source that held it until
        now (it moves along: ``claim`` the same stem again for it), or None."""
        n = 1
        while True:
            path = folder / f"{stem}{'' if n == 1 else f'_{n}'}{suffix}"
            key = str(path)
            earlier = self._reserved.get(key)
            if earlier is not None and earlier != source_key:
                n += 1
                continue
            owner = self._owner.get(key)
            if owner is None or owner == index:
                self._owner[key] = index
                return path, None
            if owner > index:  # a later source took it first: the earlier one gets it
                self._owner[key] = index
                return path, owner
            n += 1
