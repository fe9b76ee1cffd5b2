"""The case descriptions: agency, year, form, format and the variants each case exercises.

Variant names (see content/variants/layout/report and the renderers):
numbers     blank_markers ("", —, －, /, 无 → null), dash_blanks (blanks printed, never empty),
            units (1件, 26.8万元), money_yuan (251000元),
            signed (+1036 / -8 in 本年增/减), thousands (1,234), fullwidth (１２), only_total,
            total_blank
labels      split_labels (本年新\\n制作数量, （三）不予 / 公开), header_order (2019 table 二:
            本年新公开数量 before 本年新制作数量), traditional (規範性檔案, 行政處罰), ascii_brackets,
            Case.point (1． / 1. / 1、), wrap_headers (the template's two-paragraph headers)
layout      shift_natural (自然人 over two grid columns), late_total (w:gridBefore),
            extra_request_row (（八）其中：涉及…), extra_active_row (行政确认)
document    artefacts ([bookmark: _GoBack], [image: 图片1]), breadcrumb, garbled_date (202011日),
            long_overview (table 三 breaks across pages), title_two_lines
page/file   repeat_header (table 三's header rows repeat on every page, never split),
            gbk (GB2312-declared page, GB18030 text), chrome, rich_cells, nbsp, layout_table, crlf,
            page_dash / page_cn (a page-number footer "- 3 -" / "第3页"), note_star (a "*注：" line),
            template_cells (cells centred vertically, rows ≥ 17 pt, as the official template),
            page_furniture (a running header and a "- 4 -" page number in the footer),
            Case.filler (lines added before table 二: moves the page breaks through the tables),
            web_print (a PDF case printed from the web page by LibreOffice Writer, not from Word)
blank cells blank_empty (with blank_markers: every blank printed as nothing)
Markdown    md_pad, md_repeat, md_join, md_split, md_bold, md_escape, md_generic_col,
            md_generic_data, md_generic_blank, md_html (see render_md)
text        pdftotext_plain (txtlayout without -layout), tsv_excel / tsv_repeat / tsv_web (see
            render_lines), para / no_blank_lines (txtnoblank)
"""

from __future__ import annotations

from .report import Case


def _case(name: str, fmt: str, edition: str, year: int, agency: str, seed: int, variants: str,
          **kw: object) -> Case:
    return Case(f"{fmt}_{name}", fmt, edition, year, agency, seed, frozenset(variants.split()), **kw)


# Plain pdftotext prints table 三's numbers column by column after all its row labels, the first
# row's numbers mixed into the header: nothing in the text says which row a number is in.
PLAIN_PDFTOTEXT = (
    "requests.new_received.natural_person",
    "plain pdftotext (without -layout) prints table 三's numbers column by column after all the row "
    "labels, with the first row's numbers mixed into the header: neither the text's order nor line "
    "positions say which row a number belongs to",
)

CASES: tuple[Case, ...] = (
    # web pages
    _case("01_city_shift_2021", "html", "2021", 2023, "临沂市兰山区人民政府", 101,
          "shift_natural thousands", scale=160, big=True),
    _case("02_gbk_chrome_blank_2021", "html", "2021", 2022, "滨州市沾化区卫生健康局", 102,
          "gbk chrome rich_cells nbsp blank_markers"),
    _case("03_gb2312_header_order_2019", "html", "2019", 2020, "青岛市黄岛区商务局", 103,
          "gbk layout_table header_order signed money_yuan", big=True),
    _case("04_split_traditional_2019", "html", "2019", 2019, "汉中市南郑区教育局", 104,
          "split_labels traditional rich_cells", point="."),
    _case("05_only_total_extra_row_2021", "html", "2021", 2024, "德州市陵城区自然资源局", 105,
          "only_total extra_request_row chrome"),
    _case("06_2021_on_2019_form", "html", "2019", 2021, "铜川市耀州区农业农村局", 106,
          "fullwidth units nbsp"),
    # Word
    _case("01_template_style_2021", "docx", "2021", 2022, "淄博市张店区司法局", 201,
          "wrap_headers late_total", point="."),
    _case("02_split_blank_2019", "docx", "2019", 2020, "咸阳市秦都区文化和旅游局", 202,
          "split_labels blank_markers title_two_lines"),
    _case("03_units_extra_active_2021", "docx", "2021", 2023, "烟台市芝罘区市场监督管理局", 203,
          "units thousands extra_active_row wrap_headers", big=True, scale=12),
    _case("04_signed_header_order_2019", "docx", "2019", 2020, "日照市岚山区交通运输局", 204,
          "signed header_order thousands", big=True, point="、"),
    _case("05_total_blank_garbled_2021", "docx", "2021", 2021, "泰安市岱岳区民政局", 205,
          "total_blank garbled_date wrap_headers"),
    # text, tab-led cells (seeds 002/004)
    _case("01_artefacts_zero_2019", "txttab", "2019", 2020, "淄博市博山区发展和改革局", 301,
          "artefacts title_two_lines", scale=1),
    _case("02_blank_units_fullwidth_2021", "txttab", "2021", 2022, "潍坊市奎文区人力资源和社会保障局", 302,
          "blank_markers units fullwidth wrap_headers"),
    _case("03_gbk_crlf_signed_2019", "txttab", "2019", 2019, "济宁市任城区城市管理局", 303,
          "gbk crlf signed thousands traditional", big=True),
    _case("04_split_extra_row_2021", "txttab", "2021", 2023, "聊城市东昌府区住房和城乡建设局", 304,
          "split_labels extra_request_row breadcrumb wrap_headers"),
    _case("05_2021_on_2019_form", "txttab", "2019", 2021, "枣庄市薛城区退役军人事务局", 305,
          "money_yuan late_total", point="."),
    # text, one cell per paragraph (seed 003)
    _case("01_ascii_split_2019", "txtpara", "2019", 2019, "宝鸡市渭滨区水利局", 401,
          "ascii_brackets split_labels breadcrumb", point="."),
    _case("02_blank_comma_2021", "txtpara", "2021", 2022, "延安市宝塔区审计局", 402,
          "blank_markers dash_blanks", point="、"),
    _case("03_header_order_signed_2019", "txtpara", "2019", 2020, "榆林市榆阳区林业局", 403,
          "header_order signed", big=True),
    _case("04_only_total_garbled_2021", "txtpara", "2021", 2024, "安康市汉滨区统计局", 404,
          "only_total dash_blanks garbled_date"),
    _case("05_extra_active_units_2021", "txtpara", "2021", 2023, "商洛市商州区应急管理局", 405,
          "extra_active_row units fullwidth"),
    # PDF exported from Word
    _case("01_split_table_2021", "pdf", "2021", 2022, "东营市东营区财政局", 501,
          "long_overview wrap_headers late_total", scale=8),
    _case("02_signed_units_2019", "pdf", "2019", 2020, "威海市环翠区住房和城乡建设局", 502,
          "signed units title_two_lines repeat_header", big=True),
    _case("03_blank_fullwidth_2021", "pdf", "2021", 2023, "菏泽市牡丹区医疗保障局", 503,
          "blank_markers fullwidth title_two_lines repeat_header"),
    _case("04_split_labels_2019", "pdf", "2019", 2019, "济南市莱芜区科学技术局", 504,
          "split_labels long_overview header_order"),
    # PDF: tables broken by the page at different rows (filler moves the break)
    _case("05_break_need_creation_2019", "pdf", "2019", 2020, "东营市垦利区民政局", 505,
          "repeat_header template_cells", filler=6),  # （四）2．没有现成信息需要另 / 行制作
    _case("06_break_label_tail_2021", "pdf", "2021", 2022, "东营市河口区审计局", 506,
          "template_cells page_furniture", filler=3),  # （六）1．… / 申请, "- 4 -", running header
    _case("07_break_header_2021", "pdf", "2021", 2022, "东营市广饶县统计局", 507,
          "template_cells page_furniture", filler=14),  # table 四's header rows broken by the page
    _case("08_break_single_row_2019", "pdf", "2019", 2020, "东营市利津县水利局", 508,
          "long_overview", filler=2),  # 政府集中采购 alone on the next page
    _case("09_break_single_row_2021", "pdf", "2021", 2022, "东营市垦利区商务局", 509,
          "long_overview", filler=4),  # 四、结转下年度继续办理 alone on the next page
    # PDF printed from the web page by LibreOffice Writer: narrow margins, other row heights
    _case("10_break_web_2021", "pdf", "2021", 2022, "东营市河口区林业局", 510,
          "web_print rich_cells", filler=22),  # （四）2．没有现成信息需要另 / 行制作
    _case("11_break_web_heading_2019", "pdf", "2019", 2020, "东营市利津县商务局", 511,
          "web_print rich_cells long_overview", filler=18),  # a row cut; 四、… heading at the next page's top
    _case("12_break_merged_header_2021", "pdf", "2021", 2022, "东营市广饶县审计局", 512,
          "late_total long_overview", filler=1),  # 自然 / 人: a merged header cell cut by the page
    # old Word and RTF, saved from the same Word file
    _case("01_blank_2021", "doc", "2021", 2022, "临沂市河东区退役军人事务局", 601,
          "wrap_headers blank_markers"),
    _case("02_signed_split_2019", "doc", "2019", 2020, "日照市东港区审计局", 602,
          "signed split_labels"),
    _case("01_units_thousands_2021", "rtf", "2021", 2021, "聊城市茌平区教育和体育局", 701,
          "units thousands", big=True),
    # Markdown from PDF/Word-to-Markdown tools (render_md: docling, marker, LLM extractors)
    _case("01_docling_2021", "md", "2021", 2022, "济南市历下区人力资源和社会保障局", 801,
          "md_pad md_repeat md_join wrap_headers split_labels"),
    _case("02_marker_br_2019", "md", "2019", 2020, "青岛市市南区文化和旅游局", 802,
          "split_labels header_order wrap_headers"),
    _case("03_split_pages_2021", "md", "2021", 2023, "淄博市临淄区住房和城乡建设局", 803,
          "md_split md_bold repeat_header page_dash long_overview", scale=6),
    _case("04_split_docling_2019", "md", "2019", 2019, "潍坊市潍城区自然资源局", 804,
          "md_split md_pad md_repeat md_join signed thousands", big=True),
    _case("05_generic_col_blank_2021", "md", "2021", 2022, "烟台市莱山区卫生健康局", 805,
          "md_generic_col blank_markers"),
    _case("06_generic_data_units_2019", "md", "2019", 2020, "济宁市兖州区交通运输局", 806,
          "md_generic_data md_bold units"),
    _case("07_escape_bold_2019", "md", "2019", 2020, "泰安市泰山区市场监督管理局", 807,
          "md_escape md_bold signed artefacts breadcrumb note_star", big=True),
    _case("08_markdown_in_txt_2021", "md", "2021", 2024, "威海市文登区农业农村局", 808,
          "md_generic_blank md_split shift_natural", suffix="txt"),
    _case("09_mineru_html_2019", "md", "2019", 2020, "日照市莒县审计局", 809,
          "md_html md_bold split_labels wrap_headers header_order", point="."),
    # pdftotext [-layout] of the LibreOffice PDF (render_docx → office.convert → office.pdf_text)
    _case("01_blank_cells_2021", "txtlayout", "2021", 2022, "日照市五莲县教育和体育局", 901,
          "blank_markers blank_empty page_dash wrap_headers"),
    _case("02_split_pages_2019", "txtlayout", "2019", 2020, "临沂市罗庄区商务局", 902,
          "long_overview split_labels page_cn"),
    _case("03_split_repeat_units_2021", "txtlayout", "2021", 2023, "德州市德城区水利局", 903,
          "long_overview repeat_header page_dash late_total units", scale=8),
    _case("04_plain_2019", "txtlayout", "2019", 2019, "聊城市阳谷县司法局", 904,
          "pdftotext_plain page_dash split_labels", xfail=PLAIN_PDFTOTEXT),
    _case("05_plain_blank_2021", "txtlayout", "2021", 2022, "菏泽市定陶区民政局", 905,
          "pdftotext_plain blank_markers dash_blanks page_cn", xfail=PLAIN_PDFTOTEXT),
    # tables pasted as tab-separated text (render_lines.render_tsv)
    _case("01_excel_quoted_2021", "txttsv", "2021", 2023, "滨州市滨城区审计局", 1001,
          "tsv_excel crlf split_labels wrap_headers blank_markers blank_empty"),
    _case("02_pandas_repeat_2019", "txttsv", "2019", 2020, "东营市河口区财政局", 1002,
          "tsv_repeat header_order"),
    _case("03_web_copy_2021", "txttsv", "2021", 2022, "枣庄市市中区统计局", 1003,
          "tsv_web split_labels"),
    _case("04_excel_signed_2019", "txttsv", "2019", 2019, "莱芜市钢城区应急管理局", 1004,
          "tsv_excel split_labels signed", big=True),
    # Word's text dumps with the next heading right after a table's last cell (render_text)
    _case("01_tab_2019", "txtnoblank", "2019", 2020, "济南市章丘区医疗保障局", 1101,
          "wrap_headers"),
    _case("02_para_2021", "txtnoblank", "2021", 2022, "青岛市城阳区退役军人事务局", 1102,
          "para"),
    _case("03_para_no_blank_lines_2021", "txtnoblank", "2021", 2023, "潍坊市坊子区科学技术局", 1103,
          "para no_blank_lines split_labels"),
    _case("04_tab_late_total_2021", "txtnoblank", "2021", 2024, "青岛市李沧区教育和体育局", 1104,
          "late_total units"),
    # rows copied out of a PDF viewer: label and numbers on one line (render_lines.render_space)
    _case("01_wrapped_2021", "txtspace", "2021", 2022, "烟台市福山区城市管理局", 1201,
          "split_labels page_dash"),
    _case("02_dash_thousands_2019", "txtspace", "2019", 2020, "淄博市周村区发展和改革局", 1202,
          "blank_markers dash_blanks thousands", big=True),
)
