"""The packaged spec carries exactly the keys of SPEC.md (typed here from SPEC.md)."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from nianbao.spec import load_spec, parse_spec

REQUEST_ROWS_COMMON = [
    "new_received", "carried_in", "granted", "partially_granted", "denied_state_secret",
    "denied_prohibited", "denied_three_safety", "denied_third_party", "denied_internal",
    "denied_process", "denied_enforcement_file", "denied_inquiry", "unavailable_not_held",
    "unavailable_need_creation", "unavailable_unclear", "rejected_petition",
    "rejected_duplicate", "rejected_publication", "rejected_excessive", "rejected_confirmation",
]
REQUEST_COLUMNS = ["natural_person", "commercial", "research", "social_welfare",
                   "legal_service", "other_org", "total"]
APPEAL_COLUMNS = [
    "review_upheld", "review_corrected", "review_other", "review_pending", "review_total",
    "suit_direct_upheld", "suit_direct_corrected", "suit_direct_other", "suit_direct_pending",
    "suit_direct_total", "suit_after_review_upheld", "suit_after_review_corrected",
    "suit_after_review_other", "suit_after_review_pending", "suit_after_review_total",
]


def test_request_rows_per_edition() -> None:
    spec = load_spec()
    tail = ["total_processed", "carried_over"]
    assert [r.key for r in spec.edition("2019").table("requests").rows] == (
        [*REQUEST_ROWS_COMMON, "other", *tail])
    assert [r.key for r in spec.edition("2021").table("requests").rows] == (
        [*REQUEST_ROWS_COMMON, "other_no_correction", "other_no_fee", "other_misc", *tail])
    for edition in ("2019", "2021"):
        assert [c.key for c in spec.edition(edition).table("requests").columns] == REQUEST_COLUMNS


def test_appeals_columns() -> None:
    spec = load_spec()
    for edition in ("2019", "2021"):
        table = spec.edition(edition).table("appeals")
        assert [r.key for r in table.rows] == ["count"]
        assert [c.key for c in table.columns] == APPEAL_COLUMNS


def test_active_rows_and_columns() -> None:
    spec = load_spec()
    t21 = spec.edition("2021").table("active")
    assert {r.key: r.columns for r in t21.rows} == {
        "regulations": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",), "penalty": ("decisions",), "enforcement": ("decisions",),
        "fees": ("fee_amount",),
    }
    t19 = spec.edition("2019").table("active")
    three = ("previous", "change", "decisions")
    assert {r.key: r.columns for r in t19.rows} == {
        "regulations": ("new_made", "new_published", "total_published"),
        "normative_documents": ("new_made", "new_published", "total_published"),
        "licensing": three, "other_services": three, "penalty": three, "enforcement": three,
        "fees": ("previous", "change"), "procurement": ("items", "amount"),
    }
    assert t21.column("fee_amount").is_money and t19.column("amount").is_money
    assert t19.column("change").kind == "signed"


def test_rules_declared_with_stable_ids() -> None:
    ids = {r.id for r in load_spec().rules}
    assert {
        "requests.balance", "requests.outcome_sum", "requests.row_total",
        "appeals.review_total", "appeals.suit_direct_total", "appeals.suit_after_review_total",
        "active.non_negative", "active.published_le_total", "legacy.children_sum",
        "legacy.parent_blank", "report.edition_year", "narrative.matches_table",
        "year.carried_in", "year.in_force",
    } <= ids
    assert {i for i in ids if i.endswith(".integer")} == {
        "active.integer", "requests.integer", "appeals.integer", "legacy.integer"}


def test_rule_rows_and_columns_exist_in_the_spec() -> None:
    spec = load_spec()
    for rule in spec.rules:
        if rule.kind not in ("rows_equal", "columns_equal", "columns_le"):
            continue
        keys = set(rule.params["lhs"]) | set(rule.params["rhs"])
        tables = [e.tables[rule.table] for e in spec.editions.values() if rule.table in e.tables]
        if rule.kind == "rows_equal":
            known = {r.key for t in tables for r in t.rows}
        else:
            known = {c.key for t in tables for c in t.columns}
        assert keys <= known, (rule.id, keys - known)


def test_edition_years() -> None:
    spec = load_spec()
    assert spec.edition("2021").fits_year(2024) and not spec.edition("2021").fits_year(2020)
    assert spec.edition("2019").fits_year(2020) and spec.edition("legacy").fits_year(2018)


def test_the_form_shape_and_words_the_code_takes_from_the_spec() -> None:
    spec = load_spec()
    assert spec.default_edition == "2021" and spec.edition_of(None).key == "2021"
    assert spec.matrix_tables == ("active", "requests", "appeals")
    assert [e.short_label for e in spec.editions.values()] == [
        "2021年版", "2019年版", "统计表（2018年及以前）"]
    assert [e.blank_label for e in spec.editions.values()] == ["2021年版", "2019年版", "统计表"]
    assert {r.severity for r in spec.all_rules} <= set(spec.findings.severity)
    assert spec.severity_label("error") == "错误" and spec.severity_label("warning") == "警告"
    # FindingRow.cells' nine values; the last two (编号, 核实说明) head the 已核实 sheet's id and reason
    assert len(spec.findings.columns) == 9
    ident, reason = spec.findings.columns[-2:]
    assert spec.findings.accepted_columns[0] == ident and reason in spec.findings.accepted_columns
    for table, row, column in (*spec.consolidated.headline, spec.consolidated.ranking):
        assert spec.edition_of(None).table(table).row(row).columns.count(column) == 1
    assert set(spec.consolidated.status) == {"passed", "warned", "failed"}
    for rule in spec.all_rules:  # the two-year rules name cells of their table
        if rule.kind.startswith("year_"):
            table = spec.edition_of(None).table(rule.table)
            keys = [rule.params[k] for k in ("row", "previous_row") if k in rule.params]
            assert all(table.has_row(k) for k in keys)
            assert all(any(c.key == rule.params[k] for c in table.columns)
                       for k in ("column", "plus", "minus") if k in rule.params)


def test_every_rule_is_the_validators_or_the_consolidations() -> None:
    spec = load_spec()
    assert {r.stage for r in spec.all_rules} == {"validate", "consolidate", "parent"}
    assert [r.id for r in spec.rules] == [r.id for r in spec.all_rules if r.stage == "validate"]
    assert all(r.id.startswith("consolidate.") == (r.stage == "consolidate") for r in spec.all_rules)
    assert all(r.id.startswith("parent.") == (r.stage == "parent") for r in spec.all_rules)
    assert len({r.id for r in spec.all_rules}) == len(spec.all_rules)


@pytest.mark.parametrize(("rule_id", "stage"), [("parent.children_sum", "consolidate"),
                                                ("consolidate.sum", "parent"), ("parent.x", "validate"),
                                                ("requests.balance", "publish")])
def test_a_rule_whose_id_does_not_fit_its_stage_is_refused(rule_id: str, stage: str) -> None:
    text = resources.files("nianbao.spec").joinpath("spec.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    raw["rules"][0] = {**raw["rules"][0], "id": rule_id, "stage": stage}
    with pytest.raises(ValueError, match=rule_id):
        parse_spec(raw)


def test_character_folds_are_single_characters_that_change_something() -> None:
    folds = load_spec().char_folds
    assert folds and all(len(k) == 1 and len(v) == 1 and k != v for k, v in folds.items())
