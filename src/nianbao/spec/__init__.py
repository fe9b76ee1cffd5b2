"""The official tables as frozen data, loaded once from ``spec.toml``."""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any

__all__ = [
    "RULE_STAGES",
    "Column",
    "Consolidated",
    "Edition",
    "FindingsView",
    "Group",
    "MetaField",
    "Numbering",
    "Numbers",
    "RegisterWords",
    "Row",
    "Rule",
    "Section",
    "Spec",
    "Table",
    "WorkbookWords",
    "load_spec",
]


@dataclass(frozen=True)
class Column:
    """A value column: its key, official label (or header path) and kind of number."""

    key: str
    path: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    kind: str = "count"  # count | money | signed

    @property
    def label(self) -> str:
        return self.path[-1]

    @property
    def is_money(self) -> bool:
        return self.kind == "money"


@dataclass(frozen=True)
class Row:
    """A table row: its key, label path (outermost merged cell first) and its columns."""

    key: str
    path: tuple[str, ...]
    columns: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    group: str | None = None
    # An off-form row (not on its edition's form, printed by some reports anyway): the label and
    # the note the workbook shows for it under the form.
    off_form_label: str = ""
    off_form_note: str = ""

    @property
    def label(self) -> str:
        return self.path[-1] if self.path else ""


@dataclass(frozen=True)
class Group:
    """A block of rows in table 二 that shares one header line (第二十条第（一）项 …)."""

    label: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True, eq=False)
class Table:
    """One table of one edition, rows and columns already filtered for that edition."""

    key: str
    title: str
    sheet: str
    layout: str  # groups | matrix | indicators
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    groups: tuple[Group, ...] = ()
    corner: str = ""
    row_header: str = ""
    notes: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    code_header: str = ""  # 统计表: the workbook's column of the rows' codes
    units: tuple[str, ...] = ()
    money_units: tuple[str, ...] = ()
    header_aliases: tuple[str, ...] = ()  # 统计表: regional header words, skipped like `header`
    year_header: str = ""  # 统计表: pattern of a header naming the value column by its year
    cumulative_headers: tuple[str, ...] = ()  # 统计表: header words of a second value column
    cumulative_label: str = ""
    off_form: tuple[Row, ...] = ()  # rows some reports print although the form has none
    _columns_by_key: Mapping[str, Column] = field(default_factory=lambda: MappingProxyType({}), repr=False)
    _rows_by_key: Mapping[str, Row] = field(default_factory=lambda: MappingProxyType({}), repr=False)

    def column(self, key: str) -> Column:
        return self._columns_by_key[key]

    def row(self, key: str) -> Row:
        return self._rows_by_key[key]

    def has_row(self, key: str) -> bool:
        """True for a row of the form and for an off-form row."""
        return key in self._rows_by_key

    def is_off_form(self, key: str) -> bool:
        """True for a row that is not on the form but that some reports print."""
        return any(r.key == key for r in self.off_form)

    def cells(self) -> tuple[tuple[Row, Column], ...]:
        """Every (row, column) value cell of the form, in reading order (off-form rows aside)."""
        return tuple((row, self.column(c)) for row in self.rows for c in row.columns)

    def off_form_cells(self) -> tuple[tuple[Row, Column], ...]:
        """The (row, column) cells of the off-form rows."""
        return tuple((row, self.column(c)) for row in self.off_form for c in row.columns)


@dataclass(frozen=True)
class Edition:
    """A version of the report form (``2021``, ``2019``, ``legacy``) and its tables."""

    key: str
    label: str
    first_year: int
    last_year: int
    markers: tuple[str, ...]
    tables: Mapping[str, Table]
    short_label: str = ""  # 2021年版: in lists and summaries
    blank_label: str = ""  # 统计表: in a blank workbook's file name
    menu_label: str = ""  # 2021年版（2021年及以后）: the add-in's 新建空白年报 menu

    def table(self, key: str) -> Table:
        return self.tables[key]

    def fits_year(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


@dataclass(frozen=True)
class Section:
    """A part of the report: 一、总体情况 … 六、其他需要报告的事项, or the 统计表."""

    key: str
    label: str
    kind: str  # text | table
    aliases: tuple[str, ...]
    # Words that make a short line numbered with this section's own numeral (五、) its heading.
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class MetaField:
    key: str
    label: str


@dataclass(frozen=True)
class Rule:
    """An arithmetic rule (勾稽关系) with its stable id; ``params`` holds the rest."""

    id: str
    table: str
    severity: str
    kind: str
    title: str
    description: str
    editions: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # validate: run by the validator | consolidate: by the consolidation | parent: by the
    # consolidation against the parent's own report (RULE_STAGES)
    stage: str = "validate"

    def render(self, **values: Any) -> str:
        """The rule's message template filled in."""
        return self.params["message"].format(**values)


@dataclass(frozen=True)
class Numbering:
    """The words of label numbering: Chinese digits, ten, 其中 and the 表 of a caption."""

    digits: str  # 一 … 九
    ten: str
    among: str
    caption: str


@dataclass(frozen=True)
class WorkbookWords:
    """The standard workbook's own words: font, 基本信息's extra rows, 来源's columns, footer."""

    font: str
    continued: str
    info_rows: tuple[str, ...]  # converter, time, the edition's full name, the tables missing
    unmapped_title: str
    unmapped_columns: tuple[str, ...]
    provenance_columns: tuple[str, ...]
    footer: str
    print_header: str = "{agency} {year}"  # every printed page's header in a filled workbook
    years: tuple[int, int] = (2000, 2100)  # what a 年度 cell accepts
    # by kind (count, money, signed, year): prompt_title, prompt, error_title, error
    validation: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))
    # the live rules' words: the 勾稽公式 sheet's columns, the status line (workbook.live)
    live: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class FindingsView:
    """How findings are shown: severity words and the 校验结果 sheet's name and columns."""

    severity: Mapping[str, str]  # error → 错误, warning → 警告
    blank: str  # how a message names a blank value
    example_agency: str  # the agency of a rule's example report
    sheet: str
    columns: tuple[str, ...]
    marked_column: str  # the add-in's hidden column after `columns`
    marked: str  # in it: this cell's comment is the add-in's own
    # the 已核实 sheet's columns and the words of accepting a warning (validate.accepted)
    accepted_columns: tuple[str, ...] = ()
    accepted_words: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Consolidated:
    """The consolidated workbook's sheet names, headline figures and column headers."""

    sheets: Mapping[str, str]
    title: str  # of 汇总, after the year
    font: str
    headline: tuple[tuple[str, str, str], ...]  # (table, row, column) shown beside last year's
    status: Mapping[str, str]  # passed | warned | failed → 通过 | 有警告 | 有错误
    outcome_group: str  # the first label of table 三's 办理结果 rows
    summary_agency: str
    detail_columns: tuple[str, ...]
    findings_columns: tuple[str, ...]
    roster_headers: tuple[str, ...]
    ranking: tuple[str, str, str]  # the cell 图表 ranks the departments by
    headers: Mapping[str, tuple[str, ...]]  # the smaller tables' headers and words, by name


@dataclass(frozen=True)
class RegisterWords:
    """The agency register's file name, column headers (by meaning: name, others, region,
    years, source), the separator within a cell, and its messages."""

    file: str
    columns: Mapping[str, str]
    separator: str
    messages: Mapping[str, str]
    # how long a place name may be before a region suffix (地区): by suffix, else the default
    region_name_lengths: Mapping[str, tuple[int, int]]
    region_name_length: tuple[int, int]


@dataclass(frozen=True)
class Numbers:
    """The units a value cell may carry after its number."""

    count_units: frozenset[str]
    money_unit: str  # 万元: money is in it
    yuan_unit: str  # 元: divided by 10000
    wan_unit: str  # 万: a count multiplied by 10000


@dataclass(frozen=True, eq=False)  # hashed by identity: it is loaded once
class Spec:
    """Everything the pipeline knows about the report form."""

    format: str
    editions: Mapping[str, Edition]
    sections: tuple[Section, ...]
    meta_fields: tuple[MetaField, ...]
    sheets: Mapping[str, str]
    # Every rule, the validator's and the consolidation's (``stage``), in the spec's order.
    all_rules: tuple[Rule, ...]
    char_folds: Mapping[str, str]
    blank_markers: frozenset[str]
    artefacts: tuple[str, ...]
    page_markers: tuple[str, ...]
    placeholders: tuple[str, ...]
    document: Mapping[str, tuple[str, ...]]
    # The single-string entries of [document]: regular expressions (…_pattern) and words.
    document_patterns: Mapping[str, str]
    numbers: Numbers
    numbering: Numbering
    workbook: WorkbookWords
    findings: FindingsView
    consolidated: Consolidated
    default_edition: str
    # The Excel add-in's words ([addin]): its message boxes' title and what its VBA says when
    # Python cannot be started.
    addin: Mapping[str, str]
    # A printed row label at least this similar (0–1) to the form's label at its place is
    # read as that row, with a warning (report.label_misprint).
    misprint_similarity: float
    # The agency register (单位名录): its file, headers and messages ([register]).
    register: RegisterWords

    def edition(self, key: str) -> Edition:
        return self.editions[key]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.all_rules if r.id == rule_id)

    @functools.cached_property
    def rules(self) -> tuple[Rule, ...]:
        """The rules the validator runs (the consolidation's own are in ``all_rules``)."""
        return tuple(r for r in self.all_rules if r.stage == "validate")

    @functools.cached_property
    def matrix_tables(self) -> tuple[str, ...]:
        """The tables of rows by columns (二、三、四), in the spec's order; not the 统计表."""
        keys: dict[str, None] = {}
        for edition in self.editions.values():
            keys.update(dict.fromkeys(k for k, t in edition.tables.items() if t.layout != "indicators"))
        return tuple(keys)

    def edition_of(self, key: str | None) -> Edition:
        """The edition ``key``, or the default edition when a report does not say."""
        return self.editions[key or self.default_edition]

    def severity_label(self, severity: str) -> str:
        """错误 or 警告."""
        return self.findings.severity[severity]



def _cell_key(key: str) -> tuple[str, str, str]:
    """"requests.new_received.total" → (table, row, column)."""
    table, row, column = key.split(".")
    return table, row, column

def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _applies(entry: Mapping[str, Any], edition: str) -> bool:
    editions = entry.get("editions")
    return editions is None or edition in editions


def _column(raw: Mapping[str, Any]) -> Column:
    path = tuple(raw["path"]) if "path" in raw else (raw["label"],)
    return Column(raw["key"], path, tuple(raw.get("aliases", ())), raw.get("kind", "count"))


def _table(key: str, raw: Mapping[str, Any], edition: str, sheet: str) -> Table | None:
    all_columns = {c["key"]: _column(c) for c in raw.get("columns", ())}
    groups: list[Group] = []
    rows: list[Row] = []
    off_form: list[Row] = []
    if raw["layout"] == "groups":
        for g in raw["groups"]:
            if not _applies(g, edition):
                continue
            cols = tuple(g["columns"])
            group_rows = tuple(
                Row(r["key"], (r["label"],), cols, tuple(r.get("aliases", ())), g["label"])
                for r in g["rows"]
            )
            groups.append(Group(g["label"], cols, group_rows))
            rows.extend(group_rows)
        used = {c for g in groups for c in g.columns}
        columns = tuple(c for k, c in all_columns.items() if k in used)
    else:
        columns = tuple(all_columns.values())
        keys = tuple(all_columns)
        rows = [
            Row(r["key"], tuple(r["path"]), keys, tuple(r.get("aliases", ())))
            for r in raw.get("rows", ())
            if _applies(r, edition)
        ]
        off_form = [
            Row(r["key"], tuple(r["path"]), keys, tuple(r.get("aliases", ())),
                off_form_label=r.get("off_form_label", r["path"][-1]),
                off_form_note=r.get("off_form_note", ""))
            for r in raw.get("rows", ())
            if edition in r.get("off_form", ()) and not _applies(r, edition)
        ]
    if not rows and raw["layout"] != "indicators":
        return None
    return Table(
        key=key,
        title=raw["title"],
        sheet=sheet,
        layout=raw["layout"],
        columns=columns,
        rows=tuple(rows),
        groups=tuple(groups),
        corner=raw.get("corner", ""),
        row_header=raw.get("row_header", ""),
        notes=tuple(raw.get("notes", ())),
        header=tuple(raw.get("header", ())),
        code_header=raw.get("code_header", ""),
        units=tuple(raw.get("units", ())),
        money_units=tuple(raw.get("money_units", ())),
        header_aliases=tuple(raw.get("header_aliases", ())),
        year_header=raw.get("year_header", ""),
        cumulative_headers=tuple(raw.get("cumulative_headers", ())),
        cumulative_label=raw.get("cumulative_label", ""),
        off_form=tuple(off_form),
        _columns_by_key=MappingProxyType({c.key: c for c in columns}),
        _rows_by_key=MappingProxyType({r.key: r for r in (*rows, *off_form)}),
    )


# The stages that run rules, and the prefix their rules' ids start with: the validator's rules
# (any id without another stage's prefix), the consolidation's own, and the parent report's
# comparison with its departments (consolidate --parent).
RULE_STAGES = MappingProxyType({"validate": "", "consolidate": "consolidate.", "parent": "parent."})


def _stage(rule: Mapping[str, Any]) -> str:
    """A rule's stage, checked against its id: each stage's ids start with its prefix."""
    stage = rule.get("stage", "validate")
    if stage not in RULE_STAGES:
        raise ValueError(f"rule {rule['id']}: unknown stage {stage!r}")
    prefix = next((p for s, p in RULE_STAGES.items() if p and rule["id"].startswith(p)), "")
    if prefix != RULE_STAGES[stage]:
        raise ValueError(f"rule {rule['id']}: the id does not fit stage {stage!r}")
    return str(stage)


def parse_spec(raw: Mapping[str, Any]) -> Spec:
    """Build a :class:`Spec` from the parsed TOML document."""
    sheets = dict(raw["sheets"])
    editions = {}
    for ekey, e in raw["editions"].items():
        tables = {}
        for tkey in e["tables"]:
            table = _table(tkey, raw["tables"][tkey], ekey, sheets[tkey])
            if table is not None:
                tables[tkey] = table
        editions[ekey] = Edition(
            ekey, e["label"], e["first_year"], e["last_year"], tuple(e["markers"]),
            MappingProxyType(tables), e["short_label"], e.get("blank_label", e["short_label"]),
            e.get("menu_label", e["short_label"]),
        )
    rules = tuple(
        Rule(
            id=r["id"], table=r["table"], severity=r["severity"], kind=r["kind"],
            title=r["title"], description=r["description"],
            editions=tuple(r.get("editions", ())),
            params=_freeze({k: v for k, v in r.items() if k not in {
                "id", "table", "severity", "kind", "title", "description", "editions", "stage"}}),
            stage=_stage(r),
        )
        for r in raw["rules"]
    )
    norm = raw["normalize"]
    numbers, findings, consolidated = raw["numbers"], raw["findings"], raw["consolidated"]
    words = raw["workbook"]
    return Spec(
        format=raw["format"],
        editions=MappingProxyType(editions),
        sections=tuple(
            Section(s["key"], s["label"], s["kind"], tuple(s["aliases"]), tuple(s.get("keywords", ())))
            for s in raw["sections"]
        ),
        meta_fields=tuple(MetaField(m["key"], m["label"]) for m in raw["meta"]),
        sheets=MappingProxyType(sheets),
        all_rules=rules,
        char_folds=MappingProxyType(dict(norm["chars"])),
        blank_markers=frozenset(norm["blank_markers"]),
        artefacts=tuple(norm["artefacts"]),
        page_markers=tuple(norm["page_markers"]),
        placeholders=tuple(norm["placeholders"]),
        document=MappingProxyType({k: tuple(v) for k, v in raw["document"].items() if isinstance(v, list)}),
        document_patterns=MappingProxyType({k: v for k, v in raw["document"].items() if isinstance(v, str)}),
        numbers=Numbers(frozenset(numbers["count_units"]), numbers["money_unit"], numbers["yuan_unit"],
                        numbers["wan_unit"]),
        numbering=Numbering(**raw["numbering"]),
        workbook=WorkbookWords(
            font=words["font"], continued=words["continued"], info_rows=tuple(words["info_rows"]),
            unmapped_title=words["unmapped_title"], unmapped_columns=tuple(words["unmapped_columns"]),
            provenance_columns=tuple(words["provenance_columns"]), footer=words["footer"],
            print_header=words["print_header"], years=(words["years"][0], words["years"][1]),
            validation=MappingProxyType({kind: MappingProxyType(dict(texts))
                                         for kind, texts in words["validation"].items()}),
            live=MappingProxyType(dict(words["live"]))),
        findings=FindingsView(MappingProxyType(dict(findings["severity"])), findings["blank"],
                              findings["example_agency"], findings["sheet"], tuple(findings["columns"]),
                              findings["marked_column"], findings["marked"],
                              tuple(findings["accepted_columns"]),
                              MappingProxyType({k: findings[k] for k in (
                                  "accepted_note", "accept_unknown", "accept_error", "accept_no_reason",
                                  "accept_hint")})),
        consolidated=Consolidated(
            sheets=MappingProxyType(dict(consolidated["sheets"])),
            title=consolidated["title"],
            font=consolidated["font"],
            headline=tuple(_cell_key(key) for key in consolidated["headline"]),
            status=MappingProxyType(dict(consolidated["status"])),
            outcome_group=consolidated["outcome_group"],
            summary_agency=consolidated["summary_agency"],
            detail_columns=tuple(consolidated["detail_columns"]),
            findings_columns=tuple(consolidated["findings_columns"]),
            roster_headers=tuple(consolidated["roster_headers"]),
            ranking=_cell_key(consolidated["ranking"]),
            headers=MappingProxyType({k: tuple(v) for k, v in consolidated["headers"].items()}),
        ),
        default_edition=raw["default_edition"],
        addin=MappingProxyType(dict(raw["addin"])),
        misprint_similarity=float(raw["matching"]["misprint_similarity"]),
        register=RegisterWords(
            file=raw["register"]["file"], columns=MappingProxyType(dict(raw["register"]["columns"])),
            separator=raw["register"]["separator"],
            messages=MappingProxyType({k: v for k, v in raw["register"].items()
                                       if isinstance(v, str) and k not in {"file", "separator"}}),
            region_name_lengths=MappingProxyType({
                k: (int(v[0]), int(v[1])) for k, v in raw["register"]["region_name_lengths"].items()}),
            region_name_length=(int(raw["register"]["region_name_length"][0]),
                                int(raw["register"]["region_name_length"][1]))),
    )


@functools.cache
def load_spec() -> Spec:
    """The packaged spec, parsed once per process."""
    text = resources.files(__package__).joinpath("spec.toml").read_text(encoding="utf-8")
    return parse_spec(tomllib.loads(text))
