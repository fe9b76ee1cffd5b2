"""The agency and year of real reports, from where they print them.

Every case is a title shape seen in a real published report; the comment says where. The
lines are the report's first lines (what a reader gives), ``title`` the page's <title>,
``head`` the page's <h1> and meta tags. Each case goes through ``assemble`` with a minimal
table after the title, so the whole metadata path runs.
"""

from __future__ import annotations

import json

import pytest

from nianbao.assemble import assemble
from nianbao.cli import main
from nianbao.document import Document, Paragraph
from nianbao.metadata import parse_title, plain, year_in
from nianbao.spec import load_spec

# Enough of table 二 (2021 edition) for the edition to be detected.
_TABLE = ["一、总体情况", "本年，我们做了工作。", "二、主动公开政府信息情况", "信息内容", "本年制发件数",
          "本年废止件数", "现行有效件数", "规章", "0", "0", "0"]


def _meta(lines: list[str], title: str | None = None, head: tuple = ()) -> tuple[str | None, int | None]:
    blocks = tuple(Paragraph(text, f"第{i + 1}行") for i, text in enumerate([*lines, *_TABLE]))
    report = assemble(Document("case.txt", blocks, title=title, head=head))
    return report.meta.agency, report.meta.year


CASES = [
    # shuyang.gov.cn page (public repository zxj6827111-blip/KIROGOVCOMPARE,
    # tests/沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局_2025-12-30.html): <title> with the
    # department's short name after a dash, the <h1>, and the site's name in a meta tag
    pytest.param([], "沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局",
                 (("SiteName", "沭阳县人民政府"), ("h1", "沭阳县发展和改革局2023年政府信息公开年度报告")),
                 "沭阳县发展和改革局", 2023, id="title-dash-agency"),
    # the same page's <title> alone
    pytest.param([], "沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局", (),
                 "沭阳县发展和改革局", 2023, id="title-only"),
    # the same page as that repository's wrapper prints it: a labelled title line
    pytest.param(["标题：沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局"], None, (),
                 "沭阳县发展和改革局", 2023, id="labelled-title"),
    # shanghai-office-sample-source.md (same repository): PDF text that starts with 正文, the year
    # first, the title wrapped over two lines
    pytest.param(["正文", "2025 年上海市人民政府办公厅政府信息公开", "工作年度报告"], None, (),
                 "上海市人民政府办公厅", 2025, id="zhengwen-year-first-wrapped"),
    # kewei-2024-source.md (same repository)
    pytest.param(["正文", "2024 年上海市科委政府信息公开工作", "年度报告"], None, (),
                 "上海市科委", 2024, id="zhengwen-kewei"),
    # a test of SegmentedAnnualReportParse (same repository): 正文, then the title with spaced year
    pytest.param(["正文", "宿迁市 2025 年政府信息公开工作年度报告"], None, (),
                 "宿迁市", 2025, id="zhengwen-spaced-year"),
    pytest.param(["正文", "2025 年上海市黄浦区人民政府打浦桥街道政府信息", "公开工作年度报告"], None, (),
                 "上海市黄浦区人民政府打浦桥街道", 2025, id="street-year-first-wrapped"),
    # tests/沭阳县人民政府2025年政府信息公开工作年度报告-沭阳县人民政府.txt (same repository): a
    # Markdown heading with spaces around the year (OCR reads 沭 as 沐), the agency and the date below
    pytest.param(["# 沐阳县人民政府 2025 年 政府信息公开工作年度报告", "沐阳县人民政府", "(2026年1月23日)"],
                 None, (), "沐阳县人民政府", 2025, id="markdown-heading"),
    pytest.param(["**沐阳县人民政府2025年政府信息公开工作年度报告**"], None, (),
                 "沐阳县人民政府", 2025, id="markdown-bold"),
    # shanghai.gov.cn/nw12344/20230331/4a03b5fa47ae4c73b7ec42801de6be66.html: year first, 字号 below
    pytest.param(["2022年上海市政府信息公开工作年度报告", "字号:"], None, (),
                 "上海市", 2022, id="year-first-zihao"),
    # szft.gov.cn/bmxx/qczj/xxgknb/content/post_9529455.html: the title names the agency without its
    # district; the 来源 of the line below names it in full; published in 2022 for 2021
    pytest.param(["2021年区集体经济发展服务署政府信息公开工作年度报告",
                  "信息提供日期 : 2022-01-21 17:48来源 : 深圳市福田区集体经济发展服务署"], None, (),
                 "深圳市福田区集体经济发展服务署", 2021, id="partial-completed-from-source"),
    # acheng.gov.cn/achengqu/c111276/202201/c01_253556.shtml: the agency on its own line above
    pytest.param(["阿城区机关后勤服务中心", "2021年政府信息公开工作年度报告",
                  "2021年政府信息公开工作年度报告"], None, (),
                 "阿城区机关后勤服务中心", 2021, id="agency-line-above"),
    # lixia.gov.cn (…/doc_641d4d4d749a4723fdc77fb7.html): a labelled title, 字号 / 大 中 小 below
    pytest.param(["文字解读:济南市历下区大明湖街道办事处2022年政府信息公开工作年度报告", "字号:", "大 中 小"],
                 None, (), "济南市历下区大明湖街道办事处", 2022, id="label-colon-zihao"),
    # hunnan.gov.cn/zwgk/zfxxgknb/2022/2022bmdnbg/202301/t20230118_4373320.html: no title at all,
    # only the agency's name above the text
    pytest.param(["浑南区国资局", "根据《中华人民共和国政府信息公开条例》，现公布区政府国资局"
                  "2022年政府信息公开工作年度报告。"], None, (),
                 "浑南区国资局", 2022, id="name-line-no-title"),
    # qingxin.gov.cn/bmxz/zgbm/qxqrmzfbgs/zfxxgkgzndbg/content/post_1665156.html: no title, the first
    # sentence names the agency (with its short form in brackets) and the report
    pytest.param(["根据《中华人民共和国政府信息公开条例》规定，现公布清远市清新区人民政府办公室（以下简称区政府"
                  "办公室）2022年政府信息公开工作年度报告。本报告由总体情况等六部分组成。"], None, (),
                 "清远市清新区人民政府办公室", 2022, id="opening-sentence"),
    # the shuyang.gov.cn page's opening sentence, its <title> and <h1> missing
    pytest.param(["根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，现向社会公布沭阳县发展和改革局"
                  "2023年度政府信息公开年度报告。"], None, (),
                 "沭阳县发展和改革局", 2023, id="opening-sentence-2"),
    # a 通知's title in the opening sentence is not the agency
    pytest.param(["根据区政府办公室《关于做好2018年度政府信息公开工作年度报告编制发布工作的通知》的有关规定，"
                  "编制本报告。"], None, (), None, 2018, id="notice-title-not-agency"),
    # a test in that repository (Java, test43): a version note after the title
    pytest.param(["宿州市人民政府2019年政府信息公开工作年度报告（图片版）"], None, (),
                 "宿州市人民政府", 2019, id="version-note"),
    # a PDF's file name in that repository's tests (上海市黄浦区人民政府…（超链版）.pdf)
    pytest.param(["上海市黄浦区人民政府2022年政府信息公开工作年度报告（超链版）"], None, (),
                 "上海市黄浦区人民政府", 2022, id="version-note-hyperlinked"),
    # HtmlParseService test of that repository: the <title> with the year first
    pytest.param([], "2025年黄浦区财政局政府信息公开工作年度报告", (),
                 "黄浦区财政局", 2025, id="page-title-year-first"),
    # a test fixture of that repository: 年度 after the year
    pytest.param(["宿豫区卫生健康局2024年度政府信息公开工作年度报告"], None, (),
                 "宿豫区卫生健康局", 2024, id="niandu"),
    # fzgjj (福州住房公积金管理中心) home page, link title
    pytest.param(["福州住房公积金管理中心2017年度政府信息公开工作年度报告"], None, (),
                 "福州住房公积金管理中心", 2017, id="center-niandu"),
    # a menu entry in a public repository (id 18090078150 in the code index): the year first
    pytest.param(["2019年上海市人民政府办公厅政府信息公开工作年度报告"], None, (),
                 "上海市人民政府办公厅", 2019, id="year-first-office"),
    # huaian_city_2021ed_2024.pdf (淮安市人民政府, pdftotext): agency line, then a spaced year
    pytest.param(["淮安市人民政府", "2024 年政府信息公开工作年度报告"], None, (),
                 "淮安市人民政府", 2024, id="huaian-pdf"),
    # the page-title shape (…年度报告_政府信息公开年报_XX区人民政府), with a real district
    pytest.param([], "2022年政府信息公开工作年度报告_政府信息公开年报_淮安市洪泽区人民政府", (),
                 "淮安市洪泽区人民政府", 2022, id="title-column-site"),
    pytest.param([], "淮安市洪泽区人民政府2022年政府信息公开工作年度报告_政府信息公开年报_"
                 "淮安市洪泽区人民政府门户网站", (), "淮安市洪泽区人民政府", 2022, id="title-column-portal"),
    # a report that names itself 我局: the publisher (ContentSource), not 我局
    pytest.param(["我局2021年政府信息公开工作年度报告", "发布时间：2022-01-20 来源：本网 浏览次数：35"], None,
                 (("ContentSource", "洪泽区财政局"), ("SiteName", "淮安市洪泽区人民政府")),
                 "洪泽区财政局", 2021, id="self-name-publisher"),
    # …and when only the site's name gives the agency (a bureau's own site)
    pytest.param(["本机关2021年政府信息公开工作年度报告"], None, (("SiteName", "淮安市财政局门户网站"),),
                 "淮安市财政局", 2021, id="self-name-site"),
    # a title without its district on the district's site: the district is the site's
    pytest.param(["2021年区财政局政府信息公开工作年度报告"], None, (("SiteName", "淮安市洪泽区人民政府"),),
                 "淮安市洪泽区财政局", 2021, id="partial-completed-from-site"),
    # a page <title> with a line break in it (the <title> of a CMS template that wraps)
    pytest.param([], "淮安市洪泽区人民政府\n  2022年政府信息公开工作年度报告", (),
                 "淮安市洪泽区人民政府", 2022, id="title-line-break"),
    # 【2021年】 in front (the bracketed year of list pages)
    pytest.param(["【2021年】淮安市洪泽区人民政府政府信息公开工作年度报告"], None, (),
                 "淮安市洪泽区人民政府", 2021, id="bracketed-year"),
    # the year in brackets after the title
    pytest.param(["淮安市洪泽区人民政府政府信息公开工作年度报告（2021年度）"], None, (),
                 "淮安市洪泽区人民政府", 2021, id="year-after"),
    # pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/202202/t20220208_80613.htm as a collector saved it
    # (tests/data/cases/txt_pingtan_2021.txt): labelled fields, 年度 after the year, published 2022
    pytest.param(["标题: 平潭综合实验区2021年度政府信息公开工作年度报告", "发布时间: 2022-02-08 16:34",
                  "文号:", "发布机构:", "栏目: 政府信息公开年报"], None, (),
                 "平潭综合实验区", 2021, id="collector-fields"),
    # seed 003 (杨陵区): a breadcrumb ending in 正文 above the title
    pytest.param(["首页/ 政府信息公开 / 政府信息公开年报 / 部门信息公开年报 / 正文",
                  "杨陵区招商服务二局2019年政府信息公开工作年度报告"], None, (),
                 "杨陵区招商服务二局", 2019, id="breadcrumb"),
    # a sentence that names the report is not its title (and 我局 is not an agency)
    pytest.param(["现将我局2021年政府信息公开工作年度报告公布如下："], None, (),
                 None, 2021, id="sentence-not-title"),
    # publication chrome above a title without agency, nothing else names one: no agency, never 正文
    pytest.param(["正文", "字号：大 中 小", "2021年政府信息公开工作年度报告",
                  "发布时间：2022-01-20 来源： 浏览次数：12"], None, (), None, 2021, id="nothing-names-it"),
    # a page whose <title> is only the column and the site chrome words
    pytest.param([], "正文_政府信息公开年报", (), None, None, id="chrome-title"),
]


@pytest.mark.parametrize(("lines", "title", "head", "agency", "year"), CASES)
def test_real_title_shapes(lines, title, head, agency, year) -> None:
    assert _meta(lines, title, head) == (agency, year)


def test_chrome_lines_are_unmapped_not_text() -> None:
    blocks = tuple(Paragraph(t, f"第{i + 1}行") for i, t in enumerate(
        ["正文", "2025 年上海市人民政府办公厅政府信息公开", "工作年度报告", "字号：大 中 小", *_TABLE]))
    report = assemble(Document("case.txt", blocks))
    assert [u.text for u in report.unmapped[:2]] == ["正文", "字号：大 中 小"]
    assert "正文" not in report.narrative.get("overview", "")


@pytest.mark.parametrize(("text", "expected"), [
    ("# 标题", "标题"), ("## 一、总体情况 ##", "一、总体情况"), ("**淮安市人民政府**", "淮安市人民政府"),
    ("> ### 2024年报告", "2024年报告"), ("淮安市<br>人民政府", "淮安市 人民政府"),
])
def test_markdown_markup_is_not_part_of_a_title(text, expected) -> None:
    assert plain(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("发布时间：2022年1月20日", None), ("2021年度", 2021), ("【2021年】", 2021), ("2021 年", 2021),
    ("二〇二一年度", 2021), ("二零二二年", 2022),
])
def test_year_is_never_a_date(text, expected) -> None:
    assert year_in(text) == expected


def test_parse_title_keeps_the_other_parts_of_a_page_title() -> None:
    parts = parse_title("2022年政府信息公开工作年度报告_政府信息公开年报_XX区人民政府", load_spec())
    assert (parts.agency, parts.year, parts.others) == (None, 2022, ("政府信息公开年报", "XX区人民政府"))


_PAGE = """<html><head><meta charset="utf-8"><title>{title}</title>{metas}</head><body>
<div class="crumbs">首页 &gt; 政务公开 &gt; 政府信息公开年报 &gt; 正文</div>
{info}
<div class="article"><p>正文</p><p>字号：大 中 小</p><h1>{h1}</h1>
<p>发布时间：2023-01-20 浏览次数：12</p>
<p>本年度报告所列数据统计期限自2022年1月1日至12月31日。</p><p>一、总体情况</p><p>本局依法公开。</p>
<p>二、主动公开政府信息情况</p><table>
<tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td>行政规范性文件</td><td>2</td><td>1</td><td>9</td></tr></table></div></body></html>"""

# The layout of the shuyang.gov.cn page above: an info table (名称 / 发布机构) before the <h1>.
_INFO = ("<table><tr><td>名称</td><td colspan='3'>2022年政府信息公开工作年度报告</td></tr>"
         "<tr><td>发布机构</td><td>洪泽区财政局</td><td>公开日期</td><td>2023-01-20</td></tr></table>")


@pytest.mark.parametrize(("title", "metas", "info", "agency"), [
    # the agency only in the page's <title>, after the report's title
    ("2022年政府信息公开工作年度报告-淮安市洪泽区财政局", "", "", "淮安市洪泽区财政局"),
    # …or only as the site's name (…_column_site)
    ("2022年政府信息公开工作年度报告_政府信息公开年报_淮安市洪泽区人民政府", "", "", "淮安市洪泽区人民政府"),
    # …or only in the CMS's meta tags
    ("淮安市洪泽区人民政府",
     '<meta name="ArticleTitle" content="洪泽区财政局2022年政府信息公开工作年度报告">', "", "洪泽区财政局"),
    # …or only in the info table's 发布机构, the site being the district's
    ("2022年政府信息公开工作年度报告_淮安市洪泽区人民政府",
     '<meta name="SiteName" content="淮安市洪泽区人民政府">', _INFO, "洪泽区财政局"),
])
def test_converting_a_page_whose_agency_is_only_in_its_head(
    tmp_path, capsys, title, metas, info, agency
) -> None:
    path = tmp_path / "page.html"
    path.write_text(_PAGE.format(title=title, metas=metas, info=info, h1="2022年政府信息公开工作年度报告"),
                    encoding="utf-8")
    assert main(["convert", str(path), "--to", "json", "-o", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["meta"]["agency"], data["meta"]["year"], data["meta"]["edition"]) == (agency, 2022, "2021")
    assert data["tables"]["active"]["normative_documents"] == {"issued": 2, "repealed": 1, "in_force": 9}
    assert data["narrative"]["overview"].startswith("本年度报告所列数据")  # no 正文, 字号, 发布时间
    chrome = [u["text"] for u in data["unmapped"]]
    assert "正文" in chrome and "字号：大 中 小" in chrome and "发布时间：2023-01-20 浏览次数：12" in chrome
