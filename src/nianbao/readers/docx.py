"""Word (.docx): paragraphs and tables in body order, merged cells expanded from the XML.

python-docx's XML vocabulary (``qn``) names the elements; the main part is parsed directly.

python-docx's ``row.cells`` gives ragged rows when a row starts late or ends early
(``w:gridBefore``/``w:gridAfter``) and hides vertical merges; the grid is therefore built
from ``w:tc`` elements directly: ``w:gridSpan`` spans columns, ``w:vMerge`` continues the
cell above. Text boxes are not part of the flow: their text is kept as skipped content.
"""

from __future__ import annotations

from docx.oxml.ns import qn
from lxml import etree

from .. import limits
from ..document import Block, Document, Grid, GridCell, Paragraph
from ..errors import UnreadableInput
from ..files import open_package

__all__ = ["read_docx"]

_P, _TBL, _TR, _TC, _SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_TXBX = qn("w:txbxContent")
_TR_PR, _TC_PR, _GRID_BEFORE, _GRID_AFTER = qn("w:trPr"), qn("w:tcPr"), qn("w:gridBefore"), qn("w:gridAfter")
_GRID_SPAN, _V_MERGE, _VAL = qn("w:gridSpan"), qn("w:vMerge"), qn("w:val")
# Hardened: no entities resolved, nothing fetched, libxml2's limits on depth and text kept
# (a part with a DTD never gets here: the package refuses it).
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
_WIDEST = 1000  # columns: gridSpan and gridBefore beyond this are damage, not a table


def _val(el: etree._Element | None, default: int = 0) -> int:
    if el is None:
        return default
    try:
        return max(0, min(int(el.get(_VAL)), _WIDEST))
    except (TypeError, ValueError):
        return default


def _paragraph_text(p: etree._Element) -> str:
    """A paragraph's text; runs inside text boxes are not part of it."""
    parts = []
    for el in p.iter(_T, _TAB, _BR, _CR, _TXBX):
        tag = el.tag
        if tag == _T:
            parts.append(el.text or "")
        elif tag == _TXBX:
            return _boxed_paragraph_text(p)
        else:
            parts.append("\t" if tag == _TAB else "\n")
    return "".join(parts)


def _boxed_paragraph_text(p: etree._Element) -> str:
    """The text of a paragraph that holds a text box, without the box's text."""
    return "".join(
        (el.text or "" if el.tag == _T else ("\t" if el.tag == _TAB else "\n"))
        for el in p.iter(_T, _TAB, _BR, _CR)
        if not _in_text_box(el, p)
    )


def _in_text_box(el: etree._Element, paragraph: etree._Element) -> bool:
    """True when ``el`` sits in a text box inside ``paragraph`` (not beside its runs)."""
    for ancestor in el.iterancestors():
        if ancestor is paragraph:
            return False
        if ancestor.tag == _TXBX:
            return True
    return False


def _blocks(parent: etree._Element) -> list[etree._Element]:
    """Block-level children (paragraphs and tables), looking through content controls."""
    result = []
    for child in parent:
        if child.tag in (_P, _TBL):
            result.append(child)
        elif child.tag == _SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                result.extend(_blocks(content))
    return result


def _cell_text(tc: etree._Element) -> str:
    blocks = _blocks(tc) if next(tc.iterchildren(_SDT), None) is not None else tc.iterchildren(_P, _TBL)
    lines = []
    for block in blocks:
        if block.tag == _P:
            line = _paragraph_text(block).strip()
            if line:
                lines.append(line)
        else:  # a nested table: its text, cell by cell
            for tr in block.iter(_TR):
                line = " ".join(_cell_text(c) for c in tr.iterchildren(_TC)).strip()
                if line:
                    lines.append(line)
    return "\n".join(lines)


def _grid(tbl: etree._Element, number: int, source: str) -> Grid:
    placed: dict[tuple[int, int], GridCell] = {}
    width = 0
    rows = [tr for tr in tbl if tr.tag == _TR]
    limit = limits.current().table_cells
    for r, tr in enumerate(rows):
        tr_pr = next(tr.iterchildren(_TR_PR), None)
        c = _val(next(tr_pr.iterchildren(_GRID_BEFORE), None) if tr_pr is not None else None)
        for tc in tr.iterchildren(_TC):
            tc_pr = next(tc.iterchildren(_TC_PR), None)
            span = max(1, _val(next(tc_pr.iterchildren(_GRID_SPAN), None) if tc_pr is not None else None, 1))
            vmerge = next(tc_pr.iterchildren(_V_MERGE), None) if tc_pr is not None else None
            above = placed.get((r - 1, c))
            if vmerge is not None and vmerge.get(_VAL, "continue") == "continue" and above:
                cell = above
            else:
                cell = GridCell(_cell_text(tc), f"表格{number}第{r + 1}行第{c + 1}列", (r, c))
            for dc in range(span):
                placed[(r, c + dc)] = cell
            c += span
        after = next(tr_pr.iterchildren(_GRID_AFTER), None) if tr_pr is not None else None
        width = max(width, c + _val(after))
        if width * len(rows) > limit:
            raise UnreadableInput(source, limits.table_too_large(number, len(rows), width))
    grid_rows = tuple(
        tuple(placed.get((r, c)) or GridCell("", f"表格{number}第{r + 1}行第{c + 1}列", (r, c))
              for c in range(width))
        for r in range(len(rows))
    )
    return Grid(grid_rows, f"表格{number}")


def read_docx(data: bytes, source: str) -> Document:
    """Paragraphs and table grids of a Word document (its bytes, read once), in reading order."""
    # The main part only, parsed as plain XML: opening the whole package with python-docx
    # (styles, numbering, settings, its own element classes) costs more than the reading.
    with open_package(data, source) as package:
        try:
            # Word's markup takes about 20 bytes a character: a main part beyond that is a
            # book, and lxml would need ten times its size in memory
            if package.parts["word/document.xml"].file_size > 20 * limits.current().text_chars:
                raise UnreadableInput(source, limits.too_long())
            xml = package.read("word/document.xml")
        except KeyError:
            reason = "Word 文件已损坏或不是 .docx（缺少正文部件 word/document.xml），无法打开"
            raise UnreadableInput(source, reason) from None
    try:
        body = etree.fromstring(xml, _PARSER).find(qn("w:body"))
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():  # libxml2 stops at 256 levels (huge_tree off)
            reason = "Word 文件的表格或段落嵌套过深（超过 256 层），不像是年报"
            raise UnreadableInput(source, reason) from None
        raise UnreadableInput(source, "Word 文件已损坏（正文的 XML 不完整或有错），无法打开") from None
    except ValueError:
        raise UnreadableInput(source, "Word 文件已损坏（正文的 XML 不完整或有错），无法打开") from None
    if body is None:
        raise UnreadableInput(source, "Word 文件已损坏（正文部件里没有正文），无法打开")
    limits.check_time(source)
    blocks: list[Block] = []
    skipped: list[tuple[str, str]] = []
    paragraphs = tables = 0
    for block in _blocks(body):
        if block.tag == _TBL:
            tables += 1
            blocks.append(_grid(block, tables, source))
            limits.check_time(source)
            continue
        paragraphs += 1
        where = f"第{paragraphs}段"
        for box in block.iter(_TXBX):
            text = " ".join(_paragraph_text(p).strip() for p in box.iter(_P)).strip()
            if text:
                skipped.append((f"{where}（文本框）", text))
        for line in _paragraph_text(block).split("\n"):
            if line.strip():
                blocks.append(Paragraph(line.strip(), where))
    return Document(source=source, blocks=tuple(blocks), skipped=tuple(skipped))
