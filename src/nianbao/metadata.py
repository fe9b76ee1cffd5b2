"""The agency and year where real reports put them: title lines, the page head, the text.

A report names itself in a title: "淄川区招商局2020年政府信息公开工作年度报告", the year first
("2019年上海市人民政府办公厅政府信息公开工作年度报告"), wrapped over two lines, as a Markdown
heading, or only in the page's ``<title>`` with the site after it
("…年度报告_政府信息公开年报_XX区人民政府"). Around it stand words that are never the agency
(正文, 字号：大 中 小, 发布时间：… 来源：…). The words live in the spec's ``[document]``.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from .document import Document, Grid
from .labels import fold
from .spec import Spec, load_spec

__all__ = ["PageFacts", "TitleParts", "agency_in_sentence", "is_page_noise", "looks_like_agency",
           "parse_title", "plain", "publisher_in", "site_agency", "valid_agency", "year_in"]

# The report year: "2021年", "2021 年度", "【2021年】"; not a date ("2022年1月20日").
_WORDS = load_spec().document_patterns
_YEAR = re.compile(_WORDS["title_year_pattern"])
_SENTENCE = re.compile(r"[。；;！？!?，,、:：]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SPACE = re.compile(r"\s+")
# "（以下简称区政府办公室）" after a name in running text
_ALIAS = re.compile(_WORDS["alias_pattern"])


def plain(text: str) -> str:
    """A line without Markdown markup: heading marks, bold and italic marks, ``<br>``."""
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.I)
    text = re.sub(r"^\s*(?:>\s*)*#{1,6}(?=\s|[^#])", "", text)  # "# 标题", "##一、"
    text = re.sub(r"\s+#+\s*$", "", text)  # closing marks of an ATX heading
    text = re.sub(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|`", "", text)
    return text.strip()


# A year in Chinese numerals: "二〇二一年度"
_HAN_YEAR = re.compile(rf"([{_WORDS['year_numerals']}]{{4}})(?=\s*{re.escape(_WORDS['year_word'])})")
_HAN_DIGITS = str.maketrans(_WORDS["year_numerals"], _WORDS["year_numeral_digits"])


def _normal(text: str) -> str:
    """NFKC, no Markdown, years in digits."""
    text = unicodedata.normalize("NFKC", plain(text))
    return _HAN_YEAR.sub(lambda m: m.group(1).translate(_HAN_DIGITS), text)


def _squeeze(text: str) -> str:
    return _SPACE.sub("", _normal(text))


def year_in(text: str) -> int | None:
    """The report year a title or line states, or None; dates (2022年1月20日) are not years."""
    m = _YEAR.search(_squeeze(text))
    return int(m.group(1)) if m else None


@functools.cache
def _folded(spec: Spec, key: str) -> tuple[str, ...]:
    return tuple(sorted({fold(w, spec) for w in spec.document[key]}, key=len, reverse=True))


def is_page_noise(text: str, spec: Spec) -> bool:
    """Page chrome printed around a title: 正文, 字号：大 中 小, 发布时间：… 来源：…, 打印本页."""
    folded = fold(plain(text), spec)
    return len(folded) <= 120 and folded.startswith(_folded(spec, "page_noise"))


def valid_agency(name: str | None, spec: Spec) -> bool:
    """Whether a name found where an agency stands can be one: not a chrome word (正文, 首页,
    政府信息公开年报), not how a report names itself (我局), not a sentence or a date."""
    if not name:
        return False
    folded = fold(name, spec)
    if not 2 <= len(folded) <= 40 or not _CJK.search(folded) or _SENTENCE.search(folded):
        return False
    if re.search(r"\d{4}", folded) or folded in _folded(spec, "not_agency"):
        return False
    if any(w in folded for w in _folded(spec, "title_words") + _folded(spec, "self_names")):
        return False
    return not is_page_noise(name, spec)


@dataclass(frozen=True)
class TitleParts:
    """What a title says: the agency named in the report's title, its year, and the other
    parts of a page title (a column, the site's name) that may name the agency too."""

    agency: str | None
    year: int | None
    others: tuple[str, ...] = ()


@functools.cache
def _separators(spec: Spec) -> re.Pattern[str]:
    words = sorted(spec.document["title_separators"], key=len, reverse=True)
    return re.compile("|".join(re.escape(unicodedata.normalize("NFKC", w)) for w in words))


def _is_report_title(text: str, spec: Spec) -> bool:
    folded = fold(text, spec)
    return any(w in folded for w in _folded(spec, "title_words"))


def _unlabelled(text: str, spec: Spec) -> str:
    """"标题：XX局2021年…" → "XX局2021年…"."""
    head, colon, rest = text.partition(":")
    if colon and fold(head, spec) in _folded(spec, "title_labels"):
        return rest
    return text


def _cut_at_end_words(text: str, spec: Spec) -> str:
    """The name at the start of ``text``: up to the first word that ends an agency's name in a
    title (政府信息公开…, 关于, 年度报告)."""
    ends = {*spec.document["agency_ends"], *spec.document["agency_noise"], *spec.document["title_words"]}
    cut = min((i for w in ends if (i := text.find(w)) >= 0), default=len(text))
    return text[:cut]


def _name(text: str, spec: Spec) -> str | None:
    """A cleaned agency candidate, or None."""
    text = _ALIAS.sub("", text).strip("《》“”\"'【】[]()（）:：、·-_ ")
    for noise in spec.document["agency_noise"]:
        if text.endswith(noise):
            text = text[: -len(noise)]
    text = text.strip("《》“”\"'【】[]()（）:：、·-_ ")
    return text if valid_agency(text, spec) else None


def parse_title(title: str, spec: Spec) -> TitleParts:
    """The agency and year a report title (or a page title with its site after it) states."""
    text = _normal(title).replace("\n", " ")
    parts = [p.strip() for p in _separators(spec).split(text) if p.strip()]
    parts = [_SPACE.sub("", _unlabelled(p, spec)).replace("【", "").replace("】", "") for p in parts]
    at = next((i for i, p in enumerate(parts) if _is_report_title(p, spec) and _YEAR.search(p)), None)
    if at is None:
        at = next((i for i, p in enumerate(parts) if _is_report_title(p, spec)), None)
    if at is None:
        return TitleParts(None, None, tuple(parts))
    report = parts[at]
    others = tuple(parts[:at] + parts[at + 1:])
    m = _YEAR.search(report)
    if m is None:
        return TitleParts(_name(_cut_at_end_words(report, spec), spec), None, others)
    before, after = report[: m.start()], report[m.end():]
    agency = _name(_cut_at_end_words(before, spec), spec) if before else None
    if agency is None:  # the year first: "2019年上海市人民政府办公厅政府信息公开工作年度报告"
        agency = _name(_cut_at_end_words(after, spec), spec)
    return TitleParts(agency, int(m.group(1)), others)


def site_agency(name: str, spec: Spec) -> str | None:
    """The agency a site's name stands for: "XX区人民政府门户网站" → "XX区人民政府"."""
    text = _squeeze(name)
    for suffix in sorted(spec.document["site_suffixes"], key=len, reverse=True):
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    return _name(text, spec)


def looks_like_agency(text: str, spec: Spec) -> bool:
    """A short line that is a name ending like an agency (浑南区国资局, 淮安市人民政府)."""
    name = _squeeze(text)
    return (len(name) <= 30 and name.endswith(tuple(spec.document["agency_suffixes"]))
            and valid_agency(name, spec))


def agency_in_sentence(text: str, spec: Spec) -> str | None:
    """The agency an opening sentence names with the report: "现公布清远市清新区人民政府办公室
    （以下简称区政府办公室）2022年政府信息公开工作年度报告", "编制形成《淄博市投资促进局2021年…》"."""
    text = _ALIAS.sub("", _squeeze(text))
    words = "|".join(re.escape(w) for w in sorted(spec.document["announce_words"], key=len, reverse=True))
    year = re.escape(_WORDS["year_word"])
    for m in re.finditer(rf"(?:{words})([^,，。;；:：《》]{{2,40}}?)((?:19|20)\d{{2}}){year}", text):
        name = _name(m.group(1), spec)
        rest = text[m.end():m.end() + 40]
        if name and looks_like_agency(name, spec) and _is_report_title(rest, spec):
            return name
    return None


def publisher_in(text: str, spec: Spec) -> str | None:
    """The publisher a chrome line states: "发布时间：2022-01-21 来源：深圳市福田区XX署 浏览次数…"."""
    text = unicodedata.normalize("NFKC", plain(text))
    labels = "|".join(re.escape(w) for w in sorted(spec.document["publisher_labels"], key=len, reverse=True))
    for m in re.finditer(rf"(?:{labels})\s*:\s*([^\s:|]+)", text):
        value = m.group(1)
        # the next field may follow without a space: "…服务署浏览次数:"
        stops = [i for w in spec.document["page_noise"] if (i := value.find(w)) > 0]
        value = value[: min(stops)] if stops else value
        name = site_agency(value, spec)
        if name:
            return name
    return None


@dataclass
class PageFacts:
    """What the title lines and the page's chrome say about the report, in order of trust."""

    report_title: str | None = None  # the title line(s) of the report itself
    titles: list[str] = field(default_factory=list)  # the page's: <h1>, meta, <title>, 名称
    names: list[str] = field(default_factory=list)  # lines above the title: "淄川区招商局"
    publishers: list[str] = field(default_factory=list)  # 来源：…, 发布机构, ContentSource
    sites: list[str] = field(default_factory=list)  # SiteName, the site part of <title>
    sentences: list[str] = field(default_factory=list)  # named in the opening text: 现公布XX局2022年…

    def read_head(self, page: Document, spec: Spec) -> None:
        """The page's <h1>, title meta tags and <title>; its publisher and site meta tags."""
        def named(key: str) -> list[str]:
            wanted = {w.lower() for w in spec.document[key]}
            return [text for name, text in page.head if name.lower() in wanted]

        self.titles += [text for name, text in page.head if name == "h1"]
        self.titles += named("page_title_meta")
        if page.title:
            self.titles.append(page.title)
        self.publishers += named("page_publisher_meta")
        self.sites += named("page_site_meta")

    def read_info_grid(self, grid: Grid, spec: Spec) -> None:
        """A page's info table: 名称 | XX局2023年…年度报告, 发布机构 | XX局."""
        title_labels = {fold(w, spec) for w in spec.document["title_labels"]}
        publisher_labels = {fold(w, spec) for w in spec.document["publisher_labels"]}
        for row in grid.rows:
            cells = [c for i, c in enumerate(row) if i == 0 or c.origin != row[i - 1].origin]
            for label, value in itertools.pairwise(cells):
                key = fold(label.text, spec).rstrip(":")
                if key in title_labels:
                    self.titles.append(value.text)
                elif key in publisher_labels:
                    self.publishers.append(value.text)

    def read_opening(self, texts: list[str], spec: Spec) -> None:
        """The agency the opening sentences name with the report, when they do."""
        self.sentences += [a for t in texts if (a := agency_in_sentence(t, spec))][:1]

    def read_chrome_line(self, text: str, spec: Spec) -> None:
        """The publisher a chrome line names (来源：…), if any."""
        name = publisher_in(text, spec)
        if name:
            self.publishers.append(name)

    def full_names(self, spec: Spec) -> list[str]:
        """Every agency name the page states, to complete a partial one (区招商局)."""
        names = [a for n in self.publishers if (a := site_agency(n, spec))]
        names += [n for n in self.names if valid_agency(n, spec)]
        titles = [self.report_title] if self.report_title else []
        names += [a for t in titles + self.titles if (a := parse_title(t, spec).agency)]
        return names + [a for s in self.sites if (a := site_agency(s, spec))]

    def decide(self, spec: Spec) -> tuple[int | None, str | None]:
        """(year, agency): the year of the first title that states one; the agency from the
        report's title, a name line above it, the page's titles, the publisher, the site."""
        own = parse_title(self.report_title, spec) if self.report_title else None
        parsed = [parse_title(t, spec) for t in self.titles]
        year = next((p.year for p in [own, *parsed] if p is not None and p.year is not None), None)
        candidates = [own.agency] if own is not None else []
        candidates += [n for n in reversed(self.names) if valid_agency(n, spec)]
        candidates += [p.agency for p in parsed]
        candidates += [site_agency(n, spec) for n in self.publishers]
        candidates += self.sentences
        candidates += [site_agency(o, spec) for p in parsed for o in p.others]
        candidates += [site_agency(s, spec) for s in self.sites]
        return year, next((c for c in candidates if c), None)
