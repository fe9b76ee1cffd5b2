"""A report as a format-neutral document: paragraphs and tables of merged cells, laid out like
the official forms (the 2021 Word template; the 2019 form as agencies filled it in).

Cell text uses "\\n" for a line break inside a paragraph and "\\n\\n" between paragraphs of
one cell; every renderer turns these into its own markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .content import APPEALS, REQUEST_COLUMNS, Printed, Values

_CN = "一二三四五六七八九十"


@dataclass
class Cell:
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    value: bool = False  # a number cell (centred, small)


@dataclass
class Table:
    """Rows of cells as HTML lists them: a merged cell appears once, in its first row."""

    rows: list[list[Cell]]
    widths: tuple[float, ...]  # column widths in cm
    late_rows: frozenset[int] = frozenset()  # rows that start one grid column late (w:gridBefore)
    header_rows: int = 0  # rows repeated on every page of a Word table


@dataclass
class Para:
    text: str
    kind: str = "body"  # title, heading, body, signature, date


@dataclass
class Style:
    """How a report prints its labels."""

    point: str = "．"  # 1． / 1. / 1、
    ascii_brackets: bool = False
    split: bool = False  # labels broken over lines: "本年新\n制作数量", "（三）不予\n\n公开"
    traditional: bool = False
    header_order: bool = False  # 2019 table 二: 本年新公开数量 printed before 本年新制作数量
    wrap_headers: bool = False  # the template's two-paragraph headers: "结果\n\n纠正"
    shift_natural: bool = False  # 自然人 spans two grid columns; its data rows have an empty cell
    late_total: bool = False  # （七）总计 starts late (w:gridBefore) instead of a vMerge cell
    extra_request_row: tuple[str, dict[str, str]] | None = None
    extra_active_row: tuple[str, list[str]] | None = None

    def item(self, n: int, text: str) -> str:
        return (f"({_CN[n - 1]})" if self.ascii_brackets else f"（{_CN[n - 1]}）") + text

    def sub(self, n: int, text: str) -> str:
        return f"{n}{self.point}{text}"

    def article(self, n: int) -> str:
        return f"第二十条第{self.item(n, '')}项"


@dataclass
class Doc:
    title: str
    agency: str
    blocks: list[Para | Table] = field(default_factory=list)
    breadcrumb: str | None = None


# --- table 二 -------------------------------------------------------------------------------


def active_table(edition: str, values: Values, printed: Printed, style: Style) -> Table:
    def v(row: str, column: str, colspan: int = 1) -> Cell:
        return Cell(printed.cell(values, "active", row, column), colspan=colspan, value=True)

    def group(n: int) -> list[Cell]:
        return [Cell(style.article(n), colspan=4)]

    split = style.split
    rows: list[list[Cell]] = []
    if edition == "2021":
        rows += [group(1), [Cell("信息内容"), Cell("本年制发\n件数" if split else "本年制发件数"),
                            Cell("本年废止件数"), Cell("现行有效件数")]]
        rows += [[Cell("规章"), *(v("regulations", c) for c in ("issued", "repealed", "in_force"))],
                 [Cell("行政规范性文件"),
                  *(v("normative_documents", c) for c in ("issued", "repealed", "in_force"))]]
        rows += [group(5), [Cell("信息内容"), Cell("本年处理决定数量", colspan=3)],
                 [Cell("行政许可"), v("licensing", "decisions", 3)]]
        rows += _extra_active(style, [3])
        rows += [group(6), [Cell("信息内容"), Cell("本年处理决定数量", colspan=3)],
                 [Cell("行政處罰" if style.traditional else "行政处罚"), v("penalty", "decisions", 3)],
                 [Cell("行政强制"), v("enforcement", "decisions", 3)]]
        rows += [group(8), [Cell("信息内容"), Cell("本年收费金额（单位：万元）", colspan=3)],
                 [Cell("行政事业性收费"), v("fees", "fee_amount", 3)]]
        return Table(rows, (4.0, 3.6, 3.6, 3.6))
    first = ["new_made", "new_published", "total_published"]
    if style.header_order:
        first = ["new_published", "new_made", "total_published"]
    head = {"new_made": "本年新\n制作数量" if split else "本年新制作数量",
            "new_published": "本年新\n公开数量" if split else "本年新公开数量",
            "total_published": "对外公开\n总数量" if split else "对外公开总数量"}
    normative = "規範性檔案" if style.traditional else "规范性文件"
    rows += [group(1), [Cell("信息内容"), *(Cell(head[c]) for c in first)],
             [Cell("规章"), *(v("regulations", c) for c in first)],
             [Cell(normative), *(v("normative_documents", c) for c in first)]]
    project = ["previous", "change", "decisions"]
    project_head = [Cell("信息内容"), Cell("上一年\n项目数量" if split else "上一年项目数量"),
                    Cell("本年增/减"), Cell("处理决定数量")]
    rows += [group(5), project_head,
             [Cell("行政许可"), *(v("licensing", c) for c in project)],
             [Cell("其他对外管理服务事项"), *(v("other_services", c) for c in project)]]
    rows += _extra_active(style, [1, 1, 1])
    rows += [group(6), [Cell(c.text) for c in project_head],
             [Cell("行政處罰" if style.traditional else "行政处罚"), *(v("penalty", c) for c in project)],
             [Cell("行政强制"), *(v("enforcement", c) for c in project)]]
    rows += [group(8), [Cell("信息内容"), Cell("上一年项目数量"), Cell("本年增/减", colspan=2)],
             [Cell("行政事业性收费"), v("fees", "previous"), v("fees", "change", 2)]]
    rows += [group(9), [Cell("信息内容"), Cell("采购项目数量"), Cell("采购总金额", colspan=2)],
             [Cell("政府集中采购"), v("procurement", "items"), v("procurement", "amount", 2)]]
    return Table(rows, (4.0, 3.6, 3.6, 3.6))


def _extra_active(style: Style, spans: list[int]) -> list[list[Cell]]:
    """A province's extra row in 第二十条第（五）项, e.g. 行政确认."""
    if style.extra_active_row is None:
        return []
    label, texts = style.extra_active_row
    return [[Cell(label), *(Cell(t, colspan=s, value=True) for t, s in zip(texts, spans, strict=True))]]


# --- table 三 -------------------------------------------------------------------------------

_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_DENIED = ("属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益",
           "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项")
_UNAVAILABLE = ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确")
_REJECTED = ("信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
             "要求行政机关确认或重新出具已获取信息")
_OTHER = ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
          "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他")


def _split2(text: str, style: Style) -> str:
    """"（三）不予公开" → "（三）不予\n\n公开" when the report breaks labels."""
    return f"{text[:-2]}\n\n{text[-2:]}" if style.split else text


def requests_table(edition: str, values: Values, printed: Printed, style: Style) -> Table:
    def numbers(row: str) -> list[Cell]:
        cells = [Cell(printed.cell(values, "requests", row, c), value=True) for c in REQUEST_COLUMNS]
        if style.shift_natural:
            cells.insert(1, Cell("", value=True))
        return cells

    label_cols = 3
    natural = Cell("自然人", rowspan=2, colspan=2 if style.shift_natural else 1)
    wrap = "\n\n" if style.wrap_headers else ""
    rows: list[list[Cell]] = [
        [Cell(_CORNER, rowspan=3, colspan=label_cols),
         Cell("申请人情况", colspan=8 if style.shift_natural else 7)],
        [natural, Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)],
        [Cell(f"商业{wrap}企业"), Cell(f"科研{wrap}机构"), Cell("社会公益组织"), Cell("法律服务机构"),
         Cell("其他")],
        [Cell("一、本年新收政府信息公开申请数量", colspan=3), *numbers("new_received")],
        [Cell("二、上年结转政府信息公开申请数量", colspan=3), *numbers("carried_in")],
    ]
    block: list[list[Cell]] = [
        [Cell(style.item(1, "予以公开"), colspan=2), *numbers("granted")],
        [Cell(style.item(2, "部分公开（区分处理的，只计这一情形，不计其他情形）"), colspan=2),
         *numbers("partially_granted")],
    ]
    keys = {"denied": [k for k in values.requests if k.startswith("denied_")],
            "unavailable": [k for k in values.requests if k.startswith("unavailable_")],
            "rejected": [k for k in values.requests if k.startswith("rejected_")]}
    for n, name, labels, key in ((3, "不予公开", _DENIED, "denied"),
                                 (4, "无法提供", _UNAVAILABLE, "unavailable"),
                                 (5, "不予处理", _REJECTED, "rejected")):
        for i, (label, row) in enumerate(zip(labels, keys[key], strict=True)):
            head = [Cell(_split2(style.item(n, name), style), rowspan=len(labels))] if i == 0 else []
            block.append([*head, Cell(style.sub(i + 1, label)), *numbers(row)])
    if edition == "2019":
        block.append([Cell(style.item(6, "其他处理"), colspan=2), *numbers("other")])
    else:
        for i, row in enumerate(("other_no_correction", "other_no_fee", "other_misc")):
            head = [Cell(style.item(6, "其他处理"), rowspan=3)] if i == 0 else []
            block.append([*head, Cell(style.sub(i + 1, _OTHER[i])), *numbers(row)])
    late = len(rows) + len(block)
    block.append([Cell(style.item(7, "总计"), colspan=2), *numbers("total_processed")])
    if style.extra_request_row is not None:
        label, texts = style.extra_request_row
        extra = [Cell(texts[c], value=True) for c in REQUEST_COLUMNS]
        if style.shift_natural:
            extra.insert(1, Cell("", value=True))
        block.append([Cell(label, colspan=2), *extra])
    if style.late_total:
        # 三、本年度办理结果 ends above （七）总计, whose row then starts one column late
        block[0].insert(0, Cell("三、本年度办理结果", rowspan=late - len(rows)))
        rows += block
    else:
        block[0].insert(0, Cell("三、本年度办理结果", rowspan=len(block)))
        rows += block
    rows.append([Cell("四、结转下年度继续办理", colspan=3), *numbers("carried_over")])
    widths = (1.0, 1.6, 4.4) + ((1.3, 0.3) if style.shift_natural else (1.3,)) + (1.25,) * 6
    return Table(rows, widths, frozenset({late}) if style.late_total else frozenset(), header_rows=3)


# --- table 四 -------------------------------------------------------------------------------


def appeals_table(values: Values, printed: Printed, style: Style) -> Table:
    wrap = "\n\n" if style.wrap_headers else ""
    parts = [f"结果{wrap}维持", f"结果{wrap}纠正", f"其他{wrap}结果", f"尚未{wrap}审结", "总计"]
    rows = [
        [Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)],
        [*(Cell(p, rowspan=2) for p in parts), Cell("未经复议直接起诉", colspan=5),
         Cell("复议后起诉", colspan=5)],
        [*(Cell(p) for p in parts), *(Cell(p) for p in parts)],
        [Cell(printed.cell(values, "appeals", "count", c), value=True) for c in APPEALS],
    ]
    return Table(rows, (1.06,) * 15)


def grid_positions(table: Table) -> list[tuple[int, int, Cell]]:
    """Where each cell starts in the grid, (row, column, cell), as a browser places them."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, cells in enumerate(table.rows):
        c = 1 if r in table.late_rows else 0
        for cell in cells:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return placed




def grid_origins(table: Table) -> list[list[tuple[int, int, Cell] | None]]:
    """The table as a full grid: at each position the covering cell and the row and column it
    starts in (None where no cell is, e.g. before a row that starts late)."""
    grid: list[list[tuple[int, int, Cell] | None]] = [[None] * len(table.widths) for _ in table.rows]
    for r, c, cell in grid_positions(table):
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                grid[r + dr][c + dc] = (r, c, cell)
    return grid


def grid_text(table: Table, merged: str = "empty", first_row: int = 0) -> list[list[str]]:
    """Rows ``first_row…`` of the table as a grid of cell texts, as a spreadsheet or a
    PDF-to-Markdown tool sees it: a merged cell's text at its first grid position and, at the
    other positions it covers, "" (``merged="empty"``) or the same text again
    (``merged="repeat"``, as docling and pandas.read_html print merges). A merged cell that
    started above ``first_row`` (on an earlier page) is "" there: its text is not on this page."""
    rows = []
    for r, line in enumerate(grid_origins(table)[first_row:], start=first_row):
        texts = []
        for c, slot in enumerate(line):
            if slot is None:
                texts.append("")
                continue
            r0, c0, cell = slot
            shown = (r0, c0) == (r, c) or (merged == "repeat" and r0 >= first_row)
            texts.append(cell.text if shown else "")
        rows.append(texts)
    return rows
