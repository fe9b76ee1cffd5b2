"""汇总: many departments' reports summed, checked with the same validator, and listed."""

from __future__ import annotations

import errno
import os
import stat
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..agency import same_agency
from ..errors import NianbaoError
from ..files import expand_inputs, save_atomically
from ..model import Cell, Meta, Report
from ..register import AgencyRegister, Sighting, pair_names
from ..spec import Spec, load_spec
from ..validate import Finding, ValidationReport, validate, validate_many
from ..validate.findings import cell_name, json_number
from ..validate.frames import table_shape
from .inputs import agency_key, leave_out_parent, read_roster, same_file
from .parent import ParentComparison, compare_parent, read_parent
from .reading import Read, Reading, bulk, is_dataset, missing_sheets, read_many, report_files
from .totals import CellTotal, LegacyTotal, Stack, cell_totals, legacy_totals, stack

__all__ = ["DUPLICATE_RULE", "CannotWrite", "Change", "Consolidation", "Department", "Duplicate", "NoReports",
           "cannot_write", "consolidate", "missing_sheets", "unreadable_findings", "writable_folder"]

Number = int | float
DUPLICATE_RULE = "以修改时间最新的文件为准"
NO_REPORTS = "没有找到年报文件（标准工作簿或 convert 能读的年报文件）"
LARGEST_CHANGES = 20
_TWO_YEAR_RULES = "year."  # the rules that compare a report with last year's


class NoReports(NianbaoError):
    """The inputs hold no report file at all: nothing to consolidate, nothing is written."""


class CannotWrite(NianbaoError):
    """The consolidated workbook (or its long table) cannot be written where it was asked for."""


_LOCKED = "没有写入权限，或文件正被其他程序打开"
_WHY_NOT = {errno.EACCES: _LOCKED, errno.EPERM: _LOCKED, errno.EROFS: "文件夹是只读的",
            errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "超出磁盘配额", errno.ENOENT: "文件夹不存在",
            errno.EISDIR: "已有同名的文件夹", errno.ENOTDIR: "路径中有一段不是文件夹"}
_NOT_WRITABLE = "文件夹没有写入权限"


def cannot_write(path: Path, exc: OSError | None = None) -> CannotWrite:
    """The refusal, in Chinese, naming the folder: 无法在文件夹“…”中写出 汇总.xlsx（文件夹没有写入权限）."""
    why = _NOT_WRITABLE if exc is None else _WHY_NOT.get(exc.errno or 0, f"系统错误 {exc.errno}")
    return CannotWrite(f"无法在文件夹“{path.parent}”中写出 {path.name}（{why}），未作任何改动")


def writable_folder(path: Path) -> None:
    """Refuse at once, before reading a thousand files, when ``path``'s folder (or the nearest
    one that exists) cannot be written: no write permission, or no write bit at all (a
    read-only folder, which even an administrator should not write into)."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        mode = folder.stat().st_mode
    except OSError as exc:
        raise cannot_write(path, exc) from None
    if not stat.S_ISDIR(mode):
        raise cannot_write(path, OSError(errno.ENOTDIR, "")) from None
    if path.is_dir():
        raise cannot_write(path, OSError(errno.EISDIR, "")) from None
    if not os.access(folder, os.W_OK | os.X_OK) or not mode & 0o222:
        raise cannot_write(path)


@dataclass(eq=False)  # one file, compared by identity
class Department:
    """One report file that could be read, with what consolidation decided about it."""

    path: Path
    report: Report = field(repr=False)
    modified: float
    validation: ValidationReport = field(default_factory=ValidationReport, repr=False)
    previous: Report | None = field(default=None, repr=False)
    previous_path: Path | None = None
    # How last year's report was paired when it names the agency differently:
    # 按“洪泽区人民政府”与上年报告的“淮安市洪泽区人民政府”匹配…
    previous_match: str | None = None
    # The findings stored with the report in a dataset (nianbao convert --dataset): used as
    # they are, not found again (the dataset keeps the cells, not the text they were read from)
    given: tuple[Finding, ...] | None = field(default=None, repr=False)
    # A standard workbook (its cells can be linked to); None: not known, looked at when needed
    workbook: bool | None = None

    @property
    def agency(self) -> str:
        """The agency as the report names it, or the file's name when it does not."""
        return self.report.meta.agency or f"（未识别单位：{self.path.name}）"

    @property
    def key(self) -> str:
        return agency_key(self.report.meta.agency) or f"#{self.path}"

    @property
    def year(self) -> int | None:
        return self.report.meta.year

    @property
    def edition(self) -> str:
        return self.report.meta.edition or ""

    @property
    def state(self) -> str:
        """passed, warned (warnings only) or failed (some error)."""
        counts = self.validation.counts
        return "failed" if counts["errors"] else "warned" if counts["warnings"] else "passed"

    @property
    def status(self) -> str:
        """The state as 明细 shows it: 通过, 有警告 or 有错误."""
        return load_spec().consolidated.status[self.state]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.validation.findings


@dataclass(frozen=True)
class Duplicate:
    """One agency and year received more than once: the file kept and the ones set aside."""

    agency: str
    year: int | None
    kept: Department
    dropped: tuple[Department, ...]


@dataclass(frozen=True)
class Change:
    """One cell of one department, this year beside last year."""

    agency: str
    table: str
    row: str
    column: str
    label: str
    previous: Number | None
    current: Number | None

    @property
    def difference(self) -> Number:
        return json_number((self.current or 0) - (self.previous or 0)) or 0


@dataclass
class Consolidation:
    """The result of ``consolidate``: what was summed, what was wrong, what is missing."""

    output: Path
    year: int | None = None
    edition: str | None = None  # the edition of the 汇总 tables
    members: list[Department] = field(default_factory=list)  # summed, one per agency
    unreadable: list[tuple[Path, str]] = field(default_factory=list)
    # last year's files (--previous) that could not be read: 同比 is incomplete
    previous_unreadable: list[tuple[Path, str]] = field(default_factory=list)
    # the agency register (单位名录) used to pair last year's reports, and the names seen recorded in
    register: AgencyRegister | None = field(default=None, repr=False)
    missing: list[str] = field(default_factory=list)  # on the roster, nothing received
    duplicates: list[Duplicate] = field(default_factory=list)
    other_year: list[Department] = field(default_factory=list)  # not summed
    not_on_roster: list[str] = field(default_factory=list)
    roster: list[str] | None = None
    totals: list[CellTotal] = field(default_factory=list)  # the 汇总 tables' cells
    apart: list[CellTotal] = field(default_factory=list)  # cells of other editions, summed apart
    legacy: list[LegacyTotal] = field(default_factory=list)
    summary: ValidationReport = field(default_factory=ValidationReport)  # the sum, validated
    mismatches: list[Finding] = field(default_factory=list)  # 汇总 cells that differ from Σ 明细
    changes: list[Change] = field(default_factory=list)  # largest changes since last year
    previous_year: int | None = None
    has_previous: bool = False
    backup: Path | None = None
    parent: ParentComparison | None = None  # with --parent: the parent's report against the sums

    @property
    def departments(self) -> int:
        """How many departments were summed."""
        return len(self.members)

    @property
    def errors(self) -> int:
        """Error findings over the summed departments (and files that could not be read)."""
        return (sum(d.validation.counts["errors"] for d in self.members) + len(self.unreadable)
                + self._parent_count("error"))

    @property
    def warnings(self) -> int:
        return sum(d.validation.counts["warnings"] for d in self.members) + self._parent_count("warning")

    def _parent_count(self, severity: str) -> int:
        """The parent comparison's findings of a severity (parent.children_sum)."""
        return 0 if self.parent is None else sum(1 for f in self.parent.findings if f.severity == severity)

    @property
    def failed(self) -> int:
        """Summed departments with some error finding (明细's 有错误)."""
        return sum(1 for d in self.members if d.state == "failed")

    @property
    def warned(self) -> int:
        """Summed departments with warnings only (明细's 有警告)."""
        return sum(1 for d in self.members if d.state == "warned")

    def other_years(self) -> list[tuple[int | None, int]]:
        """The reports of other years, not summed: how many of each year, latest year first."""
        years = Counter(d.year for d in self.other_year)
        return sorted(years.items(), key=lambda item: -(item[0] or 0))

    @property
    def complete(self) -> bool:
        """Whether every file given was read: nothing left out of the sums or of 同比."""
        return not self.unreadable and not self.previous_unreadable

    @property
    def summary_matches(self) -> bool:
        """Whether every 汇总 cell equals the sum of the departments' cells on 明细."""
        return not self.mismatches

    def detail_cells(self, spec: Spec | None = None) -> list[tuple[str, str, str]]:
        """The 明细 columns: the 汇总 edition's cells, then cells only other editions have."""
        spec = spec or load_spec()
        main = summary_cells(self.edition, spec)
        return main + [(t.table, t.row, t.column) for t in self.apart]


def summary_cells(edition: str | None, spec: Spec) -> list[tuple[str, str, str]]:
    """Every (table, row, column) of an edition's tables 二、三、四, in the form's order."""
    if edition is None:
        return []
    tables = spec.edition(edition).tables
    return [(key, row.key, col.key) for key in spec.matrix_tables if key in tables
            for row, col in tables[key].cells()]


def _most_common_year(departments: Sequence[Department]) -> int | None:
    years = Counter(d.year for d in departments if d.year is not None)
    if not years:
        return None
    return max(years, key=lambda y: (years[y], y))


def _summary_edition(departments: Sequence[Department], year: int | None, spec: Spec) -> str | None:
    """The edition the year calls for; when that is the 统计表 (or the year is unknown), the
    edition most departments used."""
    editions = Counter(d.edition for d in departments if d.edition and d.edition != "legacy")
    if year is not None:
        fitting = [e.key for e in spec.editions.values() if e.fits_year(year) and e.key != "legacy"]
        if fitting:
            return fitting[0]
    if not editions:
        return None
    return max(editions, key=lambda e: (editions[e], e))


def _one_per_agency(departments: list[Department]) -> tuple[list[Department], list[Duplicate]]:
    """The latest file of each agency and year; the others set aside, both listed."""
    groups: dict[tuple[str, int | None], list[Department]] = {}
    for d in departments:
        groups.setdefault((d.key, d.year), []).append(d)
    kept, duplicates = [], []
    for group in groups.values():
        # the latest modified wins; on a tie, the one named last
        winner = max(group, key=lambda d: (d.modified, d.path.as_posix()))
        kept.append(winner)
        if len(group) > 1:
            dropped = tuple(d for d in group if d is not winner)
            duplicates.append(Duplicate(winner.agency, winner.year, winner, dropped))
    return kept, duplicates


def _in_roster_order(members: list[Department], roster: list[str] | None) -> list[Department]:
    if not roster:
        return members
    order = {agency_key(name): i for i, name in enumerate(roster)}
    return sorted(members, key=lambda d: order.get(d.key, len(order)))


def _departments(reads: Sequence[Read]) -> tuple[list[Department], list[tuple[Path, str]]]:
    departments, unreadable = [], []
    for read in reads:
        if read.report is None:
            unreadable.append((read.path, read.reason or ""))
        else:
            departments.append(Department(read.path, read.report, read.modified, workbook=read.workbook))
    return departments, unreadable


def _summary_report(result: Consolidation, spec: Spec) -> Report | None:
    if result.edition is None or result.edition == "legacy":
        return None
    agency = spec.consolidated.summary_agency
    report = Report.blank(Meta(agency=agency, year=result.year, edition=result.edition,
                               source=result.output.name), spec)
    for t in result.totals:
        report.tables[t.table][t.row][t.column] = Cell(t.value)
    return report


def _mismatches(result: Consolidation, data: Stack, spec: Spec) -> list[Finding]:
    """汇总 cells that differ from the column sums of the 明细 rows (as they are written)."""
    from .sheets import detail_matrix

    cells = summary_cells(result.edition, spec)
    matrix = detail_matrix(data, cells, spec)
    rule = spec.rule("consolidate.sum")
    wrong = []
    for j, total in enumerate(result.totals):
        column = matrix[:, j]
        filled = ~np.isnan(column)
        expected = json_number(column[filled].sum()) if filled.any() else None
        if expected != json_number(total.value):
            table = spec.edition(result.edition or spec.default_edition).table(total.table)
            actual = json_number(total.value)
            message = rule.render(where=cell_name(table, total.row, total.column), actual=actual,
                                  expected=expected)
            wrong.append(Finding(rule.id, rule.severity, total.table, total.row, total.column, None,
                                 expected, actual, message))
    return wrong


def _previous_reports(previous: str | Path, year: int | None, output: Path,
                      progress: Callable[[int, int], None] | None
                      ) -> tuple[dict[str, Department], list[tuple[Path, str]]]:
    """Last year's reports by agency (the latest file of each), and the files that could not
    be read (a folder with no report file at all is one such)."""
    files = expand_inputs([previous], workbooks=True, exclude=[output])
    if not files:
        return {}, [(Path(previous), NO_REPORTS)]
    departments, unreadable = _departments(read_many(files, progress))
    wanted = [d for d in departments if year is None or d.year in (None, year - 1)]
    kept, _ = _one_per_agency(wanted)
    return {d.key: d for d in kept}, unreadable


def _pair_last_year(members: Sequence[Department], last_year: Sequence[Department],
                    register: AgencyRegister) -> None:
    """Last year's report of each department's agency: the same name, or else the one report
    whose name is the same agency with or without its region (淮安市洪泽区人民政府 /
    洪泽区人民政府) or listed with it in the register; never a guess between several."""
    pairings = pair_names([d.report.meta.agency for d in members], [p.report.meta.agency for p in last_year],
                          register)
    for d, pairing in zip(members, pairings, strict=True):
        d.previous_match = pairing.note
        if pairing.index is not None:
            found = last_year[pairing.index]
            d.previous, d.previous_path = found.report, found.path


def _sighting(d: Department) -> Sighting:
    source = str(d.path) if d.given is not None else os.path.abspath(d.path)  # a dataset's: as stored
    return Sighting(d.report.meta.agency or "", d.year, source, d.report.meta.region or "")


def _record(register: AgencyRegister, departments: Sequence[Department], last_year: Sequence[Department],
            members: Sequence[Department]) -> None:
    """The names seen this run and the pairings made, into the register (written when new)."""
    by_path = {p.path: p for p in last_year}
    for d in members:
        if d.previous_path in by_path:
            register.link(_sighting(d), _sighting(by_path[d.previous_path]))
    for d in (*members, *departments, *last_year):  # the files used first: 来源 names them
        register.see(_sighting(d))
    register.save()


def _changes(members: Sequence[Department], spec: Spec) -> list[Change]:
    """The largest differences from last year, over the cells both years' editions have."""
    pairs = [d for d in members if d.previous is not None and d.edition != "legacy"]
    if not pairs:
        return []
    now = stack([d.report for d in pairs], spec)
    before = stack([d.previous for d in pairs if d.previous is not None], spec)
    found = []
    for key in spec.matrix_tables:
        shape = table_shape(spec, key)
        both = now.present[key] & before.present[key]
        a, b = now.values[key], before.values[key]
        diff = np.where(both & ~(np.isnan(a) & np.isnan(b)), np.nan_to_num(a) - np.nan_to_num(b), 0.0)
        for k, r, c in zip(*np.nonzero(diff), strict=True):
            found.append((abs(float(diff[k, r, c])), int(k), key, shape.rows[r], shape.columns[c],
                          float(b[k, r, c]), float(a[k, r, c])))
    found.sort(key=lambda f: (-f[0], f[1]))
    changes = []
    for _, k, key, row, column, previous, current in found[:LARGEST_CHANGES]:
        table = spec.edition(pairs[k].edition).table(key)
        changes.append(Change(pairs[k].agency, key, row, column, cell_name(table, row, column),
                              json_number(previous), json_number(current)))
    return changes


def _missing_table_findings(department: Department, spec: Spec) -> tuple[Finding, ...]:
    rule = spec.rule("consolidate.missing_table")
    edition = department.report.edition_spec(spec)
    return tuple(Finding(rule.id, rule.severity, key, None, None, None, None, None,
                         rule.render(title=edition.table(key).title))
                 for key in department.report.missing_tables(spec))


def unreadable_findings(result: Consolidation, spec: Spec | None = None) -> ValidationReport:
    """The files that could not be read, one finding each (in the order of ``result.unreadable``)."""
    rule = (spec or load_spec()).rule("consolidate.unreadable")
    return ValidationReport(tuple(
        Finding(rule.id, rule.severity, rule.table, None, None, None, None, None, rule.render(reason=reason))
        for _, reason in result.unreadable))


def consolidate(inputs: Sequence[str | Path], output: str | Path, *, roster: str | Path | None = None,
                previous: str | Path | None = None, progress: Callable[[int, int], None] | None = None,
                workers: int | None = None, reading: Reading | None = None,
                register: str | Path | AgencyRegister | None = None,
                parent: str | Path | None = None) -> Consolidation:
    """Read, validate and sum many departments' reports, and write the consolidated workbook
    (汇总, 明细, 校验, 缺报与重复, 同比, 图表) to ``output``; an existing file is kept as a backup.
    ``reading``: the inputs' report files (``report_files``) being read already (the command
    starts it before it imports this module). ``register``: the agency register's file (default:
    ``register_path()``), or the register itself; the names seen are recorded in it.
    ``parent``: the supervisor's own report (本级年报, any file ``convert`` reads), compared
    with the sums on 本级对比; never one of the departments."""
    try:
        with bulk():
            return _consolidate(inputs, output, roster, previous, progress, workers, reading, register,
                                parent)
    finally:
        if reading is not None:
            reading.close()  # refused before its results were collected: stop the processes


def _consolidate(inputs: Sequence[str | Path], output: str | Path, roster: str | Path | None,
                 previous: str | Path | None, progress: Callable[[int, int], None] | None,
                 workers: int | None, reading: Reading | None,
                 register: str | Path | AgencyRegister | None = None,
                 parent: str | Path | None = None) -> Consolidation:
    spec = load_spec()
    output = Path(output)
    result = Consolidation(output=output)
    book = register if isinstance(register, AgencyRegister) else AgencyRegister.open(register, spec)
    result.register = book
    writable_folder(output)
    if roster is not None:  # a roster that cannot be read stops the run before any report is read
        result.roster = read_roster(roster)
    # so does a parent's report that cannot be read
    parent_report = read_parent(parent, spec) if parent is not None else None
    from .dataset import dataset_departments

    files = reading.paths if reading is not None else report_files(inputs, output)
    files, parent_file = leave_out_parent(files, parent)
    stored = [d for i in inputs if is_dataset(i) for d in dataset_departments(Path(i), spec)]
    if not files and not stored:
        given = "、".join(str(i) for i in inputs)
        raise NoReports(f"{given}：{NO_REPORTS}，未写出 {output.name}")
    reading = reading or Reading(files, workers)
    # Without last year's reports, each report's findings are its own: found while the other
    # files are still being read (the reading processes and this one share the cores)
    early = None if previous is not None else _EarlyValidation(spec)
    reads = reading.collect(progress, None if early is None else early.add)
    if early is not None:
        early.flush()
    if parent is not None:  # a reading the command started reads it too: never a department
        reads = [r for r in reads if not same_file(r.path, Path(parent))]
    departments, result.unreadable = _departments(reads)
    departments = stored + departments
    left_out: list[Department] = []
    if parent_report is not None:
        departments, left_out = _parent_apart(departments, parent_report, book)
    result.year = _most_common_year(departments)
    same_year = [d for d in departments if d.year is None or result.year is None or d.year == result.year]
    result.other_year = [d for d in departments if d not in same_year]
    members, result.duplicates = _one_per_agency(same_year)
    if result.roster is not None:
        received = {d.key for d in members}
        listed = {agency_key(name) for name in result.roster}
        result.missing = [name for name in result.roster if agency_key(name) not in received]
        result.not_on_roster = [d.agency for d in members if d.key not in listed]
    result.members = _in_roster_order(members, result.roster)
    last_year: list[Department] = []
    if previous is not None:
        result.has_previous = True
        result.previous_year = None if result.year is None else result.year - 1
        by_agency, result.previous_unreadable = _previous_reports(previous, result.year, output, None)
        last_year = list(by_agency.values())
        _pair_last_year(result.members, last_year, book)
    _validate(result, departments, spec, early)

    result.edition = _summary_edition(result.members, result.year, spec)
    matrix_members = [d for d in result.members if d.edition != "legacy"]
    data = stack([d.report for d in matrix_members], spec)
    main = summary_cells(result.edition, spec)
    result.totals = cell_totals(data, main, spec)
    editions = sorted({d.edition for d in matrix_members})
    own = set(main)
    extra = [(key, row.key, col.key) for e in editions for key in spec.matrix_tables
             if key in spec.edition(e).tables
             for row, col in (*(spec.edition(e).table(key).cells() if e != result.edition else ()),
                              *spec.edition(e).table(key).off_form_cells())]
    apart = cell_totals(data, list(dict.fromkeys(c for c in extra if c not in own)), spec)
    result.apart = [t for t in apart if t.departments]  # off-form rows: only when someone printed them
    result.legacy = legacy_totals([d.report for d in result.members if d.edition == "legacy"], spec)
    summary = _summary_report(result, spec)
    if summary is not None:
        result.summary = validate(summary, spec=spec)
    result.mismatches = _mismatches(result, data, spec)
    result.changes = _changes(result.members, spec)
    if parent is not None and parent_report is not None:
        result.parent = compare_parent(Path(parent), parent_report, result.totals, result.year,
                                       result.edition, spec)
        result.parent.left_out = [(p, PARENT_FILE) for p in parent_file] + [
            (d.path, PARENT_AGENCY) for d in left_out]

    from .sheets import write_consolidation

    try:
        result.backup = save_atomically(output, lambda tmp: write_consolidation(result, tmp, spec, data))
    except OSError as exc:
        raise cannot_write(output, exc) from None
    _record(book, departments, last_year, result.members)
    return result


PARENT_FILE = "本级年报文件本身，未计入各单位"
PARENT_AGENCY = "与本级年报同一单位、同一年度的报告，视为本级年报，未计入各单位"


def _parent_apart(departments: list[Department], parent: Report,
                  register: AgencyRegister) -> tuple[list[Department], list[Department]]:
    """The departments, and apart from them the parent's own report in another file (the same
    agency and year as the parent's: the same name, the name with or without its region, or
    names the register lists as one agency): summed, it would be compared with itself."""
    name = parent.meta.agency
    if not agency_key(name):
        return departments, []

    def own(d: Department) -> bool:
        same_year = d.year is None or parent.meta.year is None or d.year == parent.meta.year
        other = d.report.meta.agency
        return same_year and (same_agency(name, other) or register.listed_together(name, other))

    return [d for d in departments if not own(d)], [d for d in departments if own(d)]


class _EarlyValidation:
    """Reports validated as their files are read, in stacked batches (a batch of a few hundred
    costs little more per report than all at once)."""

    BATCH = 100

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.pending: list[Report] = []
        # id(report) → (the report, its findings): the report kept, so that its id is not reused
        self.found: dict[int, tuple[Report, ValidationReport]] = {}

    def add(self, reads: Sequence[Read]) -> None:
        self.pending.extend(r.report for r in reads if r.report is not None)
        if len(self.pending) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            found = validate_many(self.pending, None, self.spec)
            self.found.update((id(r), (r, v)) for r, v in zip(self.pending, found, strict=True))
            self.pending = []


def _validate(result: Consolidation, departments: Sequence[Department], spec: Spec,
              early: _EarlyValidation | None = None) -> None:
    """Every department in one stacked pass, with last year's report where there is one
    (the ones validated as they were read are not validated again)."""
    done = early.found if early is not None else {}
    by_report = {key: validation for key, (report, validation) in done.items()}
    todo = [d for d in departments if d.previous is not None or id(d.report) not in by_report]
    previous = [d.previous for d in todo]
    if todo:
        reports = validate_many([d.report for d in todo],
                                previous if any(p is not None for p in previous) else None, spec)
        by_report.update((id(d.report), v) for d, v in zip(todo, reports, strict=True))
    for d in departments:
        validation = by_report[id(d.report)]
        extra = _missing_table_findings(d, spec)
        found = validation.findings
        if d.given is not None:  # a dataset's report: its stored findings, and last year's rules
            found = d.given + tuple(f for f in found if f.rule.startswith(_TWO_YEAR_RULES))
        d.validation = ValidationReport(found + extra, source=d.path.name)
