"""From a Document to a Report: edition, metadata, sections, tables and narrative."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .document import Block, Document, Grid, Paragraph
from .errors import NOTHING_READ, UnreadableInput
from .labels import core, fold, label_index, numbering
from .legacy import legacy_rows
from .matching import fill, grid_score, grid_tokens, rows_from_grid, rows_from_text
from .metadata import (
    PageFacts,
    is_page_noise,
    looks_like_agency,
    parse_title,
    plain,
    valid_agency,
    year_in,
)
from .model import Heading, Meta, Report, Unmapped
from .spec import Edition, Spec, load_spec

__all__ = ["assemble", "detect_edition"]

_SENTENCE = re.compile(r"[。；;！？]")
# Page chrome: a breadcrumb, by its first word or by separators between its parts.
_SEP = r"(?:\s[/>›»]\s?|\s?[/>›»]\s)"


@dataclass(frozen=True)
class _Patterns:
    """The spec's [document] patterns, compiled once."""

    chrome: re.Pattern[str]  # a breadcrumb
    period: re.Pattern[str]  # the statistics period, its year in group 1
    year: re.Pattern[str]  # a year that is not a date's
    date: re.Pattern[str]


@functools.cache
def _patterns(spec: Spec) -> _Patterns:
    starts = "|".join(re.escape(w) for w in spec.document["breadcrumb_starts"])
    found = spec.document_patterns
    return _Patterns(re.compile(rf"^(?:{starts})|{_SEP}.*{_SEP}"), re.compile(found["period_pattern"]),
                     re.compile(found["year_pattern"]), re.compile(found["date_pattern"]))


@dataclass
class _Section:
    key: str | None  # None: before the first recognised heading
    heading: Paragraph | None
    units: list[Block] = field(default_factory=list)


def _clean(doc: Document, spec: Spec) -> tuple[list[Block], list[Unmapped]]:
    """Remove conversion artefacts; placeholders for content we cannot read go to unmapped."""
    artefacts = [re.compile(p) for p in spec.artefacts]
    page_marker = re.compile("|".join(f"(?:{p})" for p in spec.page_markers))
    placeholders = [re.compile(p) for p in spec.placeholders]
    units: list[Block] = []
    unmapped = [Unmapped(where, text) for where, text in doc.skipped]
    for block in doc.blocks:
        if isinstance(block, Grid):
            units.append(block)
            continue
        text = block.text
        if page_marker.match(text.strip()):
            continue
        for pattern in artefacts:
            text = pattern.sub("", text)
        for pattern in placeholders:
            for m in pattern.finditer(text):
                unmapped.append(Unmapped(block.where, m.group(0)))
            text = pattern.sub("", text)
        text = text.strip()
        if text or block.cell:
            units.append(replace(block, text=text))
    return units, unmapped


def _texts(units: list[Block]) -> list[str]:
    texts: list[str] = []
    for unit in units:
        if isinstance(unit, Grid):
            texts.extend(cell.text for cell in grid_tokens(unit))
        else:
            texts.append(unit.text)
    return texts


RUN_TOGETHER = ("表格的标题和数字在文本中连成了一长行，单元格之间没有分隔，无法确定每个数字属于哪一格"
                "（请改用发布的网页、Word 或 PDF 原文）")


def _run_together(units: list[Block], spec: Spec) -> bool:
    """True when the form's header words stand inside long lines: a dump that ran every table
    cell together ("行政规范性文件6233440"), which no reader can split back into cells."""
    long = [fold(t) for t in _texts(units) if len(t) > 80]
    return any(sum(fold(m) in text for m in edition.markers) >= 2
               for edition in spec.editions.values() for text in long)


def detect_edition(units: list[Block], spec: Spec | None = None) -> str | None:
    """The edition whose table-header markers the document shows most, or None."""
    spec = spec or load_spec()
    short = {fold(t) for t in _texts(units) if len(t) <= 80}
    scores = {}
    for key, edition in spec.editions.items():
        markers = [fold(m) for m in edition.markers]
        scores[key] = sum(1 for m in markers if any(m in s for s in short))
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= 2 else None


@functools.cache
def _heading_index(spec: Spec) -> tuple[dict[str, str], tuple[tuple[str, str], ...],
                                        dict[str, tuple[str, tuple[str, ...]]]]:
    """Section headings by their core text; the suffixes that open a section (统计表); and
    each section's own numeral (五) with its key and keywords."""
    exact = {}
    suffixes = []
    numerals = {}
    for section in spec.sections:
        for alias in section.aliases:
            if section.key == "legacy":
                suffixes.append((core(alias, spec), section.key))
            else:
                exact[core(alias, spec)] = section.key
        own = numbering(fold(section.label, spec))
        if own is not None and section.keywords:
            numerals[own[1]] = (section.key, section.keywords)
    return exact, tuple(suffixes), numerals


def _heading(unit: Paragraph, spec: Spec) -> str | None:
    """The section a paragraph opens, when it is a section heading."""
    if unit.cell or len(unit.text) > 60 or _SENTENCE.search(unit.text):
        return None
    numbered = numbering(fold(unit.text, spec))
    if numbered is not None and numbered[0] != "section":
        return None  # (一)主动公开政府信息情况: a part of 一、总体情况, not section 二
    text = core(unit.text, spec).rstrip("。:")
    exact, suffixes, numerals = _heading_index(spec)
    if text in exact:
        return exact[text]
    if numbered is not None and len(text) <= 30 and numbered[1] in numerals:
        key, keywords = numerals[numbered[1]]
        if any(w in text for w in keywords):
            return key
    if len(text) <= 40:
        for suffix, key in suffixes:
            if text.endswith(suffix):
                return key
    return None


def _free_headings(units: list[Block], spec: Spec) -> list[Block]:
    """A section heading swallowed by the cell before it (a text dump with no blank line
    between a table's last cell and the next heading, "…305.6万元\n三、收到和处理…") opens its
    section all the same: the cell is cut there, the lines after it are paragraphs."""
    result: list[Block] = []
    for unit in units:
        if not (isinstance(unit, Paragraph) and unit.cell and "\n" in unit.text):
            result.append(unit)
            continue
        lines = unit.text.split("\n")
        cut = next((i for i, line in enumerate(lines[1:], 1)
                    if _heading(Paragraph(line.strip(), unit.where), spec)), None)
        if cut is None:
            result.append(unit)
            continue
        result.append(replace(unit, text="\n".join(lines[:cut]).strip()))
        result.extend(replace(unit, text=line.strip(), cell=False) for line in lines[cut:] if line.strip())
    return result


def _sections(units: list[Block], spec: Spec) -> list[_Section]:
    sections = [_Section(None, None)]
    caption_words = {fold(w) for w in spec.document["caption_words"]}
    for unit in units:
        key = None if isinstance(unit, Grid) else _heading(unit, spec)
        if key is None or isinstance(unit, Grid):
            sections[-1].units.append(unit)
            continue
        heading = unit
        if key == "legacy":
            # The caption may be split: "区招商局2018年度政府信息公开工作情况" / "统计表",
            # and preceded by "附件".
            previous = sections[-1].units
            parts = [unit.text]
            while previous and isinstance(previous[-1], Paragraph) and not previous[-1].cell and (
                fold(previous[-1].text) in caption_words
                or (len(previous[-1].text) <= 40 and not _SENTENCE.search(previous[-1].text)
                    and not re.search(r"[，,]", previous[-1].text)
                    and fold(previous[-1].text).endswith(spec.document["caption_endings"]))
            ):
                caption = previous.pop()
                assert isinstance(caption, Paragraph)  # checked by the loop's condition
                parts.insert(0, caption.text)
            heading = Paragraph("".join(parts), unit.where)
        sections.append(_Section(key, heading))
    return sections


def _meta_from_preamble(
    preamble: list[Block], all_units: list[Paragraph], source: str, spec: Spec,
    page: Document | None = None,
) -> tuple[Meta, list[Block], list[Unmapped]]:
    """Agency and year from the title lines, or else from what the page says about itself
    (``<h1>``, ``<title>``, meta tags, an info table, 来源：…); returns the meta, the body left,
    and page chrome (breadcrumbs, 正文, 字号：大 中 小, 发布时间：…) that belongs nowhere."""
    meta = Meta(source=source)
    unmapped: list[Unmapped] = []
    chrome = _patterns(spec).chrome
    found = PageFacts()
    if page is not None:
        found.read_head(page, spec)

    def is_title(text: str) -> bool:
        text = plain(text)
        return (year_in(text) is not None and len(text) <= 60 and not re.search(r"[。，,]|[:：]$", text)
                and any(w in fold(text, spec) for w in _title_words(spec)))

    def is_line(unit: Block) -> bool:
        return (isinstance(unit, Paragraph) and not unit.cell and not _SENTENCE.search(unit.text)
                and not chrome.search(unit.text) and not is_page_noise(unit.text, spec))

    def is_chrome(unit: Paragraph) -> bool:
        if chrome.search(unit.text) and not _SENTENCE.search(unit.text):
            return True
        return is_page_noise(unit.text, spec)

    title_at, title_lines, title = None, 1, ""
    for i, unit in enumerate(preamble[:12]):
        if isinstance(unit, Grid):
            found.read_info_grid(unit, spec)  # 名称 | …  发布机构 | …
            continue
        if unit.cell:
            break
        if is_chrome(unit):
            continue
        if is_title(unit.text):
            title_at, title = i, plain(unit.text)
            # A page saved with a header block ("标题：…-沭阳县发改局", 单位：…, 来源：…) prints
            # the title again above the text: the last title line is where the text starts.
            again = [(j, p) for j, p in enumerate(preamble[i + 1:12], i + 1)
                     if isinstance(p, Paragraph) and not p.cell
                     and is_title(p.text) and plain(p.text) in title]
            if again:
                title_at, title = again[-1][0], plain(again[-1][1].text)
            break
        # A centred title wrapped over two lines: "2025 年上海市人民政府办公厅政府信息公开" / "工作年度报告"
        following = preamble[i + 1] if i + 1 < len(preamble) else None
        if (isinstance(following, Paragraph) and is_line(unit) and is_line(following)
                and not is_title(following.text) and is_title(plain(unit.text) + plain(following.text))):
            title_at, title, title_lines = i, plain(unit.text) + plain(following.text), 2
            break
    if title_at is None:
        body = list(preamble)
        while body and isinstance(body[0], Paragraph) and not body[0].cell and is_chrome(body[0]):
            found.read_chrome_line(body[0].text, spec)
            unmapped.append(Unmapped(body[0].where, body[0].text))
            body.pop(0)
        # No title line: a first line that is only a name ("浑南区国资局") names the agency.
        if (body and isinstance(body[0], Paragraph) and not body[0].cell
                and looks_like_agency(body[0].text, spec)):
            found.names.append(plain(body[0].text))
            body.pop(0)
    else:
        head = preamble[:title_at]
        body = [u for u in head if isinstance(u, Grid)]  # an info table stays where it was read
        for unit in head:
            if isinstance(unit, Grid):
                continue
            if is_chrome(unit):
                found.read_chrome_line(unit.text, spec)
                unmapped.append(Unmapped(unit.where, unit.text))
            elif valid_agency(plain(unit.text), spec) and not _SENTENCE.search(unit.text):
                found.names.append(plain(unit.text))  # "淄川区招商局" above "2020年…年度报告"
            else:
                unmapped.append(Unmapped(unit.where, unit.text))
        rest = list(preamble[title_at + title_lines:])
        while rest and isinstance(rest[0], Paragraph) and not rest[0].cell and is_chrome(rest[0]):
            found.read_chrome_line(rest[0].text, spec)  # "字号：大 中 小" under the title
            unmapped.append(Unmapped(rest[0].where, rest[0].text))
            rest.pop(0)
        body += rest
        found.report_title = title
    found.read_opening([u.text for u in body[:6] if isinstance(u, Paragraph) and not u.cell], spec)
    meta.year, agency = found.decide(spec)
    if agency:
        agency = _complete_agency(agency, all_units, spec, found.full_names(spec))
    meta.agency = agency or None
    return meta, body, unmapped


@functools.cache
def _title_words(spec: Spec) -> tuple[str, ...]:
    return tuple(fold(w, spec) for w in spec.document["title_words"])


def _agency_from_title(title: str, spec: Spec) -> str:
    """The agency a title names, or ""."""
    return parse_title(title, spec).agency or ""


def _complete_agency(agency: str, units: list[Paragraph], spec: Spec, known: Sequence[str] = ()) -> str:
    """"区招商局" → "周村区招商局" when the page names the agency in full (来源：深圳市福田区…,
    the site's name) or the text does in a document title such as 《周村区招商局媒体信息发布管理制度》."""
    if not agency.startswith(tuple(spec.document["partial_agency_prefixes"])):
        return agency
    fuller = [name for name in known if name.endswith(agency) and len(name) > len(agency)]
    if fuller:
        return fuller[0]
    pattern = re.compile(r"《([\u4e00-\u9fff]{1,8}?)" + re.escape(agency))
    found = Counter(m.group(1) + agency for u in units for m in pattern.finditer(u.text))
    if found:
        return found.most_common(1)[0][0]
    # "区财政局" on the site of 淮安市洪泽区人民政府: the district is the site's
    for name in known:
        suffix = next((s for s in spec.document["government_suffixes"] if name.endswith(s)), "")
        region = name.removesuffix(suffix)
        if region != name and len(region) > 1 and region.endswith(agency[0]):
            return region + agency[1:]
    return agency


def _date(text: str, spec: Spec) -> str | None:
    m = _patterns(spec).date.fullmatch(re.sub(r"\s+", "", text))
    if not m:
        return None
    year, month, day = m.groups()
    if not 1 <= int(month) <= 12:
        return None
    return f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")


def _published(units: list[Paragraph], spec: Spec) -> str | None:
    """The date at the end of the report, or stated as 填报日期."""
    for unit in units:
        for word in spec.document["filled_on"]:
            if word in unit.text:
                after = unit.text.split(word, 1)[1].lstrip("：: ")
                found = _date(after.split()[0], spec) if after.split() else None
                if found:
                    return found
    tail = [u for u in units if not u.cell][-3:]
    for unit in reversed(tail):
        found = _date(unit.text, spec)
        if found:
            return found
    return None


def _year_from_text(units: list[Paragraph], spec: Spec) -> int | None:
    """The statistics period's year (统计期限自2020年1月1日…), or the year the opening lines name
    most; page chrome (发布时间：2022年1月20日) and dates do not count."""
    patterns = _patterns(spec)
    for unit in units:
        m = patterns.period.search(unit.text)
        if m:
            return int(m.group(1))
    years = Counter(int(m.group(1)) for u in units[:20] if not is_page_noise(u.text, spec)
                    for m in patterns.year.finditer(u.text))
    return years.most_common(1)[0][0] if years else None


def assemble(doc: Document, spec: Spec | None = None) -> Report:
    """Turn a Document into a Report; UnreadableInput when it holds no report table, or
    when not one cell of its tables could be read (a blank form's blank cells count)."""
    spec = spec or load_spec()
    units, unmapped = _clean(doc, spec)
    units = _free_headings(units, spec)
    edition_key = detect_edition(units, spec)
    if edition_key is None and _run_together(units, spec):
        raise UnreadableInput(doc.source, RUN_TOGETHER)
    if edition_key is None:
        raise UnreadableInput(doc.source, "没有找到年报表格（主动公开、依申请公开、行政复议诉讼表或统计表）")
    paragraphs = [u for u in units if isinstance(u, Paragraph)]
    sections = _sections(units, spec)
    meta, body, chrome = _meta_from_preamble(sections[0].units, paragraphs, doc.source, spec, doc)
    unmapped.extend(chrome)
    meta.edition = edition_key
    if meta.year is None:
        meta.year = _year_from_text(paragraphs, spec)
    meta.published = _published(paragraphs, spec)
    report = Report.blank(meta, spec)
    edition = spec.edition(edition_key)
    for table_key, table in edition.tables.items():
        for row in table.off_form:  # kept below only when the source prints the row
            report.add_off_form_row(table_key, row.key, spec)
    narrative: dict[str, list[str]] = {}
    sections[0] = _Section("overview", None, body)
    placed = _place_grids(sections, edition, report, unmapped, spec)
    for section in sections:
        key = section.key or "overview"  # sections[0] was given its key above
        texts = [u for u in section.units if isinstance(u, Paragraph)]
        for grid in (u for u in section.units if isinstance(u, Grid) and id(u) not in placed):
            texts.extend(t for t in grid_tokens(grid) if t.text)  # a layout table, not a form
        if key in edition.tables and key not in placed.values():
            table = edition.table(key)
            tokens = _without_filled_lines(texts, spec)
            if table.layout == "indicators":
                rows, lost = legacy_rows(table, tokens)
                report.legacy = (report.legacy or []) + rows
            else:
                candidates, lost = rows_from_text(table, tokens, label_index(table, spec))
                lost += fill(table, candidates, report.tables[key])
            unmapped.extend(lost)
        elif spec.section(key).kind == "table":
            # Text beside a table that came as a grid, or a table of another edition than the
            # one detected: keep the text, not as numbers.
            unmapped.extend(Unmapped(u.where, u.text) for u in texts
                            if u.text and not _is_note(u.text, edition, spec))
        else:
            for u in texts:
                if u.text and _is_text_chrome(u.text, spec):
                    unmapped.append(Unmapped(u.where, u.text))  # a widget of the page, with its place
                elif u.text:
                    narrative.setdefault(key, []).append(u.text)
    for key, cells in list(report.tables.items()):
        for off in edition.table(key).off_form:
            if not any(cell.where for cell in cells[off.key].values()):
                del cells[off.key]  # the form's own layout: the off-form row is not in the report
        if not any(cell.where for columns in cells.values() for cell in columns.values()):
            del report.tables[key]  # SPEC: tables the report does not have are absent
    if all(t.layout == "indicators" for t in edition.tables.values()) and not report.legacy:
        report.legacy = None  # a 统计表 caption without a single row read
    if not report.has_tables():
        raise UnreadableInput(doc.source, NOTHING_READ)
    report.narrative = {k: "\n".join(v) for k, v in narrative.items() if v}
    report.headings = [Heading(s.key, s.heading.text, s.heading.where)
                       for s in sections[1:] if s.key is not None and s.heading is not None]
    report.unmapped = unmapped
    return report


_CHROME_LONGEST = 20  # characters: a longer line of the text is the report's, whatever it starts with


@functools.cache
def _text_chrome(spec: Spec) -> frozenset[str]:
    return frozenset(fold(word, spec) for word in spec.document["text_chrome"])


def _is_text_chrome(text: str, spec: Spec) -> bool:
    """A line of a text section that is the page's chrome, not the report's: one of the spec's
    ``text_chrome`` widgets, or a short line without a sentence's punctuation that page_noise
    starts (打印本页, 来源：…)."""
    folded = fold(plain(text), spec).rstrip(":：")
    if folded in _text_chrome(spec):
        return True
    return len(folded) <= _CHROME_LONGEST and not _SENTENCE.search(text) and is_page_noise(text, spec)


def _place_grids(
    sections: list[_Section], edition: Edition, report: Report, unmapped: list[Unmapped], spec: Spec
) -> dict[int, str]:
    """Fill the report from every grid that is one of the edition's tables; returns which
    grids (by id) went to which table. A table split over several grids (page breaks) is
    read as one, its column map carried from part to part."""
    placed: dict[int, str] = {}
    carried: dict[str, dict[int, str] | None] = {}
    for section in sections:
        for grid in (u for u in section.units if isinstance(u, Grid)):
            scores = {
                key: grid_score(table, grid, label_index(table, spec))
                for key, table in edition.tables.items()
            }
            best = max(scores, key=lambda k: scores[k]) if scores else None
            if best is None or scores[best] < 2:
                if best is not None and scores[best] == 0 and section.key in carried:
                    best = section.key  # a continuation with numbers only
                else:
                    continue
            if not any(c.text.strip() for row in grid.rows for c in row):
                continue
            table = edition.table(best)
            placed[id(grid)] = best
            if table.layout == "indicators":
                rows, lost = legacy_rows(table, grid_tokens(grid))
                report.legacy = (report.legacy or []) + rows
            else:
                candidates, lost, carried[best] = rows_from_grid(
                    table, grid, label_index(table, spec), carried.get(best))
                lost += fill(table, candidates, report.tables[best])
            unmapped.extend(lost)
    return placed


def _is_note(text: str, edition: Edition, spec: Spec) -> bool:
    """A table's caption or printed note, e.g. "（本列数据的勾稽关系为：…）"."""
    for table in edition.tables.values():
        index = label_index(table, spec)
        if index.lookup(text) is not None or fold(text) == fold(table.title):
            return True
    return False


def _without_filled_lines(units: list[Paragraph], spec: Spec) -> list[Paragraph]:
    """"填报单位：区商务局　填报日期：2019.1.16" above a 统计表 is metadata, not a row (every
    field of that line)."""
    def filled(unit: Paragraph) -> bool:
        return any(w in unit.text for w in spec.document["filled_by"]) and (not unit.cell or unit.line > 0)

    lines = {u.line for u in units if u.line and filled(u)}
    return [u for u in units if not filled(u) and not (u.line and u.line in lines)]
