"""PDF with a text layer: ruled tables to grids, text lines to paragraphs.

Characters, ruling lines and images are read with pypdfium2 (PDFium, which pdfplumber also
ships with), about thirty times faster than pdfminer's interpreter; the ruling lines then go
through pdfplumber's own table geometry (edges → intersections → cells → tables). Merged
cells are exact: a cell covers the grid columns and rows its borders span.

A table split across pages is joined back here, into one grid: a table that runs to the
bottom of a page (nothing after it but page furniture: page numbers "- 4 -", 续表, running
headers and footers, which are dropped) continues in the next page's first table when the
two have the same left and right edges. Header rows the next page repeats are read once; a
row the page break cut (its label's last lines at the top of the next page, no numbers
there) is joined back into one row, cell by cell. Narrow merged cells print their label one
character per line ("三、\\n本\\n年\\n度…"); the label normalisation removes the line
breaks. A PDF without a text layer (a scan) is refused: it needs OCR first.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field

from .. import limits
from ..document import Block, Document, Grid, GridCell, Paragraph
from ..errors import UnreadableInput
from ..numbers import is_value_text
from ..spec import load_spec

__all__ = ["read_pdf"]

_SPEC = load_spec()
_PAGE_NUMBER = re.compile(_SPEC.document_patterns["pdf_page_number_pattern"])
_NUMERALS = _SPEC.numbering.digits + _SPEC.numbering.ten
_HEADING = re.compile(rf"^\s*([{_NUMERALS}]+、|[（(][{_NUMERALS}]+[）)]|\d+[.．、])")
_CONTINUED = re.compile(_SPEC.document_patterns["continued_pattern"])
_NUMBERED = _HEADING
_BAND = 0.07  # the top and bottom 7 % of a page: running headers and footers, not body text
_END = ("。", "！", "？", "：", ":", "；", "”")
_SNAP = 3.0  # points: ruling lines this close are one line
_PADDING = 8.0  # points: a cell's inner margin, at most (Word 0.19 cm, LibreOffice 0.1 cm)


@dataclass(frozen=True, slots=True)
class _Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    cx: float
    cy: float  # the middle of the glyph's line box (font ascent to descent), not of its ink
    line_top: float
    line_bottom: float


@dataclass
class _Line:
    chars: list[_Char]

    @property
    def text(self) -> str:
        return "".join(c.text for c in sorted(self.chars, key=lambda c: c.x0))

    @property
    def x0(self) -> float:
        return min(c.x0 for c in self.chars)

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)

    @property
    def top(self) -> float:
        return min(c.top for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.chars)


def _lines(chars: list[_Char]) -> list[_Line]:
    """Characters grouped into text lines, top to bottom, by their font line boxes: the ink
    is no guide (a comma sits low, a curly quote high, both on their neighbours' line)."""
    lines: list[_Line] = []
    span = [0.0, 0.0]
    for ch in sorted(chars, key=lambda c: (c.cy, c.x0)):
        overlap = min(span[1], ch.line_bottom) - max(span[0], ch.line_top)
        if lines and overlap > 0.5 * (ch.line_bottom - ch.line_top):
            lines[-1].chars.append(ch)
            continue
        lines.append(_Line([ch]))
        span = [ch.line_top, ch.line_bottom]
    return lines


def _page_content(page, raw) -> tuple[list[_Char], list[dict], int]:
    """Visible characters (top-left origin), ruling-line edges, and the number of images.

    Uses PDFium's C API directly: wrapping each page object in a Python helper costs more
    than reading it."""
    _, height = page.get_size()
    textpage = page.get_textpage()
    chars = []
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    loose = raw.FS_RECTF()
    for i in range(raw.FPDFText_CountChars(textpage.raw)):
        code = raw.FPDFText_GetUnicode(textpage.raw, i)
        if code in (0, 0xFFFE, 0xFFFF) or chr(code).isspace():
            continue
        raw.FPDFText_GetCharBox(textpage.raw, i, left, right, bottom, top)
        if right.value <= left.value:
            continue
        raw.FPDFText_GetLooseCharBox(textpage.raw, i, loose)
        y0, y1 = height - top.value, height - bottom.value
        l0, l1 = height - loose.top, height - loose.bottom
        if l1 - l0 < 1:  # no font metrics: the ink box stands in
            l0, l1 = y0, y1
        chars.append(_Char(chr(code), left.value, y0, right.value, y1,
                           (left.value + right.value) / 2, (l0 + l1) / 2, l0, l1))
    edges: list[dict] = []
    images = 0
    x, y = ctypes.c_float(), ctypes.c_float()
    m = raw.FS_MATRIX()
    for n in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, n)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            images += 1
        if kind != raw.FPDF_PAGEOBJ_PATH:
            continue
        raw.FPDFPageObj_GetMatrix(obj, m)
        points: list[tuple[float, float]] = []
        start: tuple[float, float] | None = None
        for k in range(raw.FPDFPath_CountSegments(obj)):
            segment = raw.FPDFPath_GetPathSegment(obj, k)
            raw.FPDFPathSegment_GetPoint(segment, x, y)
            point = (m.a * x.value + m.c * y.value + m.e, height - (m.b * x.value + m.d * y.value + m.f))
            segment_kind = raw.FPDFPathSegment_GetType(segment)
            if segment_kind == raw.FPDF_SEGMENT_MOVETO:
                start = point
            elif segment_kind == raw.FPDF_SEGMENT_LINETO and points:
                _edge(edges, points[-1], point)
            points.append(point)
            if raw.FPDFPathSegment_GetClose(segment) and start is not None:
                _edge(edges, point, start)
    textpage.close()
    return chars, edges, images


def _edge(edges: list[dict], a: tuple[float, float], b: tuple[float, float]) -> None:
    (x0, y0), (x1, y1) = a, b
    if abs(y1 - y0) < 1 and abs(x1 - x0) >= 3:
        top = (y0 + y1) / 2
        edges.append({"x0": min(x0, x1), "x1": max(x0, x1), "top": top, "bottom": top,
                      "width": abs(x1 - x0), "height": 0, "orientation": "h", "object_type": "line"})
    elif abs(x1 - x0) < 1 and abs(y1 - y0) >= 3:
        left = (x0 + x1) / 2
        edges.append({"x0": left, "x1": left, "top": min(y0, y1), "bottom": max(y0, y1),
                      "width": 0, "height": abs(y1 - y0), "orientation": "v", "object_type": "line"})


def _tables(edges: list[dict], source: str = "",
            page: int = 0) -> list[list[tuple[float, float, float, float]]]:
    """Cell boxes of each ruled table, by pdfplumber's table geometry; UnreadableInput when
    the page's rules cross more often than the limit (the finder's time grows with the
    square of the crossings)."""
    from pdfplumber.table import (
        cells_to_tables,
        edges_to_intersections,
        intersections_to_cells,
        merge_edges,
    )

    if not edges:
        return []
    merged = merge_edges(edges, _SNAP, _SNAP, _SNAP, _SNAP)
    across = sum(1 for edge in merged if edge["orientation"] == "h")
    down = len(merged) - across
    most = limits.current().pdf_grid
    if across * down > most:
        raise UnreadableInput(source, f"PDF 第{page}页的表格线过多（{across} 条横线、{down} 条竖线，交叉超过 "
                                      f"{most} 处，{limits.override_hint('pdf_grid')}），不像是年报的表格")
    return cells_to_tables(intersections_to_cells(edges_to_intersections(merged, _SNAP, _SNAP)))


def _cluster(values: list[float]) -> list[float]:
    result: list[float] = []
    for v in sorted(values):
        if not result or v - result[-1] > _SNAP:
            result.append(v)
    return result


def _index(bounds: list[float], value: float) -> int:
    return min(range(len(bounds)), key=lambda i: abs(bounds[i] - value))


Box = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass
class _Part:
    """A ruled table on one page, or several such parts joined: its cells' boxes (in the
    coordinates of the first part's page, the later parts stacked below it), their text, and
    where each was printed."""

    boxes: list[Box]
    texts: dict[Box, str]
    wheres: dict[Box, str]
    where: str
    wrapped: set[Box] = field(default_factory=set)  # cells whose last line runs to the right edge

    @property
    def x0(self) -> float:
        return min(b[0] for b in self.boxes)

    @property
    def x1(self) -> float:
        return max(b[2] for b in self.boxes)

    @property
    def top(self) -> float:
        return min(b[1] for b in self.boxes)

    @property
    def bottom(self) -> float:
        return max(b[3] for b in self.boxes)


def _anchor(ch: _Char) -> float:
    """Where a character stands for the cell it belongs to: a quarter down its line box, so
    that text overflowing a cell's bottom edge (a centred label in the piece of a merged cell
    the page break cut) stays in its cell."""
    return ch.line_top + (ch.line_bottom - ch.line_top) / 4


def _part(cells: list[Box], chars: list[_Char], page: int, number: int) -> _Part:
    """The text of each cell box of one page's table."""
    xs = _cluster([c[0] for c in cells] + [c[2] for c in cells])
    ys = _cluster([c[1] for c in cells] + [c[3] for c in cells])
    contents: dict[Box, list[_Char]] = {c: [] for c in cells}
    x0, y0, x1, y1 = xs[0], ys[0], xs[-1], ys[-1]
    for ch in chars:
        y = _anchor(ch)
        if not (x0 <= ch.cx <= x1 and y0 <= y <= y1):
            continue
        for box in cells:
            if box[0] <= ch.cx <= box[2] and box[1] <= y <= box[3]:
                contents[box].append(ch)
                break
    texts, wheres, wrapped = {}, {}, set()
    for box in cells:
        lines = _lines(contents[box])
        texts[box] = "\n".join(line.text for line in lines)
        wheres[box] = f"第{page}页表格{number}第{_index(ys, box[1]) + 1}行第{_index(xs, box[0]) + 1}列"
        if lines:
            last = max(lines, key=lambda line: line.top)
            glyph = max(c.x1 - c.x0 for c in last.chars)
            if box[2] - last.x1 < glyph + _PADDING:  # no room for one more character
                wrapped.add(box)
    return _Part(list(cells), texts, wheres, f"第{page}页表格{number}", wrapped)


def _grid(part: _Part) -> Grid:
    cells = part.boxes
    xs = _cluster([c[0] for c in cells] + [c[2] for c in cells])
    ys = _cluster([c[1] for c in cells] + [c[3] for c in cells])
    width, height = len(xs) - 1, len(ys) - 1
    placed: dict[tuple[int, int], GridCell] = {}
    for box in sorted(cells, key=lambda b: (b[1], b[0])):
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        r0, r1 = _index(ys, box[1]), _index(ys, box[3])
        cell = GridCell(part.texts[box], part.wheres[box], (r0, c0))
        for r in range(r0, max(r1, r0 + 1)):
            for c in range(c0, max(c1, c0 + 1)):
                placed.setdefault((r, c), cell)
    rows = tuple(
        tuple(placed.get((r, c)) or GridCell("", f"{part.where}第{r + 1}行第{c + 1}列", (r, c))
              for c in range(width))
        for r in range(height)
    )
    return Grid(rows, part.where)


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= _SNAP


def _continues(upper: _Part, lower: _Part) -> bool:
    """The next page's first table continues this page's last one (the page break leaves
    nothing but page furniture between them): the same right edge, and the same left edge or
    one of this part's column edges (the next page may start with a row whose first cell was
    deleted, w:gridBefore)."""
    edges = _cluster([b[0] for b in upper.boxes] + [b[2] for b in upper.boxes])
    return _near(upper.x1, lower.x1) and any(_near(lower.x0, e) for e in edges[:-1])


def _repeated_header(upper: _Part, lower: _Part) -> set[Box]:
    """The boxes of ``lower``'s first rows when they repeat ``upper``'s first rows (a header
    row repeated on every page, Word's 重复标题行): the same cells, the same text."""
    ys = _cluster([b[1] for b in lower.boxes] + [b[3] for b in lower.boxes])
    top_u, top_l = upper.top, lower.top
    shape_u = {(round(b[0]), round(b[2]), round(b[1] - top_u), round(b[3] - top_u), upper.texts[b])
               for b in upper.boxes}
    repeated: set[Box] = set()
    for k in range(1, len(ys) - 1):
        block = [b for b in lower.boxes if b[3] <= ys[k] + _SNAP]
        if any(b[1] < ys[k] - _SNAP and b[3] > ys[k] + _SNAP for b in lower.boxes):
            continue  # a cell crosses this line: not a row boundary
        shape = {(round(b[0]), round(b[2]), round(b[1] - top_l), round(b[3] - top_l), lower.texts[b])
                 for b in block}
        if not all(any(_same(s, u) for u in shape_u) for s in shape):
            break
        repeated = set(block)
    return repeated


def _same(a: tuple, b: tuple) -> bool:
    return a[4] == b[4] and all(abs(x - y) <= _SNAP for x, y in zip(a[:4], b[:4], strict=True))


def _has_number(text: str) -> bool:
    return bool(text.strip()) and is_value_text(text)


def _split_row(upper: _Part, lower: _Part) -> dict[Box, Box] | None:
    """When the page broke inside a row, the row's last lines stand at the top of the next
    page: each cell of that first row continues the cell above it (the same column edges), it
    holds no number (the numbers stand on the first line: those of a row that starts on this
    page would be here), it does not start a numbered label, and some text of it runs on from
    a cell above whose last line was full (the text wrapped there). Returns the first row's
    boxes mapped to the boxes they continue."""
    bottom, top = upper.bottom, lower.top
    last = [b for b in upper.boxes if _near(b[3], bottom)]
    first = [b for b in lower.boxes if _near(b[1], top)]
    pairs: dict[Box, Box] = {}
    for b in first:
        above = [a for a in last if _near(a[0], b[0]) and _near(a[2], b[2])]
        if len(above) != 1:
            return None
        pairs[b] = above[0]
    if len(pairs) != len(last) or len(set(pairs.values())) != len(last):
        return None
    texts = [lower.texts[b] for b in first]
    if any(_has_number(t) for t in texts) or any(_NUMBERED.match(t) for t in texts):
        return None
    if not any(lower.texts[b].strip() and pairs[b] in upper.wrapped for b in first):
        return None  # no text runs on from a full line above: a row of its own (blank values)
    return pairs


def _cut_cells(upper: _Part, lower: _Part) -> dict[Box, Box]:
    """The page broke between two rows, but inside a vertically merged cell (自然人 over two
    header rows, 三、本年度办理结果 down the side): its text runs on from a full line above into
    a cell of the same column edges at the top of the next page, text that is neither a
    number nor a numbered label, nor the label of a row of values. Returns those boxes
    mapped to the boxes they continue."""
    bottom, top = upper.bottom, lower.top
    last = [b for b in upper.boxes if _near(b[3], bottom) and b in upper.wrapped]
    first = sorted((b for b in lower.boxes if _near(b[1], top)), key=lambda b: b[0])
    labels = [i for i, b in enumerate(first) if not is_value_text(lower.texts[b])]
    if labels and labels[-1] < len(first) - 1:
        first.pop(labels[-1])  # a data row's own label (values after it) starts a row: not cut
    pairs = {}
    for b in first:
        text = lower.texts[b]
        if not text.strip() or _has_number(text) or _NUMBERED.match(text):
            continue
        above = [a for a in last if _near(a[0], b[0]) and _near(a[2], b[2])]
        if len(above) == 1:
            pairs[b] = above[0]
    return pairs


def _join(upper: _Part, lower: _Part) -> _Part:
    """``lower`` (the next page's part) stacked under ``upper``: its repeated header rows
    dropped, a row broken by the page joined back into one, a merged cell broken by it too."""
    repeated = _repeated_header(upper, lower)
    if repeated and len(repeated) < len(lower.boxes):
        kept = [b for b in lower.boxes if b not in repeated]
        lower = _Part(kept, lower.texts, lower.wheres, lower.where, lower.wrapped)
    dy = upper.bottom - lower.top
    pairs = _split_row(upper, lower) or _cut_cells(upper, lower)
    boxes = [b for b in upper.boxes if b not in pairs.values()]
    texts, wheres, wrapped = dict(upper.texts), dict(upper.wheres), set(upper.wrapped)
    for b in lower.boxes:
        shifted = (b[0], b[1] + dy, b[2], b[3] + dy)
        if b in pairs:
            a = pairs[b]
            shifted = (a[0], a[1], a[2], b[3] + dy)
            head, tail = upper.texts[a], lower.texts[b]
            texts[shifted] = f"{head}\n{tail}" if head and tail else head or tail
            wheres[shifted] = upper.wheres[a]
            if b in lower.wrapped or (a in upper.wrapped and not tail):
                wrapped.add(shifted)
        else:
            texts[shifted], wheres[shifted] = lower.texts[b], lower.wheres[b]
            if b in lower.wrapped:
                wrapped.add(shifted)
        boxes.append(shifted)
    return _Part(boxes, texts, wheres, upper.where, wrapped)


def _paragraphs(lines: list[_Line], page: int, left: float, right: float, carry: list[str] | None,
                tables_from: float) -> tuple[list[tuple[float, Paragraph]], list[str] | None]:
    """Text lines joined into paragraphs: a new one after a line that ends a sentence or
    stops short, and at an indented line or a numbered heading. ``carry`` is a paragraph
    left open at the end of the previous page; the last one here stays open for the next
    page only when it stands below every table of this page (``tables_from``: the lowest
    table's top)."""
    result: list[tuple[float, Paragraph]] = []
    current: list[str] = carry or []
    start = 0.0
    previous: _Line | None = None
    open_from_before = bool(carry)
    for line in lines:
        text = line.text.strip()
        if not text or _PAGE_NUMBER.match(text):
            continue
        new = (previous is None and not open_from_before) or (
            line.x0 - left > 14 or _HEADING.match(text)
            or (previous is not None and (previous.text.rstrip().endswith(_END) or previous.x1 < right - 30))
        )
        if new and current:
            result.append((start, Paragraph("".join(current), f"第{page}页")))
            current = []
        if not current:
            start = line.top
        current.append(text)
        previous = line
        open_from_before = False
    if current and previous is not None and not previous.text.rstrip().endswith(_END) \
            and previous.x1 >= right - 30 and previous.top > tables_from:
        return result, current  # continues on the next page
    if current:
        result.append((start, Paragraph("".join(current), f"第{page}页")))
    return result, None


def _furniture(pages: list[tuple[list[_Line], float]]) -> set[int]:
    """Page furniture among the text lines outside tables, by ``id``: page numbers, 续表, and
    running headers and footers (a line in the top or bottom band of the page, not a
    sentence, whose text, numbers aside, is printed on more than one page). It is not text
    of the report, and a table continues across it."""
    furniture: set[int] = set()
    in_band: list[tuple[_Line, str]] = []
    for lines, height in pages:
        for line in lines:
            text = line.text.strip()
            if _PAGE_NUMBER.match(text) or _CONTINUED.match(text):
                furniture.add(id(line))
            elif (line.bottom < height * _BAND or line.top > height * (1 - _BAND)) \
                    and not text.endswith(_END):  # a sentence is body text
                in_band.append((line, re.sub(r"\d+", "#", text)))
    seen: dict[str, int] = {}
    for _, key in in_band:
        seen[key] = seen.get(key, 0) + 1
    furniture.update(id(line) for line, key in in_band if seen[key] > 1)
    return furniture


def _stitch(pages: list[tuple[list[_Part], list[_Line]]], furniture: set[int]) -> None:
    """Join, in place, each table that runs off the bottom of a page with its continuation
    at the top of the next page (only page furniture between them): one table, read once."""
    open_: tuple[list[_Part], int] | None = None  # the list holding it, and its index there
    for parts, lines in pages:
        content = [line for line in lines if id(line) not in furniture]
        if open_ is not None and parts:
            owner, i = open_
            first = min(parts, key=lambda part: part.top)
            if not any(line.top < first.top for line in content) and _continues(owner[i], first):
                owner[i] = _join(owner[i], first)
                last = max(parts, key=lambda part: part.bottom)
                parts.remove(first)
                if last is first and not any(line.top > first.bottom - _SNAP for line in content):
                    continue  # the table fills this page too: it may go on
        open_ = None
        if parts:
            last = max(parts, key=lambda part: part.bottom)
            if not any(line.top > last.bottom - _SNAP for line in content):
                open_ = (parts, parts.index(last))


def read_pdf(data: bytes, source: str) -> Document:
    """Paragraphs and table grids of a PDF with a text layer (its bytes, read once), in
    reading order."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            reason = "PDF 文件已加密（设置了打开密码），请去掉密码后另存再转换"
            raise UnreadableInput(source, reason) from None
        raise UnreadableInput(source, "PDF 文件已损坏，无法打开") from None
    blocks: list[Block] = []
    skipped: list[tuple[str, str]] = []
    pages = []
    try:
        count, most = len(pdf), limits.current().pdf_pages
        if count > most:
            raise UnreadableInput(source, f"PDF 页数过多（{count} 页，上限 {most} 页，"
                                          f"{limits.override_hint('pdf_pages')}），不像是一份年报")
        for number in range(count):
            try:
                page = pdf[number]
            except pdfium.PdfiumError:
                reason = f"PDF 文件已损坏（第{number + 1}页无法读取），无法打开"
                raise UnreadableInput(source, reason) from None
            pages.append((*_page_content(page, raw), page.get_size()[1]))
            limits.check_time(source)
    finally:
        pdf.close()
    if not any(chars for chars, _, _, _ in pages):
        raise UnreadableInput(source, "这是扫描版 PDF（没有文字层），需要先做 OCR 文字识别后再转换")
    tables_seen = 0
    laid_out: list[tuple[list[_Part], list[_Line]]] = []
    for number, (chars, edges, _, _) in enumerate(pages, start=1):
        parts = []
        for cells in _tables(edges, source, number):
            if len(_cluster([c[0] for c in cells] + [c[2] for c in cells])) < 3:
                continue  # a framed paragraph, not a table: read as text
            tables_seen += 1
            parts.append(_part(cells, chars, number, tables_seen))
        extents = [(part.x0, part.top, part.x1, part.bottom) for part in parts]
        outside = [ch for ch in chars
                   if not any(b[0] <= ch.cx <= b[2] and b[1] <= _anchor(ch) <= b[3] for b in extents)]
        laid_out.append((parts, _lines(outside)))
    heights = [page[3] for page in pages]
    furniture = _furniture([(lines, h) for (_, lines), h in zip(laid_out, heights, strict=True)])
    _stitch(laid_out, furniture)
    carry: list[str] | None = None
    for number, ((parts, lines), (_, _, images, _)) in enumerate(zip(laid_out, pages, strict=True), start=1):
        items: list[tuple[float, Block]] = [(part.top, _grid(part)) for part in parts]
        lines = [line for line in lines if id(line) not in furniture]
        if lines:
            left = min(line.x0 for line in lines)
            right = max(line.x1 for line in lines)
            tables_from = max((part.top for part in parts), default=float("-inf"))
            paragraphs, carry = _paragraphs(lines, number, left, right, carry, tables_from)
            items.extend(paragraphs)
        if images:
            skipped.append((f"第{number}页", f"[图片 {images} 幅]"))
        items.sort(key=lambda item: item[0])
        blocks.extend(block for _, block in items)
    if carry:
        blocks.append(Paragraph("".join(carry), f"第{len(pages)}页"))
    return Document(source=source, blocks=tuple(blocks), skipped=tuple(skipped))
