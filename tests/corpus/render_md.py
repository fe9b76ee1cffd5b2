"""Reports as PDF/Word-to-Markdown tools print them: docling, marker, LLM extractors.

One Markdown file: the title as ``# …``, section headings as ``## …`` (or ``**…**`` with
``md_bold``), paragraphs separated by blank lines, every table a GitHub pipe table whose first
row is the header row, then a ``|---|`` separator. Case variants choose the tool's habits:

- ``md_pad``: tabulate's "github" format (docling): cells padded to the column's display width
  (a CJK character is two columns wide), numbers right-aligned, separator dashes as wide as
  the column;
- ``md_repeat``: a merged cell's text in every grid position it covers (docling); otherwise the
  covered positions are empty cells (marker);
- ``md_join``: a line break inside a cell becomes a space (docling joins a cell's PDF lines);
  otherwise ``<br>`` (marker);
- ``md_split``: table 三 is cut at two page breaks into three pipe tables, each with its own
  header row: the repeated header rows with ``repeat_header``, else the page's first row;
  with ``page_dash`` the page number ("- 3 -") stands between them;
- ``md_generic_col`` / ``md_generic_data`` / ``md_generic_blank``: an LLM extractor's header
  row (``| 列1 | 列2 |…``, ``| 数据1 | 数据2 |…``, ``|  |  |…``) above all the table's rows;
- ``md_escape``: markdownify's escaping (``escape_misc``, asterisks, underscores): ``\\|``,
  ``\\*``, ``\\_``, ``\\+``, ``\\[``…; the page's breadcrumb with its ``|`` separators;
- ``md_bold``: section headings as ``**二、主动公开政府信息情况**``;
- ``md_html``: every table as MinerU writes it into its Markdown: one line of HTML
  (``<html><body><table><tr><td rowspan="3" colspan="3">…</td>…``), a cell's lines joined.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape as html_escape

from .layout import Doc, Para, Table, grid_text
from .report import Case

_ESCAPED = re.compile(r"([\\&<`\[\]>~=+|*_])")
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


class _Markdown:
    def __init__(self, case: Case) -> None:
        v = case.variants
        self.variants = v
        self.escape_on = "md_escape" in v
        self.page = 3  # table 三 starts on page 3 or later

    def escape(self, text: str) -> str:
        return _ESCAPED.sub(r"\\\1", text) if self.escape_on else text

    def cell(self, text: str) -> str:
        lines = [self.escape(line) for line in text.replace("\n\n", "\n").split("\n")]
        return (" " if "md_join" in self.variants else "<br>").join(lines)

    def pipe_table(self, header: list[str], body: list[list[str]]) -> list[str]:
        """One pipe table: the header row, the separator, the body rows."""
        if "md_pad" not in self.variants:
            rows = [header, ["---"] * len(header), *body]
            lines = ["| " + " | ".join(row) + " |" for row in rows]
            lines[1] = "|" + "|".join("---" for _ in header) + "|"
            return lines
        # tabulate(body, headers=header, tablefmt="github")
        columns = list(zip(header, *body, strict=True))
        widths = [max(_width(t) for t in col) for col in columns]
        numeric = [all(_NUMBER.match(t) for t in col[1:] if t) and any(col[1:]) for col in columns]
        pad = lambda row: [_pad(t, w, n) for t, w, n in zip(row, widths, numeric, strict=True)]  # noqa: E731
        lines = ["| " + " | ".join(pad(header)) + " |",
                 "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        lines += ["| " + " | ".join(pad(row)) + " |" for row in body]
        return lines

    def generic_header(self, n: int) -> list[str] | None:
        if "md_generic_col" in self.variants:
            return [f"列{i}" for i in range(1, n + 1)]
        if "md_generic_data" in self.variants:
            return [f"数据{i}" for i in range(1, n + 1)]
        if "md_generic_blank" in self.variants:
            return [""] * n
        return None

    def table(self, table: Table, breaks: tuple[int, ...]) -> list[str]:
        """The table as one pipe table, or one per page when it is cut at ``breaks``."""
        merged = "repeat" if "md_repeat" in self.variants else "empty"
        starts = (0, *breaks)
        ends = (*breaks, len(table.rows))
        lines: list[str] = []
        for part, (start, end) in enumerate(zip(starts, ends, strict=True)):
            page = grid_text(table, merged, start)[:end - start]
            if part and "repeat_header" in self.variants:
                page = grid_text(table, merged)[:table.header_rows] + page
            rows = [[self.cell(t) for t in row] for row in page]
            if part:
                lines.append("")
                if "page_dash" in self.variants:
                    lines += [f"- {self.page} -", ""]
                    self.page += 1
            generic = self.generic_header(len(table.widths))
            if generic is not None:
                lines += self.pipe_table([self.cell(t) for t in generic], rows)
            else:
                lines += self.pipe_table(rows[0], rows[1:])
        return lines

    def html_table(self, table: Table) -> list[str]:
        rows = []
        for cells in table.rows:
            tds = []
            for cell in cells:
                span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                    f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
                text = html_escape(cell.text.replace("\n", ""), quote=False)
                tds.append(f"<td{span}>{text}</td>")
            rows.append("<tr>" + "".join(tds) + "</tr>")
        return ["<html><body><table>" + "".join(rows) + "</table></body></html>"]

    def para(self, para: Para) -> list[str]:
        text = self.escape(para.text)
        if para.kind == "title":
            return [f"# {text}"]
        if para.kind == "heading":
            return [f"**{text}**" if "md_bold" in self.variants else f"## {text}"]
        return [text]


def render_md(doc: Doc, case: Case) -> bytes:
    """The report as a Markdown file's bytes (UTF-8)."""
    md = _Markdown(case)
    blocks: list[list[str]] = []
    if doc.breadcrumb:
        crumb = doc.breadcrumb.replace(" > ", " | ") if md.escape_on else doc.breadcrumb
        blocks.append([md.escape(crumb)])
    for block in doc.blocks:
        if isinstance(block, Table) and "md_html" in case.variants:
            blocks.append(md.html_table(block))
        elif isinstance(block, Table):
            requests = block.header_rows == 3
            breaks = (11, 21) if requests and "md_split" in case.variants else ()
            blocks.append(md.table(block, breaks))
        else:
            blocks.append(md.para(block))
    text = "\n\n".join("\n".join(lines) for lines in blocks) + "\n"
    return text.encode("utf-8")
