"""PDF, .doc and .rtf made from the generated .docx by LibreOffice, as agencies export them,
and the text poppler's ``pdftotext`` prints from such a PDF.

Needed only at generation time; each conversion uses its own LibreOffice profile."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def convert(docx: bytes, target: str, profile: int, source: str = "docx") -> bytes:
    """``docx`` converted to ``target`` ("pdf", "doc" or "rtf") by ``soffice --headless``;
    ``source`` "html": a web page printed to PDF by LibreOffice Writer."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("generating pdf/doc/rtf cases needs LibreOffice (soffice) on the PATH")
    with tempfile.TemporaryDirectory(prefix="corpus-lo-") as tmp:
        work = Path(tmp)
        (work / f"report.{source}").write_bytes(docx)
        filter_ = f"{target}:writer_pdf_Export" if source == "html" else target
        command = [
            soffice, f"-env:UserInstallation=file:///tmp/lo-profile-{profile}", "--headless",
            "--norestore", "--convert-to", filter_, "--outdir", str(work / "out"),
            str(work / f"report.{source}"),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=300)
        return (work / "out" / f"report.{target}").read_bytes()


# Labels of table 三 that a correct PDF shows: LibreOffice has been seen to drop the rows of a
# vertically merged block that straddles a page break; such a PDF must not become a case.
_MUST_SHOW = ("上年结转政府信息公开申请数量", "予以公开", "属于国家秘密", "属于行政查询事项",
              "重复申请", "结转下年度继续办理")


def check_pdf(pdf: bytes) -> None:
    """Fail when the exported PDF lost table rows (see _MUST_SHOW)."""
    with tempfile.TemporaryDirectory(prefix="corpus-pdf-") as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True).stdout
    flat = "".join(text.decode("utf-8").split())
    missing = [label for label in _MUST_SHOW if label not in flat]
    if missing:
        raise SystemExit(f"LibreOffice's PDF lost table rows: {missing}")


def pdf_text(pdf: bytes, layout: bool) -> bytes:
    """What ``pdftotext [-layout] report.pdf`` writes (UTF-8, a form feed after every page)."""
    if shutil.which("pdftotext") is None:
        raise SystemExit("generating txtlayout cases needs poppler's pdftotext on the PATH")
    with tempfile.TemporaryDirectory(prefix="corpus-pdftext-") as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(pdf)
        command = ["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", str(path), "-"]
        return subprocess.run(command, check=True, capture_output=True).stdout
