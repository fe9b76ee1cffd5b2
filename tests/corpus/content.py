"""A report's numbers: seeded values that obey the form's arithmetic, how each cell is printed,
and the golden JSON derived from them.

Keys follow SPEC.md; they are typed here (not read from the package's spec) so that the corpus
checks the converter against an independent statement of the form.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

Number = int | float | None

APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org")
REQUEST_COLUMNS = (*APPLICANTS, "total")

_DENIED = ("denied_state_secret", "denied_prohibited", "denied_three_safety", "denied_third_party",
           "denied_internal", "denied_process", "denied_enforcement_file", "denied_inquiry")
_UNAVAILABLE = ("unavailable_not_held", "unavailable_need_creation", "unavailable_unclear")
_REJECTED = ("rejected_petition", "rejected_duplicate", "rejected_publication", "rejected_excessive",
             "rejected_confirmation")
OUTCOMES = {
    "2021": ("granted", "partially_granted", *_DENIED, *_UNAVAILABLE, *_REJECTED,
             "other_no_correction", "other_no_fee", "other_misc"),
    "2019": ("granted", "partially_granted", *_DENIED, *_UNAVAILABLE, *_REJECTED, "other"),
}


def request_rows(edition: str) -> tuple[str, ...]:
    """The row keys of table 三 in printed order."""
    return ("new_received", "carried_in", *OUTCOMES[edition], "total_processed", "carried_over")


ACTIVE = {
    "2021": {
        "regulations": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "penalty": ("decisions",),
        "enforcement": ("decisions",),
        "fees": ("fee_amount",),
    },
    "2019": {
        "regulations": ("new_made", "new_published", "total_published"),
        "normative_documents": ("new_made", "new_published", "total_published"),
        "licensing": ("previous", "change", "decisions"),
        "other_services": ("previous", "change", "decisions"),
        "penalty": ("previous", "change", "decisions"),
        "enforcement": ("previous", "change", "decisions"),
        "fees": ("previous", "change"),
        "procurement": ("items", "amount"),
    },
}
MONEY = frozenset({"fee_amount", "amount"})

APPEAL_GROUPS = ("review", "suit_direct", "suit_after_review")
APPEAL_PARTS = ("upheld", "corrected", "other", "pending", "total")
APPEALS = tuple(f"{g}_{p}" for g in APPEAL_GROUPS for p in APPEAL_PARTS)


@dataclass
class Values:
    """The numbers of tables 二、三、四 (None: the cell is left blank)."""

    active: dict[str, dict[str, Number]]
    requests: dict[str, dict[str, Number]]
    appeals: dict[str, Number]


@dataclass
class Printed:
    """How cells are printed when not simply as their number: (table, row, column) → text."""

    text: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def cell(self, values: Values, table: str, row: str, column: str) -> str:
        key = (table, row, column)
        if key in self.text:
            return self.text[key]
        return plain(lookup(values, table, row, column))


def lookup(values: Values, table: str, row: str, column: str) -> Number:
    if table == "appeals":
        return values.appeals[column]
    return getattr(values, table)[row][column]


def store(values: Values, table: str, row: str, column: str, value: Number) -> None:
    if table == "appeals":
        values.appeals[column] = value
    else:
        getattr(values, table)[row][column] = value


def plain(value: Number) -> str:
    """A number as a clerk types it: 12, 26.8, 0 (money without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _sparse(rng: random.Random, high: int, p_zero: float) -> int:
    return 0 if rng.random() < p_zero else rng.randint(1, high)


def _request_column(rng: random.Random, edition: str, scale: int, busy: bool) -> dict[str, int]:
    """One applicant column: outcomes first, then the rows the balance rule fixes."""
    p_zero = 0.8 if busy else 0.96
    column = {row: _sparse(rng, scale, p_zero) for row in OUTCOMES[edition]}
    if busy:
        column["granted"] += rng.randint(1, scale * 3)
    column["total_processed"] = sum(column[row] for row in OUTCOMES[edition])
    column["carried_in"] = _sparse(rng, max(1, scale // 3), 0.6)
    column["carried_over"] = _sparse(rng, max(1, scale // 3), 0.6)
    column["new_received"] = column["total_processed"] + column["carried_over"] - column["carried_in"]
    if column["new_received"] < 0:
        column["carried_over"] -= column["new_received"]
        column["new_received"] = 0
    return column


def _requests(rng: random.Random, edition: str, scale: int) -> dict[str, dict[str, Number]]:
    odds = {c: 0.6 if c == "commercial" else 0.15 for c in APPLICANTS[1:]}
    busy = {"natural_person"} | {c for c, p in odds.items() if rng.random() < p}
    columns = {c: _request_column(rng, edition, scale, c in busy) for c in APPLICANTS}
    rows: dict[str, dict[str, Number]] = {}
    for row in request_rows(edition):
        rows[row] = {c: columns[c][row] for c in APPLICANTS}
        rows[row]["total"] = sum(columns[c][row] for c in APPLICANTS)
    return rows


def _appeals(rng: random.Random) -> dict[str, Number]:
    appeals: dict[str, Number] = {}
    for group in APPEAL_GROUPS:
        parts = [_sparse(rng, 4, 0.5) for _ in APPEAL_PARTS[:-1]]
        appeals.update({f"{group}_{p}": v for p, v in zip(APPEAL_PARTS, parts, strict=False)})
        appeals[f"{group}_total"] = sum(parts)
    return appeals


def _money(rng: random.Random, high: float) -> float:
    return round(rng.uniform(0, high), rng.choice((1, 2)))


def _active(rng: random.Random, edition: str, big: bool) -> dict[str, dict[str, Number]]:
    decisions = (lambda: rng.randint(1000, 98000)) if big else (lambda: _sparse(rng, 60, 0.4))
    if edition == "2021":
        in_force = rng.randint(0, 40)
        return {
            "regulations": {"issued": rng.randint(0, 2), "repealed": rng.randint(0, 1),
                            "in_force": rng.randint(0, 12)},
            "normative_documents": {"issued": rng.randint(0, 9), "repealed": rng.randint(0, 5),
                                    "in_force": in_force},
            "licensing": {"decisions": decisions()},
            "penalty": {"decisions": decisions()},
            "enforcement": {"decisions": _sparse(rng, 30, 0.5)},
            "fees": {"fee_amount": _money(rng, 900.0)},
        }
    made = rng.randint(2, 9)  # new_made ≠ new_published, so a swapped header order shows

    def project() -> dict[str, Number]:
        previous = rng.randint(300, 6000) if big else rng.randint(0, 40)
        change = rng.randint(-min(previous, 60), 1500) if big else rng.randint(-min(previous, 12), 12)
        return {"previous": previous, "change": change, "decisions": decisions()}

    return {
        "regulations": {"new_made": rng.randint(0, 2), "new_published": 0,
                        "total_published": rng.randint(0, 6)},
        "normative_documents": {"new_made": made, "new_published": made - rng.randint(1, 2),
                                "total_published": made + rng.randint(3, 30)},
        "licensing": project(),
        "other_services": project(),
        "penalty": project(),
        "enforcement": project(),
        "fees": {"previous": rng.randint(0, 6), "change": rng.randint(-2, 2)},
        "procurement": {"items": rng.randint(0, 30), "amount": _money(rng, 300.0)},
    }


def generate(edition: str, seed: int, scale: int = 3, big: bool = False) -> Values:
    """Seeded values for one report; every arithmetic rule of SPEC.md holds."""
    rng = random.Random(seed)
    return Values(active=_active(rng, edition, big), requests=_requests(rng, edition, scale),
                  appeals=_appeals(rng))


def golden(agency: str | None, year: int | None, edition: str, values: Values,
           unmapped_contains: list[str]) -> dict:
    """The golden JSON of a case: meta, every table cell of the edition, unmapped checks."""
    active = {row: {c: _money_type(c, values.active[row][c]) for c in cols}
              for row, cols in ACTIVE[edition].items()}
    requests = {row: {c: values.requests[row][c] for c in REQUEST_COLUMNS} for row in request_rows(edition)}
    return {
        "meta": {"agency": agency, "year": year, "edition": edition},
        "tables": {"active": active, "requests": requests,
                   "appeals": {"count": {c: values.appeals[c] for c in APPEALS}}},
        "unmapped_contains": unmapped_contains,
    }


def _money_type(column: str, value: Number) -> Number:
    return float(value) if column in MONEY and value is not None else value
