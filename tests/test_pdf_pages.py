"""A table that a page break splits: the PDF reader stacks its parts into one grid, joins the
two halves of a row the break cut, and drops header rows the next page repeats."""

from __future__ import annotations

from nianbao.readers.pdf import _join, _Part


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
