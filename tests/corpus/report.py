"""One case's report as a document: title, the six sections, the three tables, a signature."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .content import ACTIVE, APPLICANTS, Number, Printed, Values
from .layout import Doc, Para, Style, active_table, appeals_table, requests_table


@dataclass(frozen=True)
class Case:
    """A case description: who reports, for which year, on which form, in which format."""

    name: str
    fmt: str  # html, docx, txttab, txtpara, pdf, doc, rtf, md, txtlayout, txttsv, txtnoblank, txtspace
    edition: str
    year: int
    agency: str
    seed: int
    variants: frozenset[str] = frozenset()
    scale: int = 3  # how many requests an applicant column sees
    big: bool = False  # a city: table 二 counts in the thousands
    point: str = "．"
    suffix: str | None = None  # the file's extension when not the format's own (Markdown as .txt)
    # A layout that does not say where some number belongs: (cell, reason); the test must fail.
    xfail: tuple[str, str] | None = None
    filler: int = 0  # lines of text added before table 二: where the page breaks the tables

    @property
    def ext(self) -> str:
        if self.suffix:
            return self.suffix
        return "txt" if self.fmt.startswith("txt") else self.fmt


def _n(value: Number) -> int:
    return int(value or 0)


def _overview(case: Case, values: Values, rng: random.Random) -> list[str]:
    year, agency = case.year, case.agency
    received = sum(_n(values.requests["new_received"][c]) for c in APPLICANTS) or _n(
        values.requests["new_received"]["total"])
    carried = sum(_n(values.requests["carried_in"][c]) for c in APPLICANTS)
    paragraphs = [
        f"{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息"
        "公开条例》和上级政务公开工作要点，围绕中心工作，持续深化政务公开，不断提升政府信息公开工作质量。",
        f"（一）主动公开情况。通过门户网站、政务新媒体等渠道主动公开政府信息{rng.randint(60, 900)}条，"
        f"其中政策文件{rng.randint(3, 40)}条、工作动态{rng.randint(20, 300)}条，"
        f"发布政策解读{rng.randint(1, 20)}篇。",
        f"（二）依申请公开情况。{year}年共收到政府信息公开申请{received}件，上年结转{carried}件，"
        "均在法定期限内予以答复，未发生因答复不及时引发的行政复议或行政诉讼。",
        "（三）政府信息管理情况。严格落实信息发布保密审查机制，坚持“先审查、后公开”和“一事一审”原则，"
        "动态调整主动公开目录，全年未发生失泄密事件。",
        "（四）政府信息公开平台建设情况。持续优化门户网站政府信息公开专栏，规范设置栏目，及时更新内容，"
        "加强政务新媒体日常监管，确保信息发布准确、及时。",
        "（五）监督保障情况。调整充实政务公开工作领导小组，明确分管领导和专职人员，"
        "将政务公开工作纳入年度目标考核，组织开展业务培训2次。",
    ]
    if "long_overview" in case.variants:
        more = [
            f"围绕优化营商环境、民生保障、重大项目建设等重点领域，{agency}细化公开内容，"
            "及时发布各类通知公告、行政执法信息和财政预决算信息，主动回应社会关切，"
            "对涉及群众切身利益的政策文件同步开展解读，通过图文、视频等多种形式提高政策知晓度。" * 2,
            "规范依申请公开办理流程，严格执行登记、审核、办理、答复、归档各环节要求，"
            "加强与申请人的沟通，准确了解申请人的信息需求，提高答复的针对性和规范性。" * 2,
            "强化政务公开队伍建设，定期组织学习《条例》及相关配套制度，"
            "提升工作人员的业务能力和依法公开意识，"
            "形成主要领导亲自抓、分管领导具体抓、科室协同落实的工作格局。" * 2,
        ]
        paragraphs[1:1] = more
    # One printed line each (16 pt 仿宋 on a 15.8 cm line): each moves the tables down a line.
    paragraphs += ["全面推进政务公开标准化规范化工作。"] * case.filler
    return paragraphs


def _problems(case: Case) -> list[str]:
    return [
        "（一）存在的主要问题。一是主动公开的深度和广度还需拓展；二是政策解读形式较为单一，"
        "图解、视频等解读方式运用不多；三是工作人员业务能力有待进一步提高。",
        f"（二）改进情况。{case.year + 1}年，我们将进一步规范公开内容，丰富解读形式，"
        "加强业务培训，推动政府信息公开工作提质增效。",
    ]


def _intro(case: Case) -> str:
    period = (f"{case.year}11日至{case.year}1231日" if "garbled_date" in case.variants
              else f"{case.year}年1月1日至{case.year}年12月31日")
    return (f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制，"
            f"全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
            f"政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"
            f"本报告中所列数据的统计期限自{period}止。")


def style_for(case: Case, extra_request: dict[str, str] | None, extra_active: list[str] | None) -> Style:
    v = case.variants
    return Style(
        point=case.point,
        ascii_brackets="ascii_brackets" in v,
        split="split_labels" in v,
        traditional="traditional" in v,
        header_order="header_order" in v,
        wrap_headers="wrap_headers" in v,
        shift_natural="shift_natural" in v,
        late_total="late_total" in v,
        extra_request_row=("（八）其中：涉及征地拆迁的申请", extra_request) if extra_request else None,
        extra_active_row=("行政确认", extra_active) if extra_active else None,
    )


def extra_rows(case: Case, values: Values) -> tuple[dict[str, str] | None, list[str] | None, list[str]]:
    """A province's extra rows (printed text only: they are not spec rows), and what the
    converter must then keep in ``unmapped``."""
    rng = random.Random(case.seed + 17)
    request = active = None
    expect = []
    if "extra_request_row" in case.variants:
        sub = {c: min(_n(values.requests["new_received"][c]), rng.randint(0, 2)) for c in APPLICANTS}
        request = {c: str(sub[c]) for c in APPLICANTS} | {"total": str(sum(sub.values()))}
        expect.append("涉及征地拆迁")
    if "extra_active_row" in case.variants:
        count = len(ACTIVE[case.edition]["licensing"])
        if count == 1:
            active = [str(rng.randint(11, 60))]
        else:
            active = [str(rng.randint(5, 30)), "0", str(rng.randint(11, 60))]
        expect.append("行政确认")
    return request, active, expect


def build(case: Case, values: Values, printed: Printed, style: Style) -> Doc:
    """The whole report, in the order of the official outline."""
    rng = random.Random(case.seed + 3)
    if "title_two_lines" in case.variants:
        title_paras = [Para(case.agency, "title"), Para(f"{case.year}年政府信息公开工作年度报告", "title")]
    else:
        title_paras = [Para(f"{case.agency}{case.year}年政府信息公开工作年度报告", "title")]
    doc = Doc(title="".join(p.text for p in title_paras), agency=case.agency)
    if "breadcrumb" in case.variants:
        doc.breadcrumb = "首页 > 政府信息公开 > 年报"
    overview = _overview(case, values, rng)
    if "artefacts" in case.variants:
        overview[0] = "[bookmark: _GoBack]" + overview[0]
        overview.insert(2, "[image: 图片1]")
    doc.blocks += title_paras
    doc.blocks += [Para(_intro(case)), Para("一、总体情况", "heading"), *(Para(t) for t in overview)]
    doc.blocks += [Para("二、主动公开政府信息情况", "heading"),
                   active_table(case.edition, values, printed, style)]
    if "note_star" in case.variants:  # a footnote under table 二, as some reports print one
        doc.blocks.append(Para("*注：表中数据的统计期限为本年度1月1日至12月31日。"))
    doc.blocks += [Para("三、收到和处理政府信息公开申请情况", "heading"),
                   requests_table(case.edition, values, printed, style)]
    doc.blocks += [Para("四、政府信息公开行政复议、行政诉讼情况", "heading"),
                   appeals_table(values, printed, style)]
    doc.blocks += [Para("五、存在的主要问题及改进情况", "heading"), *(Para(t) for t in _problems(case))]
    doc.blocks += [Para("六、其他需要报告的事项", "heading"),
                   Para(f"依据《政府信息公开信息处理费管理办法》，{case.year}年度本机关未收取信息处理费。"),
                   Para(case.agency, "signature"),
                   Para(f"{case.year + 1}年1月{rng.randint(10, 28)}日", "date")]
    return doc
