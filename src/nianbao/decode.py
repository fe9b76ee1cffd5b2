"""Bytes to text for text reports: BOM, strict UTF-8, strict GB18030, then detection."""

from __future__ import annotations

import codecs

__all__ = ["decode_text", "looks_binary"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM shows NUL bytes at every other position in ASCII runs."""
    if len(data) < 4 or len(data) % 2 or b"\x00" not in data:
        return None
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    half = len(data) // 2
    for encoding, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
        if zeros > half * 0.2 and zeros > 3 * min(even, odd):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def looks_binary(text: str) -> bool:
    """True when decoded text is mostly control characters, i.e. the file was not text."""
    if not text:
        return False
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f\v") + sample.count("\ufffd")
    return controls > max(2, len(sample) // 50)


def decode_text(data: bytes) -> str:
    """Decode a text report; raises UnicodeDecodeError when nothing fits."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            # A download cut inside its last character: the text before the cut is still UTF-8.
            return data[:exc.start].decode("utf-8")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported late: rarely needed, slow to load

    best = from_bytes(data).best()
    if best is None:
        raise UnicodeDecodeError("unknown", data[:1], 0, 1, "no encoding fits")
    return str(best)
