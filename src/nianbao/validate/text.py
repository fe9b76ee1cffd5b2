"""Reading a report's text for the text checks: sentences, numbers stated in words or digits,
the section headings, typos, and the passages repeated from last year's report.

Everything a check looks for is a pattern or a word list in the rule's own [[rules]] entry of
the spec; this module only applies them. No pandas here: the frames are built in frames.py.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..labels import fold, numbering
from ..model import Report
from ..spec import Spec

__all__ = ["Statement", "chinese_number", "fee_stated", "heading_rows", "opening", "quote",
           "repeated", "sentences", "statements", "typos"]

_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[。；;！？!?])")
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"\u3007": 0, "两": 2}  # ling (U+3007)
_UNITS = {"十": 10, "百": 100, "千": 1000}
_QUOTE_WIDTH = 60
# a bracket closes its full- or half-width twin (str.replace: translate is slow on Chinese text)
_HIDDEN = "\x00"  # stands for list numbering while brackets are matched
_HALF_WIDTH = (("(", "（"), (")", "）"), ("[", "\uff3b"), ("]", "\uff3d"))


def chinese_number(text: str) -> int:
    """A count written in digits (14, １４) or in Chinese numerals (十四, 一百零二, 两)."""
    if text.isdigit():
        return int(text)
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (digit or 1) * _UNITS[ch]
            digit = 0
        elif ch == "万":
            total += (section + digit) * 10000
            section, digit = 0, 0
        else:
            raise ValueError(f"not a number: {text}")
    return total + section + digit


def sentences(text: str) -> list[str]:
    """The text's sentences, whitespace removed (a PDF's lines are wrapped mid-sentence)."""
    return [s for s in _SENTENCE_END.split(_SPACE.sub("", text)) if s]


def quote(sentence: str, start: int = 0, end: int | None = None) -> str:
    """A sentence as a message quotes it: whole when short, else the part around [start, end)."""
    end = len(sentence) if end is None else end
    if len(sentence) <= _QUOTE_WIDTH:
        return sentence
    margin = max(0, (_QUOTE_WIDTH - (end - start)) // 2)
    left, right = max(0, start - margin), min(len(sentence), end + margin)
    return ("…" if left else "") + sentence[left:right] + ("…" if right < len(sentence) else "")


def opening(sentence: str, width: int = 40) -> str:
    """The start of a sentence, as a list of passages quotes it."""
    return sentence if len(sentence) <= width else sentence[:width] + "…"


def _sections(report: Report, spec: Spec) -> Iterator[tuple[str, str]]:
    """(section key, text) of the report's narrative, in the form's order."""
    for section in spec.sections:
        text = report.narrative.get(section.key)
        if text:
            yield section.key, text


# --- numbers stated in the text ---------------------------------------------------------------

@dataclass(frozen=True)
class Statement:
    """A number the text states for a table cell (or a claim such as 所有申请均已办结, which
    states a value): which spec entry found it, in which section and sentence."""

    entry: Mapping[str, Any]
    section: str
    sentence: str
    phrase: str
    stated: float


@functools.cache
def _entries(spec: Spec, rule_id: str) -> tuple[tuple[re.Pattern[str], re.Pattern[str] | None,
                                                      Mapping[str, Any]], ...]:
    """The rule's statements with their patterns compiled: {n} is a number, {g} a character
    that may stand between a term and its number."""
    params = spec.rule(rule_id).params
    number, gap = params["number"], params["gap"]
    compiled = []
    for entry in params["statements"]:
        pattern = entry["pattern"].replace("{n}", number).replace("{g}", gap)
        context = re.compile(entry["context"]) if "context" in entry else None
        compiled.append((re.compile(pattern), context, entry))
    return tuple(compiled)


@functools.cache
def _likely(spec: Spec, rule_id: str) -> re.Pattern[str]:
    return re.compile(spec.rule(rule_id).params["sentence_needs"])


def _has_table(report: Report, key: str) -> bool:
    return report.legacy is not None if key == "legacy" else key in report.tables


def statements(report: Report, spec: Spec, rule_id: str = "narrative.matches_table") -> list[Statement]:
    """Every number the report's text states for a cell, in the spec's order of statements; a
    number read by one statement is not read again by a later one (a claim reads none)."""
    found: list[Statement] = []
    entries = _entries(spec, rule_id)
    likely = _likely(spec, rule_id)
    for key, text in _sections(report, spec):
        for sentence in sentences(text):
            if not likely.search(sentence):
                continue
            taken: set[tuple[int, int]] = set()
            for pattern, context, entry in entries:
                if not _has_table(report, entry["table"]):
                    continue  # another edition's statement: it must not take the number
                for m in pattern.finditer(sentence):
                    if context is not None and not context.search(sentence, 0, m.end()):
                        continue
                    if "value" in entry:  # a claim reads no number: it may say two things
                        stated = float(entry["value"])
                    else:
                        stated, span = float(chinese_number(m.group(1))), m.span(1)
                        if any(a < span[1] and span[0] < b for a, b in taken):
                            continue
                        taken.add(span)
                    found.append(Statement(entry, key, quote(sentence, *m.span()), m.group(0), stated))
    return found


# --- the structure ----------------------------------------------------------------------------

def heading_rows(report: Report, spec: Spec, rule_id: str = "structure.sections") -> list[dict[str, Any]]:
    """One row per section of the form: the heading as printed (first one), whether it stands
    after the headings of later sections, the numeral printed and the one the form has, and
    whether a section that must say something is empty (or only 无). A fragment's sections
    after its last heading have no row."""
    params = spec.rule(rule_id).params
    empty_words = {fold(w, spec) for w in params["empty_words"]}
    order = [s for s in spec.sections if s.key in params["sections"]]
    rank = {s.key: i for i, s in enumerate(order)}
    first: dict[str, int] = {}
    for i, heading in enumerate(report.headings or ()):
        first.setdefault(heading.section, i)
    headings = report.headings or []
    # A source without all its tables is a fragment (a download cut short, the tables alone):
    # convert names the tables missing; the sections after its last heading are not judged.
    last = max((rank[k] for k in first if k in rank), default=-1)
    fragment = bool(report.missing_tables(spec))
    rows = []
    for section in order:
        if fragment and rank[section.key] > last:
            break
        at = first.get(section.key)
        printed = headings[at].text if at is not None else ""
        own = numbering(fold(section.label, spec))
        numbered = numbering(fold(printed, spec)) if printed else None
        numeral = numbered[1] if numbered is not None and numbered[0] == "section" else ""
        later = [first[s.key] for s in order if rank[s.key] > rank[section.key] and s.key in first]
        text = (fold(_SPACE.sub("", report.narrative.get(section.key, "")), spec).rstrip("。.")
                if section.key in params["must_say"] else "")
        rows.append({
            "section": section.key,
            "heading": printed,
            "where": headings[at].where if at is not None else "",
            "present": at is not None,
            "in_order": at is None or not later or at < min(later),
            "numeral": numeral,
            "expected_numeral": own[1] if own else "",
            "empty": (section.key in params["must_say"] and at is not None
                      and (not text or text in empty_words)),
        })
    return rows


def fee_stated(report: Report, spec: Spec, rule_id: str = "structure.fee_statement") -> bool:
    """True when a sentence of the text states the 信息处理费 collected (or that none was)."""
    params = spec.rule(rule_id).params
    subject, verdict = re.compile(params["subject"]), re.compile(params["verdict"])
    flat = (_SPACE.sub("", text) for _, text in _sections(report, spec))
    return any(subject.search(s) and verdict.search(s)
               for text in flat if subject.search(text) for s in sentences(text))


@functools.cache
def _typo_patterns(spec: Spec, rule_id: str) -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str]]:
    params = spec.rule(rule_id).params
    return (re.compile(params["repeated"]), re.compile(params["enumerator"], re.MULTILINE),
            frozenset(params["allowed_repeats"]))


@functools.cache
def _marks(pairs: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(o + c) for o, c in pairs) + "]")


def _brackets(text: str, pairs: Mapping[str, str]) -> Iterator[tuple[int, str]]:
    """(position, mark) of each bracket or quote mark left unmatched in ``text``: a closing
    mark with no opening one before it, an opening one never closed."""
    closers = {c: o for o, c in pairs.items()}
    stack: list[tuple[int, str]] = []
    for m in _marks(tuple(pairs.items())).finditer(text):
        i, ch = m.start(), m.group(0)
        if ch in pairs:
            stack.append((i, ch))
        elif ch in closers:
            opener = closers[ch]
            if not any(o == opener for _, o in stack):
                yield i, ch
                continue
            while stack[-1][1] != opener:  # marks opened inside and never closed
                yield stack.pop()
            stack.pop()
    yield from stack


def typos(report: Report, spec: Spec, rule_id: str = "structure.text") -> list[dict[str, Any]]:
    """Each repeated word (资金资金) and each unmatched bracket or quote mark in the text: its
    section, what it is, and the passage around it."""
    params = spec.rule(rule_id).params
    repeated, enumerator, allowed = _typo_patterns(spec, rule_id)
    pairs: dict[str, str] = dict(params["pairs"])
    found = []
    for key, text in _sections(report, spec):
        # "1）" "一)" opening a list item are numbering, not a bracket left open; a PDF's lines
        # are wrapped mid-sentence, so the marks are matched over the whole section
        numbered = _SPACE.sub("", enumerator.sub(lambda m: _HIDDEN * len(m.group(0).strip()), text))
        flat = numbered.replace(_HIDDEN, "")
        for m in repeated.finditer(flat):
            word = m.group(1)
            found.append({"section": key, "kind": "repeat", "mark": m.group(0),
                          "allowed": m.group(0) in allowed or word in allowed,
                          "passage": quote(flat, *m.span())})
        marks = numbered
        for half, full in _HALF_WIDTH:
            marks = marks.replace(half, full)
        for i, _ in _brackets(marks, pairs):
            at = i - marks.count(_HIDDEN, 0, i)
            found.append({"section": key, "kind": "bracket", "mark": flat[at], "allowed": False,
                          "passage": quote(flat, at, at + 1)})
    return found


# --- copy-paste from last year ----------------------------------------------------------------

@functools.cache
def _boilerplate(spec: Spec, rule_id: str) -> tuple[re.Pattern[str], frozenset[str], re.Pattern[str]]:
    """The patterns of fixed wording, the form's labels (folded), and what a year looks like."""
    params = spec.rule(rule_id).params
    labels = {fold(label, spec).rstrip("。:：") for section in spec.sections
              for label in (section.label, *section.aliases)}
    for edition in spec.editions.values():
        for table in edition.tables.values():
            labels.update(fold(row.label, spec) for row in table.rows)
            labels.update(fold(column.label, spec) for column in table.columns)
    return (re.compile("|".join(f"(?:{p})" for p in params["boilerplate"])), frozenset(labels),
            re.compile(params["year"]))


def _key(sentence: str, spec: Spec, year: re.Pattern[str]) -> str:
    """A sentence compared across years: folded, the year masked, punctuation at the end dropped."""
    return year.sub("#", fold(sentence, spec)).rstrip("。；;！？!?，,")


def repeated(report: Report, previous: Report, spec: Spec,
             rule_id: str = "text.repeated_from_previous") -> list[dict[str, Any]]:
    """Per text section both reports have: the share of this year's text (sentences long enough
    to count, boilerplate and the form's labels left out) repeated from last year's, and the
    repeated sentences."""
    params = spec.rule(rule_id).params
    boilerplate, labels, year = _boilerplate(spec, rule_id)
    shortest, least = int(params["min_sentence"]), int(params["min_section"])
    rows = []
    for key, text in _sections(report, spec):
        before = previous.narrative.get(key)
        if not before:
            continue
        seen = {_key(s, spec, year) for s in sentences(before)}
        counted, same = 0, []
        for sentence in sentences(text):
            folded = _key(sentence, spec, year)
            if len(folded) < shortest or folded in labels or boilerplate.search(sentence):
                continue
            counted += len(folded)
            if folded in seen:
                same.append(sentence)
        if counted < least:
            continue
        share = sum(len(_key(s, spec, year)) for s in same) / counted
        rows.append({"section": key, "share": share, "passages": tuple(same), "counted": counted})
    return rows
