"""Hostile inputs, generated small and fast: zip bombs, XML entity attacks, encrypted Office
files, a named pipe. Each maker writes one file and returns its path."""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from pathlib import Path

MB = 1024 * 1024
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:document xmlns:w="{_W}"><w:body><w:p><w:r><w:t>TEXT</w:t></w:r></w:p></w:body></w:document>')


def raw_zip(path: Path, entries: list[tuple[str, bytes, int, int, int, int]]) -> Path:
    """A zip written field by field, so that it can lie: each entry is (name, stored bytes,
    method, declared uncompressed size, crc, flag bits)."""
    body = bytearray()
    central = bytearray()
    for name, data, method, size, crc, flags in entries:
        encoded = name.encode()
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x21, crc, len(data), size,
                            len(encoded), 0) + encoded + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, method, 0, 0x21, crc,
                               len(data), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(body), 0)
    path.write_bytes(bytes(body + central + end))
    return path


def deflate_zeros(megabytes: int) -> bytes:
    """A raw deflate stream of ``megabytes`` MB of zeros, about 1 KB a megabyte: one flushed
    block compressed once and repeated (no reference crosses a full flush)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b"\0" * MB) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * megabytes + b"\x03\x00"  # an empty final block ends the stream


def _deflated(text: str) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(text.encode()) + compressor.flush()


def _entry(name: str, text: str, flags: int = 0, method: int = 8) -> tuple[str, bytes, int, int, int, int]:
    data = text.encode()
    return name, _deflated(text) if method == 8 else data, method, len(data), zlib.crc32(data), flags


def docx(path: Path, document: str = DOCUMENT) -> Path:
    """A minimal Word file: the only part the reader reads."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", document)
    return path


def bomb_declared(path: Path, name: str = "word/document.xml", gigabytes: int = 3) -> Path:
    """A few KB that say they inflate to gigabytes (the header declares it, the data agrees
    for its first megabytes)."""
    return raw_zip(path, [(name, deflate_zeros(2), 8, gigabytes * 1024 * MB, 0, 0)])


def bomb_ratio(path: Path, name: str = "word/document.xml", megabytes: int = 150) -> Path:
    """About 150 KB that inflate to 150 MB (both declared and actual): within the size limit,
    beyond the ratio limit."""
    zeros = b"\0" * MB
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    return raw_zip(path, [(name, deflate_zeros(megabytes), 8, megabytes * MB, crc, 0)])


def bomb_lying(path: Path, name: str = "word/document.xml", megabytes: int = 1024) -> Path:
    """A part that declares 2 KB and inflates to a gigabyte (about 1 MB of data)."""
    return raw_zip(path, [(name, deflate_zeros(megabytes), 8, 2048, 0, 0)])


def encrypted_entry(path: Path) -> Path:
    """A .docx whose main part carries the 'encrypted' flag (zipfile: RuntimeError)."""
    return raw_zip(path, [_entry("word/document.xml", DOCUMENT, flags=0x1)])


def unsupported_compression(path: Path, method: int = 9) -> Path:
    """A .docx whose main part is compressed with Deflate64 (zipfile: NotImplementedError)."""
    name, data, _, size, crc, flags = _entry("word/document.xml", DOCUMENT, method=0)
    return raw_zip(path, [(name, data, method, size, crc, flags)])


def xxe_docx(path: Path) -> Path:
    """A .docx whose main part declares an external entity and uses it."""
    xml = DOCUMENT.replace("<w:document", '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                           "<w:document", 1).replace("TEXT", "&xxe;")
    return docx(path, xml)


BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";" if i > 1 else "&lol;") * 10}">'
                            for i in range(1, 10))
                  + "]>")


def with_dtd(source: Path, path: Path, part: str, dtd: str = BILLION_LAUGHS, use: str = "&lol9;") -> Path:
    """A copy of a zip package with a DTD put before the root element of one part (and, for
    a shared-strings or sheet part, an entity reference in its first text)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == part:
                text = data.decode()
                start = text.index("<", text.index("?>") + 2) if text.startswith("<?xml") else 0
                text = text[:start] + dtd + text[start:]
                text = text.replace("<t>", f"<t>{use}", 1)
                data = text.encode()
            copy.writestr(info.filename, data)
    return path


def encrypted_ole(path: Path) -> Path:
    """What Word and Excel write for a file saved with a password: an OLE compound file whose
    directory names an EncryptionInfo and an EncryptedPackage stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    directory = b"".join(name.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64
                         for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    path.write_bytes(header + directory + os.urandom(2048))
    return path


def fifo(path: Path) -> Path:
    """A named pipe: opening it for reading waits for a writer that never comes."""
    os.mkfifo(path)
    return path


def sparse(path: Path, megabytes: int) -> Path:
    """A file of that size that takes no disk space and no time to make."""
    with path.open("wb") as handle:
        handle.truncate(megabytes * MB)
    return path


def with_bomb(source: Path, path: Path, part: str, megabytes: int = 1024, declared: int = 2048) -> Path:
    """A copy of a zip package whose ``part`` declares ``declared`` bytes and inflates to
    ``megabytes`` MB of zeros (the other parts stored as they are)."""
    entries = []
    with zipfile.ZipFile(source) as original:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == part:
                entries.append((part, deflate_zeros(megabytes), 8, declared, zlib.crc32(data), 0))
            else:
                entries.append((info.filename, data, 0, len(data), zlib.crc32(data), 0))
    return raw_zip(path, entries)


def encrypted_doc(path: Path) -> Path:
    """A Word 97–2003 file saved with a password: its FIB (at the start of the WordDocument
    stream, the first sector) has wIdent 0xA5EC and the fEncrypted bit set."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    fib = b"\xec\xa5" + b"\xc1\x00" + b"\0" * 6 + struct.pack("<H", 0x0100)
    path.write_bytes(header + fib + os.urandom(4096))
    return path


def ruled_pdf(path: Path, lines: int, password: bool = False) -> Path:
    """A one-page PDF with a little text and a grid of ``lines`` horizontal and ``lines``
    vertical ruling lines (``lines`` squared cells for the table finder); with ``password``
    it says it is encrypted (the standard handler) with a password that is not empty."""
    step, end = 5, 50 + 5 * lines  # 5 points apart: lines closer than the snap would merge
    rules = "".join(f"50 {50 + i * step} m {end} {50 + i * step} l S "
                    f"{50 + i * step} 50 m {50 + i * step} {end} l S " for i in range(lines + 1))
    size = end + 100
    content = f"0.1 w {rules}BT /F1 12 Tf 60 {end + 20} Td (2021) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R " % (size, size + 50)
        + b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if password:  # O and U made of anything: no empty password opens it
        objects.append(b"<< /Filter /Standard /V 1 /R 2 /P -4 /O <%s> /U <%s> >>" % (b"ab" * 32, b"cd" * 32))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    secret = b" /Encrypt 6 0 R /ID [<%s> <%s>]" % (b"01" * 16, b"01" * 16) if password else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, secret)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    path.write_bytes(bytes(out))
    return path


def many_parts(path: Path, parts: int) -> Path:
    """A .docx of that many parts, all empty but the main one (zipfile builds an object for
    each when it reads the directory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", DOCUMENT)
        for number in range(parts - 1):
            archive.writestr(zipfile.ZipInfo(f"p{number}"), b"")
    return path


def nested_docx(path: Path, depth: int = 300) -> Path:
    """A .docx whose table holds a table holding a table … ``depth`` levels deep."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    tables = "<w:tbl><w:tr><w:tc>" * depth + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * depth
    return docx(path, f"<w:document {w}><w:body>{tables}</w:body></w:document>")


def unix_socket(path: Path) -> Path:
    """A Unix domain socket bound at ``path`` (left bound: the file stays)."""
    import socket

    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.close()
    return path
