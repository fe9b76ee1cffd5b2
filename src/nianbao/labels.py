"""Label normalisation and lookup: how a printed label is recognised as a spec label."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from .spec import Spec, Table, load_spec

__all__ = [
    "LabelIndex",
    "Target",
    "core",
    "fold",
    "label_index",
    "numbering",
    "strip_numbering",
    "strip_numbering_raw",
]

# Quotes carry no meaning in a label and land anywhere in PDF text: 危及“三安全一稳定”.
_QUOTES = str.maketrans({q: None for q in "“”„‘’「」\"'"})
_SPACE = re.compile(r"\s+")
_WORDS = load_spec().numbering
_CN_NUM = _WORDS.digits + _WORDS.ten
_AMONG, _CAPTION = re.escape(_WORDS.among), re.escape(_WORDS.caption)
# The numbering a label may start with, outermost level first.
_NUMBERING = (
    ("section", re.compile(rf"^([{_CN_NUM}]+)[、.,]")),
    ("item", re.compile(rf"^\(([{_CN_NUM}]+)\)[、.,]?")),
    ("point", re.compile(r"^(\d+)(?:[.、,]|\)(?!\d))")),
    ("point", re.compile(r"^\((\d+)\)")),
    ("among", re.compile(rf"^({_AMONG})[:]?")),
    ("caption", re.compile(rf"^{_CAPTION}([{_CN_NUM}\d]+)[:、.]?")),  # 表三：收到和处理… above a table
)


@functools.cache
def _fold_table(spec: Spec) -> dict[int, str]:
    return {ord(k): v for k, v in spec.char_folds.items()}


def fold(text: str, spec: Spec | None = None) -> str:
    """Normalise a label for comparison: NFKC, character folds, quotes, no whitespace."""
    return _fold(text, spec or load_spec())


@functools.lru_cache(maxsize=8192)
def _fold(text: str, spec: Spec) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_fold_table(spec)).translate(_QUOTES)
    return _SPACE.sub("", text)


def numbering(folded: str) -> tuple[str, str, str] | None:
    """Split a folded label into (level, number, rest), or None when it is not numbered."""
    for level, pattern in _NUMBERING:
        m = pattern.match(folded)
        if m:
            return level, m.group(1), folded[m.end():]
    return None


@functools.lru_cache(maxsize=8192)
def strip_numbering(folded: str) -> str:
    """A folded label without its leading numbering ("一、", "(一)", "1.", "其中:")."""
    found = numbering(folded)
    while found:
        folded = found[2]
        found = numbering(folded)
    return folded


_RAW_NUMBERING = re.compile(
    rf"^\s*(?:[{_CN_NUM}]+[、.．,，]|[（(][{_CN_NUM}]+[)）][、.．]?|[0-9０-９]+[.．、,，]"
    rf"|[0-9０-９]+[)）](?![0-9０-９])|[（(][0-9０-９]+[)）]|{_AMONG}[:：]?)"
)


def strip_numbering_raw(text: str) -> str:
    """A printed label without its numbering and whitespace, other characters as printed."""
    text = _SPACE.sub("", text)
    m = _RAW_NUMBERING.match(text)
    while m and m.end() < len(text):
        text = text[m.end():]
        m = _RAW_NUMBERING.match(text)
    return text


def core(text: str, spec: Spec | None = None) -> str:
    """The comparable core of a label: folded, numbering stripped, trailing colon dropped."""
    return strip_numbering(fold(text, spec)).rstrip(":")


@dataclass(frozen=True)
class Target:
    """What a label names in a table: a row, a column, a group of rows, or known boilerplate.

    ``row`` is set on a group whose label is also an off-form row's: the row that the label
    names when numbers follow it directly (（六）其他处理 printed as one row in a 2021 form)."""

    kind: str  # row | column | group | header | note
    key: str
    row: str | None = None


class LabelIndex:
    """Maps label cores of one table (one edition) to its rows and groups, and separately to
    its columns and header words: "总计" is a column in the header and a row ((七)总计)."""

    def __init__(self, table: Table, spec: Spec | None = None) -> None:
        spec = spec or load_spec()
        self.table = table
        self.misprint_similarity = spec.misprint_similarity
        self._rows: dict[str, Target] = {}
        self._columns: dict[str, Target] = {}
        for note in table.notes + ((table.corner,) if table.corner else ()):
            self._add(self._rows, note, Target("note", note), spec)
        for label in (*table.header, *table.header_aliases, *table.cumulative_headers, table.row_header):
            if label:
                self._add(self._columns, label, Target("header", label), spec)
        for column in table.columns:
            for label in column.path[:-1]:
                self._add(self._columns, label, Target("header", label), spec)
            for label in (column.label, *column.aliases):
                self._add(self._columns, label, Target("column", column.key), spec)
        for group in table.groups:
            self._add(self._rows, group.label, Target("group", group.label), spec)
        off_form = {core(label, spec): row.key for row in table.off_form
                    for label in (row.label, *row.aliases) if label}
        for row in table.rows:
            for label in row.path[:-1]:
                self._add(self._rows, label, Target("group", label, off_form.get(core(label, spec))), spec)
        for row in (*table.rows, *table.off_form):
            for label in (row.label, *row.aliases):
                if label:  # an off-form row's label that is a group's stays the group's (above)
                    self._add(self._rows, label, Target("row", row.key), spec)
        self._row_cores = tuple(
            (core(label, spec), row.key)
            for row in table.rows for label in (row.label, *row.aliases) if label
        )
        # The form's own words other than row labels: group and header labels, notes, the
        # title. A fragment of them (a vertical label printed a character a line) is form
        # text, not content.
        self._form_words = (
            *({key[1:] for key in (*self._rows, *self._columns) if key.startswith("~")}
              - {c for c, _ in self._row_cores}),
            core(table.title, spec),
        )

    @staticmethod
    def _add(index: dict[str, Target], label: str, target: Target, spec: Spec) -> None:
        index.setdefault("=" + fold(label, spec), target)
        index.setdefault("~" + core(label, spec), target)

    def lookup(self, text: str, rows_first: bool = True) -> Target | None:
        """What a label names, rows or columns; an exact match beats a numbering-stripped one,
        and ``rows_first`` decides between a row and a column of the same core text."""
        folded = "=" + fold(text)
        stripped = "~" + strip_numbering(folded[1:]).rstrip(":")
        first, second = (self._rows, self._columns) if rows_first else (self._columns, self._rows)
        return (first.get(folded) or second.get(folded) or first.get(stripped)
                or second.get(stripped))

    def row_by_prefix(self, text: str, shortest: int = 4) -> str | None:
        """The one row whose label begins with ``text`` (a label cut by a line or page
        break: "1.本机关不掌握相关政府" …), or None when none or several do."""
        start = core(text)
        if len(start) < shortest:
            return None
        keys = {key for label, key in self._row_cores if label.startswith(start)}
        return keys.pop() if len(keys) == 1 else None

    def row_similarity(self, text: str, key: str) -> float:
        """How close a printed label is to a row's label (or alias), 0 to 1."""
        printed = core(text)
        return max((fuzz.ratio(printed, label) / 100 for label, k in self._row_cores if k == key),
                   default=0.0)

    def column_of_piece(self, text: str) -> str | None:
        """The one column whose label is, or holds, ``text`` (a header cut into lines:
        "商业企业", "科研" of 科研机构, "社会公" of 社会公益组织); None when several or none."""
        piece = core(text)
        if len(piece) < 2:
            return None
        target = self._columns.get("~" + piece)
        if target is not None:
            return target.key if target.kind == "column" else None
        keys = {t.key for k, t in self._columns.items()
                if t.kind == "column" and k.startswith("~") and piece in k[1:]}
        return keys.pop() if len(keys) == 1 else None

    def is_piece_of(self, text: str, key: str | None = None) -> bool:
        """True when ``text`` is a piece of a row's label (of row ``key``, or of any row): a
        label cut by a line or page break, or printed away from its numbers."""
        piece = core(text)
        return len(piece) >= 2 and any(piece in label for label, k in self._row_cores if key in (None, k))

    def is_form_text(self, text: str) -> bool:
        """True when ``text`` is a piece of the form's group or header labels (三、本年度办理结果
        printed a character a line, "（三）不" / "予公开"), which carries no value."""
        piece = core(text)
        return not piece or any(piece in words for words in self._form_words)


@functools.cache
def label_index(table: Table, spec: Spec | None = None) -> LabelIndex:
    """The (cached) label index of a table."""
    return LabelIndex(table, spec)
