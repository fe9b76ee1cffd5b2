"""Web pages as government CMSs publish them: paragraphs, and tables with rowspan/colspan.

The declared charset comes first (GB2312/GBK pages are common). Page chrome (navigation,
breadcrumbs, headers, footers, scripts) is kept out of the text.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from .. import limits
from ..decode import decode_text
from ..document import Block, Document, Grid, GridCell, Paragraph
from ..errors import UnreadableInput

__all__ = ["read_html"]

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_SKIP_TAGS = {"script", "style", "noscript", "iframe", "nav", "header", "footer", "form", "select",
              "button", "input", "textarea", "object", "embed", "svg", "head"}
_CHROME = re.compile(r"(^|[\s_-])(nav|navbar|menu|breadcrumb|crumbs?|footer|header|share|toolbar|"
                     r"location|position|sidebar|copyright|top-?bar|bottom)($|[\s_-])", re.I)
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
          "blockquote", "pre", "center", "dd", "dt", "dl", "tr", "caption", "body", "main", "address"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_LEGACY_ENCODINGS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030"}


def _decode(data: bytes) -> str:
    m = _CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii").lower()
        try:
            return data.decode(_LEGACY_ENCODINGS.get(declared, declared))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def _is_chrome(el: etree._Element) -> bool:
    marks = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("role"))))
    return bool(marks and _CHROME.search(marks))


def _cell_text(el: etree._Element) -> str:
    """A cell's text, line breaks kept where <br> and <p> put them."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if not isinstance(node.tag, str):
            return  # a comment or processing instruction: not text of the page (its tail is)
        tag = node.tag
        if tag in _SKIP_TAGS:
            return
        if tag == "br" or tag in _BLOCK:
            parts.append("\n")
        if node.text and tag not in _SKIP_TAGS:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in _BLOCK:
            parts.append("\n")

    if el.text:
        parts.append(el.text)
    for child in el:
        walk(child)
        if child.tail:
            parts.append(child.tail)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _span(el: etree._Element, name: str) -> int:
    try:
        return max(1, min(int(str(el.get(name, "1")).strip() or 1), 500))
    except ValueError:
        return 1


def _grid(table: etree._Element, number: int, source: str = "") -> Grid:
    """Expand rowspan/colspan: every covered position gets the cell, knowing its origin."""
    rows = [tr for tr in table.iter("tr") if _owner_table(tr) is table]
    placed: dict[tuple[int, int], GridCell] = {}
    width = 0
    limit = limits.current().table_cells
    for r, tr in enumerate(rows):
        c = 0
        for td in (x for x in tr if isinstance(x.tag, str) and x.tag in ("td", "th")):
            while (r, c) in placed:
                c += 1
            text = _cell_text(td)
            cell = GridCell(text, f"表格{number}第{r + 1}行第{c + 1}列", (r, c))
            rowspan, colspan = _span(td, "rowspan"), _span(td, "colspan")
            # checked before the spans are expanded: a few cells spanning 500 by 500 each
            # would otherwise fill memory
            tall, wide = max(len(rows), r + rowspan), max(width, c + colspan)
            if tall * wide > limit:
                raise UnreadableInput(source, limits.table_too_large(number, tall, wide))
            for dr in range(rowspan):
                for dc in range(colspan):
                    placed.setdefault((r + dr, c + dc), cell)
            c += colspan
            width = max(width, c)
    height = len(rows)
    grid_rows = []
    for r in range(height):
        row = []
        for c in range(width):
            row.append(placed.get((r, c)) or GridCell("", f"表格{number}第{r + 1}行第{c + 1}列", (r, c)))
        grid_rows.append(tuple(row))
    return Grid(tuple(grid_rows), f"表格{number}")


def _owner_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _page_head(root: etree._Element) -> tuple[tuple[str, str], ...]:
    """What the page says about itself: named <meta> tags (government CMSs print ArticleTitle,
    SiteName, ColumnName, ContentSource) and the <h1> headings outside the page chrome."""
    pairs = []
    for el in root.iter("meta"):
        name, content = el.get("name"), el.get("content")
        if name and content and content.strip():
            pairs.append((name.strip(), _SPACES.sub(" ", content).strip()))
    for el in root.iter("h1"):
        if _is_chrome(el) or any(_is_chrome(a) for a in el.iterancestors()):
            continue
        text = _SPACES.sub(" ", _cell_text(el).replace("\n", " ")).strip()
        if text:
            pairs.append(("h1", text))
    return tuple(pairs)


def read_html(data: bytes, source: str) -> Document:
    """Paragraphs and table grids of a web page, in reading order."""
    try:
        root = lxml.html.document_fromstring(_decode(data))
    except (etree.ParserError, ValueError):
        raise UnreadableInput(source, "无法解析网页（内容为空或不是 HTML）") from None
    except UnicodeDecodeError:
        raise UnreadableInput(source, "无法识别网页的文字编码") from None
    title_el = root.find(".//title")
    title = _cell_text(title_el) if title_el is not None else None
    blocks: list[Block] = []
    line: list[str] = []
    counter = {"paragraph": 0, "table": 0}

    def flush() -> None:
        text = _SPACES.sub(" ", "".join(line)).strip()
        line.clear()
        for piece in text.split("\n"):
            piece = piece.strip()
            if piece:
                counter["paragraph"] += 1
                blocks.append(Paragraph(piece, f"第{counter['paragraph']}段"))

    def walk(node: etree._Element) -> None:
        if not isinstance(node.tag, str):
            return  # a comment or processing instruction: not text of the page (its tail is)
        tag = node.tag
        if tag in _SKIP_TAGS or _is_chrome(node):
            return
        if tag == "table" and node.find(".//table") is None:
            flush()
            counter["table"] += 1
            blocks.append(_grid(node, counter["table"], source))
            limits.check_time(source)
            return
        if tag == "br":
            line.append("\n")
        block = tag in _BLOCK or tag in ("table", "td", "th")
        if block:
            flush()
        if node.text:
            line.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                line.append(child.tail)
        if block:
            flush()

    body = root.find(".//body")
    walk(body if body is not None else root)
    flush()
    return Document(source=source, blocks=tuple(blocks), title=title, head=_page_head(root))


def table_grids(markup: str, first: int = 1) -> list[Grid]:
    """The grids of the innermost tables of an HTML fragment (a table inside Markdown)."""
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    tables = [t for t in root.iter("table") if t.find(".//table") is None]
    return [_grid(table, first + i) for i, table in enumerate(tables)]
