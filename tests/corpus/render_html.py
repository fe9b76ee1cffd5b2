"""Web pages as government CMSs publish them: a <title>, <p> paragraphs, tables with
rowspan/colspan; some GB2312-declared (GBK bytes), some with navigation, breadcrumb and footer
around the article, some with Word-pasted cells (<p><span style=…>, <br>, &nbsp;)."""

from __future__ import annotations

from html import escape

from .layout import Cell, Doc, Para, Table
from .report import Case

_SPAN = '<span style="font-family: 宋体; font-size: 10.5pt;">{}</span>'


def _inline(text: str) -> str:
    return "<br/>".join(escape(line, quote=False) for line in text.split("\n"))


def _cell_html(cell: Cell, rich: bool, nbsp: bool) -> str:
    if not cell.text:
        return "&nbsp;" if nbsp or rich else ""
    paragraphs = [p for p in cell.text.split("\n\n")]
    if rich:
        return "".join(f'<p style="text-align: center;">{_SPAN.format(_inline(p))}</p>' for p in paragraphs)
    inner = "<br/>".join(_inline(p) for p in paragraphs)
    return f"&nbsp;{inner}&nbsp;" if nbsp and cell.value else inner


def _table_html(table: Table, case: Case) -> str:
    rich, nbsp = "rich_cells" in case.variants, "nbsp" in case.variants
    attrs = ' border="1" cellspacing="0" cellpadding="0" style="border-collapse: collapse; width: 100%;"'
    lines = [f"<table{attrs if rich else ''}>", "<tbody>" if rich else ""]
    for cells in table.rows:
        tds = []
        for cell in cells:
            span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            align = ' style="text-align:center"' if cell.value and not rich else ""
            tds.append(f"<td{span}{align}>{_cell_html(cell, rich, nbsp)}</td>")
        lines.append("<tr>" + "".join(tds) + "</tr>")
    lines += ["</tbody>" if rich else "", "</table>"]
    return "\n".join(line for line in lines if line)


def _para_html(para: Para, case: Case) -> str:
    text = escape(para.text, quote=False)
    if para.kind == "title":
        return ""  # the page shows the title in its own heading
    if para.kind == "heading":
        return f'<p style="text-indent: 2em;"><strong>{text}</strong></p>'
    if para.kind in ("signature", "date"):
        return f'<p style="text-align: right;">{text}</p>'
    if "nbsp" in case.variants:
        return f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{text}</p>"
    return f'<p style="text-indent: 2em;">{text}</p>'


def _chrome_top(doc: Doc, case: Case) -> str:
    if "chrome" not in case.variants:
        return ""
    crumb = escape(doc.breadcrumb or "首页 > 政府信息公开 > 年报", quote=False)
    site = doc.agency[:3] + "人民政府"
    return (
        f'<div class="header"><div class="logo">{site}</div>'
        '<div class="search"><input type="text" value="请输入关键字"/><button>搜索</button></div></div>\n'
        '<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
        '<li><a href="/hdjl/">互动交流</a></li><li><a href="/zwfw/">政务服务</a></li></ul></div>\n'
        f'<div class="breadcrumb">当前位置：{crumb}</div>\n'
    )


def _chrome_bottom(doc: Doc, case: Case) -> str:
    if "chrome" not in case.variants:
        return ""
    return (
        '<div class="share">分享到：微信 微博</div>\n'
        f'<div class="footer"><p>主办单位：{escape(doc.agency)}　　网站标识码：3703020001</p>'
        '<p>版权所有 联系电话：0533-1234567</p><script>var _hmt = _hmt || [];</script></div>\n'
    )


def render_html(doc: Doc, case: Case) -> bytes:
    """The page's bytes, in the encoding it declares."""
    gbk = "gbk" in case.variants
    meta = ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />' if gbk
            else '<meta charset="utf-8">')
    body = []
    for block in doc.blocks:
        body.append(_table_html(block, case) if isinstance(block, Table) else _para_html(block, case))
    article = "\n".join(b for b in body if b)
    title = escape(doc.title, quote=False)
    info = (f'<div class="info">发布时间：{case.year + 1}-01-20　来源：{escape(doc.agency)}　'
            "字号：[大 中 小]</div>\n" if "chrome" in case.variants else "")
    content = (f'<div class="article">\n<h1 class="title">{title}</h1>\n{info}'
               f'<div id="zoom" class="article-content">\n{article}\n</div>\n</div>\n')
    if "layout_table" in case.variants:  # an old CMS: the article sits in a layout table
        content = f'<table width="980" align="center"><tr><td>\n{content}</td></tr></table>\n'
    page = (f"<!DOCTYPE html>\n<html>\n<head>\n{meta}\n<title>{title}</title>\n</head>\n<body>\n"
            f"{_chrome_top(doc, case)}{content}{_chrome_bottom(doc, case)}</body>\n</html>\n")
    return page.encode("gbk") if gbk else page.encode("utf-8")
