"""The agency register (单位名录): the names each agency was seen under, over the years.

One CSV file a supervisor can open and edit in Excel or WPS (UTF-8 with a BOM), one agency a
row: 单位 (the name it uses), 其他写法 (the other names seen, or added by hand: a former name
the rule of ``agency.same_agency`` cannot pair), 地区 (the longest region prefix seen), 年度
(the years seen) and 来源 (the file of the latest year); the headers are the spec's
``[register]``. ``consolidate`` and ``validate --previous`` pair this year's reports with last
year's through it (``pair_names``) and record what they saw (``see``, ``link``, ``save``).

Where it is kept: ``register_path``. A file that cannot be read is reported and left alone:
the run goes on without it and never overwrites it.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .agency import agency_key, match_note, same_agency
from .decode import decode_text, looks_binary
from .errors import NianbaoError, os_reason
from .files import FORMULA_STARTS, csv_safe, read_input, save_atomically
from .spec import Spec, load_spec

__all__ = ["ENVIRONMENT", "Agency", "AgencyRegister", "Pairing", "Sighting", "default_register_path",
           "pair_names", "region_of", "register_path"]

ENVIRONMENT = "NIANBAO_REGISTER"  # the register's file, instead of the default one
_APP = "nianbao"
_YEAR = re.compile(r"(?:19|20)\d{2}")
_SPLIT = re.compile(r"[；;、\r\n]+")


def default_register_path(spec: Spec | None = None) -> Path:
    """The register of this user on this machine, in the platform's folder for an
    application's data: %LOCALAPPDATA%\\nianbao on Windows, ~/Library/Application Support/nianbao
    on macOS, $XDG_DATA_HOME/nianbao (~/.local/share/nianbao) elsewhere."""
    name = (spec or load_spec()).register.file
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / _APP / name


def register_path(given: str | Path | None = None, spec: Spec | None = None) -> Path:
    """The register to use: ``given`` (``--register FILE``), else $NIANBAO_REGISTER, else the default."""
    if given:
        return Path(given)
    env = os.environ.get(ENVIRONMENT)
    return Path(env) if env else default_register_path(spec)


@functools.cache
def _region_pattern(spec: Spec) -> re.Pattern[str]:
    words = spec.register
    units = []
    for suffix in sorted(spec.document["region_suffixes"], key=len, reverse=True):
        low, high = words.region_name_lengths.get(suffix, words.region_name_length)
        units.append(rf"[\u4e00-\u9fff]{{{low},{high}}}?{re.escape(suffix)}")
    return re.compile(rf"(?:{'|'.join(units)})+(?=.)")


def region_of(name: str | None, spec: Spec | None = None) -> str:
    """The run of place names ``name`` begins with (江苏省淮安市洪泽区人民政府 → 江苏省淮安市洪泽区),
    or "" when it begins with none; never the whole name."""
    key = agency_key(name)
    found = _region_pattern(spec or load_spec()).match(key)
    return found.group(0) if found else ""


@dataclass(frozen=True)
class Sighting:
    """A name seen in a report: of which year, in which file, with which region (when the
    report states it; else it is read from the name)."""

    name: str
    year: int | None = None
    source: str = ""
    region: str = ""


@dataclass(frozen=True)
class Pairing:
    """How one of this year's names was paired with last year's: the index of last year's
    name (None: not paired), and the sentence that states it (None: the same name, or nothing
    to say)."""

    index: int | None
    note: str | None = None


@dataclass
class Agency:
    """One row of the register."""

    name: str
    others: list[str] = field(default_factory=list)
    region: str = ""
    years: list[int] = field(default_factory=list)
    source: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # columns the supervisor added

    @property
    def names(self) -> list[str]:
        return [self.name, *self.others]


class _Names:
    """Names by their key, and which of them the region rule pairs with a given name, without
    comparing every pair (a name's shorter forms are its suffixes)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.exact: dict[str, set[int]] = {}
        self._longer: dict[str, set[str]] = {}  # a proper suffix → the keys that end with it

    def add(self, name: str | None, value: int) -> None:
        key = agency_key(name)
        if not key:
            return
        if key not in self.exact:
            for n in range(1, len(key)):
                self._longer.setdefault(key[n:], set()).add(key)
        self.exact.setdefault(key, set()).add(value)

    def get(self, name: str | None) -> set[int]:
        return self.exact.get(agency_key(name), set())

    def by_rule(self, name: str | None) -> set[int]:
        """The values of the other names ``same_agency`` pairs with ``name``."""
        key = agency_key(name)
        keys = {key[n:] for n in range(1, len(key))} & self.exact.keys()
        keys |= self._longer.get(key, set())
        return {v for k in keys if same_agency(key, k, self.spec) for v in self.exact[k]}


class _Unreadable(Exception):
    """The register's file cannot be read as a register: the reason, in Chinese."""


def _cell(text: str) -> str:
    """A field as the supervisor sees it: without the quote written before a formula's start."""
    text = text.strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


class AgencyRegister:
    """The register read from its file (``open``), the names seen added (``see``, ``link``),
    and written back only when something was new (``save``)."""

    def __init__(self, path: Path, spec: Spec | None = None) -> None:
        self.path = path
        self.spec = spec or load_spec()
        self.agencies: list[Agency] = []
        self.headers: list[str] = list(self.spec.register.columns.values())
        self.warning: str | None = None  # the file could not be read (or written): said, left alone
        self.backup: Path | None = None
        self.saved = False
        self._loaded: bytes | None = None
        self._journal: list[tuple[Sighting, Sighting | None]] = []
        self._changed = False
        self._reindex()

    @classmethod
    def open(cls, path: str | Path | None = None, spec: Spec | None = None) -> AgencyRegister:
        """The register at ``register_path(path)``: empty when the file does not exist yet;
        unusable (``warning`` set) when it cannot be read."""
        register = cls(register_path(path, spec), spec)
        try:
            register._load()
        except _Unreadable as exc:
            register._fail("unreadable", str(exc))
        return register

    @property
    def usable(self) -> bool:
        return self.warning is None

    @property
    def name(self) -> str:
        """How messages name the register: its path."""
        return str(self.path)

    def message(self, key: str, **values: str) -> str:
        return self.spec.register.messages[key].format(file=self.name, **values)

    def _fail(self, key: str, reason: str) -> None:
        self.warning = self.message(key, reason=reason)
        self.agencies = []
        self._reindex()

    # --- reading ------------------------------------------------------------------------------

    def _read_bytes(self) -> bytes | None:
        if not self.path.exists() and not self.path.is_symlink():
            return None
        try:
            return read_input(self.path)
        except NianbaoError as exc:
            raise _Unreadable(getattr(exc, "reason", str(exc))) from None
        except OSError as exc:
            raise _Unreadable(os_reason(exc)) from None

    def _load(self) -> None:
        data = self._read_bytes()
        self._loaded = data
        self.agencies, self.headers = ([], self.headers) if data is None else self._parse(data)
        self._reindex()

    def _parse(self, data: bytes) -> tuple[list[Agency], list[str]]:
        words = self.spec.register
        if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
            raise _Unreadable(words.messages["not_csv"])
        try:
            text = decode_text(data)
        except UnicodeDecodeError:
            raise _Unreadable(words.messages["unknown_encoding"]) from None
        if looks_binary(text):
            raise _Unreadable(words.messages["not_text"])
        first = text.split("\n", 1)[0]
        # Excel's "Unicode text" is tab-separated
        delimiter = "\t" if "\t" in first and "," not in first else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        try:
            rows = [[_cell(c) for c in row] for row in reader]
        except csv.Error:  # a NUL character, a field over the csv module's limit
            raise _Unreadable(words.messages["bad_csv"].format(line=reader.line_num)) from None
        rows = [r for r in rows if any(r)]
        if not rows:
            return [], list(words.columns.values())
        headers = rows[0]
        at = {agency_key(h): i for i, h in reversed(list(enumerate(headers)))}
        column = {meaning: at.get(agency_key(label)) for meaning, label in words.columns.items()}
        if column["name"] is None:
            raise _Unreadable(words.messages["no_name_column"].format(column=words.columns["name"]))
        ours = {i for i in column.values() if i is not None}
        extra = [(i, h) for i, h in enumerate(headers) if i not in ours and h]
        agencies = []
        for row in rows[1:]:
            def get(meaning: str, row: list[str] = row) -> str:
                i = column[meaning]
                return row[i] if i is not None and i < len(row) else ""

            names = [get("name"), *_SPLIT.split(get("others"))]
            names = list(dict.fromkeys(n.strip() for n in names if n.strip()))
            if not names:
                continue
            unique: list[str] = []
            for n in names:  # each spelling once (NFKC, no spaces)
                if agency_key(n) not in {agency_key(u) for u in unique}:
                    unique.append(n)
            agencies.append(Agency(
                name=unique[0], others=unique[1:], region=get("region"),
                years=sorted({int(y) for y in _YEAR.findall(get("years"))}), source=get("source"),
                extra={h: row[i] for i, h in extra if i < len(row) and row[i]}))
        return agencies, [*words.columns.values(), *(h for _, h in extra)]

    def _reindex(self) -> None:
        self._names = _Names(self.spec)
        for i, agency in enumerate(self.agencies):
            for name in agency.names:
                self._names.add(name, i)

    # --- matching -----------------------------------------------------------------------------

    def agencies_of(self, name: str | None) -> list[Agency]:
        """The rows that list ``name`` (more than one: the register is ambiguous about it)."""
        return [self.agencies[i] for i in sorted(self._names.get(name))]

    def listed_together(self, a: str | None, b: str | None) -> bool:
        """True when one row of the register lists both names."""
        return bool(self._names.get(a) & self._names.get(b))

    # --- recording ----------------------------------------------------------------------------

    def see(self, sighting: Sighting) -> None:
        """Record a name seen in a report of a year: its year (and region, file) added to the
        row that lists it, else a new row; nothing when several rows list it."""
        if self.usable and agency_key(sighting.name):
            self._journal.append((sighting, None))
            self._see(sighting)

    def link(self, a: Sighting, b: Sighting) -> None:
        """Record a pairing made: ``a`` and ``b`` are one agency (rows merged when they were two)."""
        if self.usable and agency_key(a.name) and agency_key(b.name):
            self._journal.append((a, b))
            self._link(a, b)

    def _locate(self, name: str) -> set[int]:
        # Only the names the register lists: the region rule pairs names when reports are
        # compared, but grouping by it here would merge a short name (洪泽区人民政府) into
        # whichever longer one was recorded first, when it could be another city's.
        return self._names.get(name)

    def _see(self, sighting: Sighting) -> None:
        found = self._locate(sighting.name)
        if len(found) > 1:
            return  # listed under several agencies: which one is not known
        i = next(iter(found)) if found else self._add(sighting.name)
        self._update(i, sighting)

    def _add(self, name: str) -> int:
        """A new row for ``name``; its position."""
        self.agencies.append(Agency(name.strip()))
        self._names.add(name, len(self.agencies) - 1)
        self._changed = True
        return len(self.agencies) - 1

    def _link(self, a: Sighting, b: Sighting) -> None:
        here, there = self._locate(a.name), self._locate(b.name)
        if len(here) > 1 or len(there) > 1:
            return  # one of them is listed under several agencies: which one is not known
        if here and there and here != there:
            self._merge(min(*here, *there), max(*here, *there))
            here, there = self._locate(a.name), self._locate(b.name)
        if here or there:
            i = next(iter(here or there))
        else:  # a new row, under the newer name
            i = self._add(max((a, b), key=lambda s: s.year or 0).name)
        self._update(i, a)
        self._update(i, b)

    def _merge(self, keep: int, gone: int) -> None:
        kept, other = self.agencies[keep], self.agencies.pop(gone)
        kept.others += [n for n in other.names if agency_key(n) not in {agency_key(k) for k in kept.names}]
        if other.years and (not kept.years or max(other.years) > max(kept.years)):
            kept.source = other.source or kept.source
        kept.years = sorted({*kept.years, *other.years})
        kept.region = max((kept.region, other.region), key=len)
        kept.extra = {**other.extra, **kept.extra}
        self._changed = True
        self._reindex()

    def _update(self, i: int, s: Sighting) -> None:
        agency = self.agencies[i]
        name, key = s.name.strip(), agency_key(s.name)
        newest = max(agency.years, default=None)
        if key not in {agency_key(n) for n in agency.names}:
            agency.others.append(name)
            self._names.add(name, i)
            self._changed = True
        if s.year is not None and (newest is None or s.year > newest) and agency_key(agency.name) != key:
            # the name of the latest year is the one the agency uses; the former one is kept
            at = next(j for j, n in enumerate(agency.others) if agency_key(n) == key)
            agency.name, agency.others[at] = agency.others[at], agency.name
            self._changed = True
        if s.year is not None and s.year not in agency.years:
            agency.years = sorted({*agency.years, s.year})
            self._changed = True
        latest = s.year is not None and (newest is None or s.year > newest)
        if s.source and agency.source != s.source and (latest or not agency.source):
            agency.source = s.source
            self._changed = True
        region = max((s.region, region_of(name, self.spec)), key=len)
        if len(region) > len(agency.region):
            agency.region = region
            self._changed = True

    # --- writing ------------------------------------------------------------------------------

    def _rows(self) -> Iterable[list[str]]:
        words = self.spec.register
        sep = words.separator
        labels = words.columns
        extra = [h for h in self.headers if h not in set(labels.values())]
        yield [*labels.values(), *extra]
        for a in self.agencies:
            values = {"name": a.name, "others": sep.join(a.others), "region": a.region,
                      "years": sep.join(str(y) for y in a.years), "source": a.source}
            yield [str(csv_safe(values[m])) for m in labels] + [str(csv_safe(a.extra.get(h, "")))
                                                                for h in extra]

    def _write(self, tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(self._rows())

    def save(self) -> bool:
        """Write the register when something new was recorded (through a temporary file, the
        previous version kept as a backup); True when it was written. A register that could not
        be read is never written; one that changed on disk since it was read (a supervisor
        saving it meanwhile) is read again and what this run saw recorded into it."""
        if not self.usable or not self._changed:
            return False
        try:
            now = self._read_bytes()
        except _Unreadable as exc:
            self._fail("unreadable", str(exc))
            return False
        if now != self._loaded:
            fresh = AgencyRegister(self.path, self.spec)
            try:
                fresh._load()
            except _Unreadable as exc:
                self._fail("unreadable", str(exc))
                return False
            for a, b in self._journal:
                if b is None:
                    fresh._see(a)
                else:
                    fresh._link(a, b)
            self.agencies, self.headers, self._loaded = fresh.agencies, fresh.headers, fresh._loaded
            self._reindex()
            if not fresh._changed:
                return False
        try:
            self.backup = save_atomically(self.path, self._write)
        except OSError as exc:
            self.warning = self.message("unwritable", reason=os_reason(exc))
            return False
        self._changed = False
        self.saved = True
        return True


def pair_names(current: Sequence[str | None], previous: Sequence[str | None],
               register: AgencyRegister | None = None, spec: Spec | None = None) -> list[Pairing]:
    """For each of this year's names, last year's report of the same agency: the same name;
    or else the one whose name the region rule pairs with it (淮安市洪泽区人民政府 /
    洪泽区人民政府) or that the register lists under one agency with it. When a name could pair
    with more than one of last year's, or one of last year's with more than one of this
    year's, none is chosen and the note says so."""
    spec = spec or load_spec()
    usable = register is not None and register.usable
    names = _Names(spec)
    first: dict[str, int] = {}
    for j, name in enumerate(previous):
        names.add(name, j)
        if agency_key(name):
            first.setdefault(agency_key(name), j)
    exact = {first[k] for name in current if (k := agency_key(name)) in first}
    found: list[tuple[set[int], set[int]] | None] = []
    for name in current:
        key = agency_key(name)
        if not key or key in first:
            found.append(None)
            continue
        by_rule = names.by_rule(name) - exact
        by_register: set[int] = set()
        if usable and register is not None:
            listed = {agency_key(n) for a in register.agencies_of(name) for n in a.names}
            by_register = {first[k] for k in listed if k in first} - exact
        found.append((by_rule, by_register))
    # last year's reports that one and only one of this year's names could pair with
    claims = Counter(next(iter(f[0] | f[1])) for f in found if f is not None and len(f[0] | f[1]) == 1)
    words = spec.register.messages
    file = register.name if register is not None else str(register_path(None, spec))
    pairings = []
    for i, (name, f) in enumerate(zip(current, found, strict=True)):
        key = agency_key(name)
        if f is None:
            pairings.append(Pairing(first.get(key) if key else None))
            continue
        by_rule, by_register = f
        candidates = sorted(by_rule | by_register)
        if not candidates:
            pairings.append(Pairing(None))
        elif len(candidates) > 1:
            quoted = "、".join(f"“{previous[j]}”" for j in candidates)
            pairings.append(Pairing(None, words["ambiguous"].format(current=name, candidates=quoted,
                                                                    file=file)))
        elif claims[candidates[0]] > 1:
            j = candidates[0]
            rivals = [current[k] for k, g in enumerate(found)
                      if k != i and g is not None and (g[0] | g[1]) == {j}]
            quoted = "、".join(f"“{n}”" for n in rivals)
            pairings.append(Pairing(None, words["contested"].format(current=name, candidates=quoted,
                                                                    previous=previous[j], file=file)))
        else:
            j = candidates[0]
            note = (match_note(name, previous[j], spec) if j in by_rule
                    else words["matched"].format(current=name, previous=previous[j], file=file))
            pairings.append(Pairing(j, note))
    return pairings
