"""A table that a page break splits: the PDF reader stacks its parts into one grid, joins the
two halves of a row the break cut, and drops header rows the next page repeats."""

from __future__ import annotations

from nianbao.readers.pdf import _Char, _join, _Line, _Part, _stitch


def _part(rows: list[list[str]], page: int, top: float = 100.0, widths=(120.0, 40.0, 40.0),
          wrapped: tuple[str, ...] = ()) -> _Part:
    """A table part of ``rows``; the cells whose text is in ``wrapped`` end on a full line."""
    boxes, texts, wheres = [], {}, {}
    for r, cells in enumerate(rows):
        x = 50.0
        for c, (text, width) in enumerate(zip(cells, widths, strict=True)):
            box = (x, top + 20.0 * r, x + width, top + 20.0 * (r + 1))
            boxes.append(box)
            texts[box], wheres[box] = text, f"第{page}页表格1第{r + 1}行第{c + 1}列"
            x += width
    return _Part(boxes, texts, wheres, f"第{page}页表格1", {b for b in boxes if texts[b] in wrapped})


def _texts(part: _Part) -> list[list[str]]:
    from nianbao.readers.pdf import _grid

    return [[cell.text for cell in row] for row in _grid(part).rows]


def test_a_row_cut_by_the_page_is_one_row() -> None:
    upper = _part([["1．本机关不掌握相关政府信息", "3", "6"], ["2．没有现成信息需要另", "0", "0"]], 4,
                  wrapped=("2．没有现成信息需要另",))
    lower = _part([["行制作", "", ""], ["3．补正后申请内容仍不明确", "1", "1"]], 5, top=60.0)
    joined = _texts(_join(upper, lower))
    assert joined == [["1．本机关不掌握相关政府信息", "3", "6"], ["2．没有现成信息需要另\n行制作", "0", "0"],
                      ["3．补正后申请内容仍不明确", "1", "1"]]


def test_a_row_that_starts_the_next_page_stays_a_row() -> None:
    upper = _part([["1．本机关不掌握相关政府信息", "3", "6"]], 4, wrapped=("1．本机关不掌握相关政府信息",))
    for first in (["2．没有现成信息需要另行制作", "0", "0"],  # numbers: a row of its own
                  ["2．没有现成信息需要另行制作", "", ""],  # blank numbers, but a numbered label
                  ["行政强制", "—", "—"]):  # blank markers are values
        joined = _texts(_join(upper, _part([first], 5, top=60.0)))
        assert joined == [["1．本机关不掌握相关政府信息", "3", "6"], first]


def test_header_rows_repeated_on_the_next_page_are_read_once() -> None:
    header = [["信息内容", "本年新收", "总计"]]
    upper = _part([*header, ["（一）予以公开", "1", "1"]], 4)
    lower = _part([*header, ["（二）部分公开", "2", "2"]], 5, top=60.0)
    rows = [["（一）予以公开", "1", "1"], ["（二）部分公开", "2", "2"]]
    assert _texts(_join(upper, lower)) == [*header, *rows]


def test_a_blank_row_under_a_label_that_did_not_wrap_stays_a_row() -> None:
    upper = _part([["行政处罚", "32", "32"]], 4)  # its last line is short: the label ended there
    joined = _texts(_join(upper, _part([["行政强制", "", ""]], 5, top=60.0)))
    assert joined == [["行政处罚", "32", "32"], ["行政强制", "", ""]]


def _line(text: str, top: float) -> _Line:
    chars = [_Char(ch, 50.0 + 10 * i, top, 60.0 + 10 * i, top + 10, 55.0 + 10 * i, top + 5, top, top + 10)
             for i, ch in enumerate(text)]
    return _Line(chars)


def test_a_table_over_three_pages_is_one_grid_and_a_heading_between_tables_is_not_furniture() -> None:
    page_number = [_line("- 4 -", 800.0)]
    pages = [
        ([_part([["（一）予以公开", "1", "1"]], 4, top=700.0)], [_line("三、收到", 650.0), *page_number]),
        ([_part([["（二）部分公开", "2", "2"]], 5, top=60.0)], page_number),  # the table fills the page
        ([_part([["（三）不予公开", "3", "3"]], 6, top=60.0)], [_line("四、复议诉讼", 200.0), *page_number]),
        ([_part([["行政复议", "0", "0"]], 7, top=60.0)], [_line("四、政府信息公开行政复议", 40.0)]),
    ]
    _stitch(pages, {id(line) for line in page_number})
    assert [len(parts) for parts, _ in pages] == [1, 0, 0, 1]
    labels = [row[0] for row in _texts(pages[0][0][0])]
    assert labels == ["（一）予以公开", "（二）部分公开", "（三）不予公开"]


def test_a_merged_cell_cut_between_two_rows_is_one_cell() -> None:
    # 自然人 spans two header rows; the page breaks between them. The columns under 法人或其他组织
    # differ from the row above, so this is not a row cut in two.
    upper = _part([["申请人情况", "申请人情况", "申请人情况"], ["自然", "法人或其他组织", "总计"]], 3,
                  widths=(40.0, 80.0, 40.0), wrapped=("自然",))
    lower = _part([["人", "商业企业", "科研机构", ""], ["1", "2", "3", "6"]], 4, top=60.0,
                  widths=(40.0, 40.0, 40.0, 40.0))
    rows = _texts(_join(upper, lower))
    assert [row[0] for row in rows] == ["申请人情况", "自然\n人", "自然\n人", "1"]
    assert [row[1] for row in rows] == ["申请人情况", "法人或其他组织", "商业企业", "2"]
