"""The three real samples, with golden values typed by hand from the files.

- hangzhou_style_2021ed_2025.html: read from the page source.
- huaian_city_2021ed_2024.pdf: read off the pages rendered with ``pdftoppm -png -r 80``
  (pages 3-5; re-checked at 130 dpi and against ``pdftotext -layout``).
- official_template_2021ed.docx: the blank 2021 Word template: no agency, no year, every cell
  blank.
"""

from __future__ import annotations

from pathlib import Path

from .content import APPEALS, REQUEST_COLUMNS, request_rows

SAMPLES = Path("/work/shared/samples")


def _requests(rows: dict[str, tuple[int, ...]]) -> dict:
    assert list(rows) == list(request_rows("2021"))
    return {row: dict(zip(REQUEST_COLUMNS, values, strict=True)) for row, values in rows.items()}


def _appeals(values: tuple[int, ...]) -> dict:
    return {"count": dict(zip(APPEALS, values, strict=True))}


#                                      自然人 商业企业 科研 公益 法律服务 其他 总计
HANGZHOU = {
    "meta": {"agency": "测试市", "year": 2025, "edition": "2021"},
    "tables": {
        "active": {
            "regulations": {"issued": 3, "repealed": 5, "in_force": 74},
            "normative_documents": {"issued": 564, "repealed": 984, "in_force": 4185},
            "licensing": {"decisions": 11398889},
            "penalty": {"decisions": 6937489},
            "enforcement": {"decisions": 166105},
            "fees": {"fee_amount": 316441.0},
        },
        "requests": _requests({
            "new_received": (13612, 252, 0, 45, 128, 32, 14069),
            "carried_in": (535, 6, 0, 1, 18, 0, 560),
            "granted": (5345, 129, 0, 41, 19, 14, 5548),
            "partially_granted": (2120, 39, 0, 1, 6, 2, 2168),
            "denied_state_secret": (13, 0, 0, 0, 0, 0, 13),
            "denied_prohibited": (30, 0, 0, 0, 0, 0, 30),
            "denied_three_safety": (11, 0, 0, 0, 0, 0, 11),
            "denied_third_party": (49, 2, 0, 0, 0, 0, 51),
            "denied_internal": (103, 1, 0, 0, 0, 0, 104),
            "denied_process": (84, 1, 0, 0, 0, 0, 85),
            "denied_enforcement_file": (282, 4, 0, 0, 0, 0, 286),
            "denied_inquiry": (147, 0, 0, 0, 1, 2, 150),
            "unavailable_not_held": (3075, 50, 0, 0, 89, 8, 3222),
            "unavailable_need_creation": (177, 3, 0, 0, 0, 0, 180),
            "unavailable_unclear": (19, 0, 0, 0, 0, 0, 19),
            "rejected_petition": (199, 1, 0, 0, 3, 0, 203),
            "rejected_duplicate": (147, 1, 0, 0, 0, 0, 148),
            "rejected_publication": (0, 0, 0, 0, 0, 0, 0),
            "rejected_excessive": (100, 1, 0, 0, 0, 0, 101),
            "rejected_confirmation": (5, 0, 0, 0, 0, 0, 5),
            "other_no_correction": (315, 3, 0, 0, 0, 0, 318),
            "other_no_fee": (202, 0, 0, 1, 0, 0, 203),
            "other_misc": (941, 17, 0, 1, 3, 3, 965),
            "total_processed": (13364, 252, 0, 44, 121, 29, 13810),
            "carried_over": (783, 6, 0, 2, 25, 3, 819),
        }),
        "appeals": _appeals((376, 97, 196, 121, 790, 16, 1, 12, 27, 56, 74, 1, 30, 51, 156)),
    },
    "unmapped_contains": [],
}

HUAIAN = {
    "meta": {"agency": "淮安市人民政府", "year": 2024, "edition": "2021"},
    "tables": {
        "active": {
            "regulations": {"issued": 1, "repealed": 0, "in_force": 11},
            "normative_documents": {"issued": 8, "repealed": 26, "in_force": 66},
            "licensing": {"decisions": 447228},
            "penalty": {"decisions": 3985758},
            "enforcement": {"decisions": 88283},
            "fees": {"fee_amount": 96171.6},
        },
        "requests": _requests({
            "new_received": (3001, 53, 0, 0, 61, 4, 3119),
            "carried_in": (34, 0, 0, 0, 0, 0, 34),
            "granted": (1288, 21, 0, 0, 50, 3, 1362),
            "partially_granted": (447, 7, 0, 0, 0, 0, 454),
            "denied_state_secret": (2, 0, 0, 0, 0, 0, 2),
            "denied_prohibited": (30, 1, 0, 0, 0, 0, 31),
            "denied_three_safety": (5, 0, 0, 0, 0, 0, 5),
            "denied_third_party": (6, 0, 0, 0, 0, 0, 6),
            "denied_internal": (7, 1, 0, 0, 0, 0, 8),
            "denied_process": (12, 0, 0, 0, 0, 0, 12),
            "denied_enforcement_file": (9, 0, 0, 0, 0, 0, 9),
            "denied_inquiry": (105, 0, 0, 0, 0, 0, 105),
            "unavailable_not_held": (746, 12, 0, 0, 10, 1, 769),
            "unavailable_need_creation": (11, 0, 0, 0, 0, 0, 11),
            "unavailable_unclear": (1, 0, 0, 0, 0, 0, 1),
            "rejected_petition": (56, 6, 0, 0, 0, 0, 62),
            "rejected_duplicate": (25, 0, 0, 0, 0, 0, 25),
            "rejected_publication": (0, 0, 0, 0, 0, 0, 0),
            "rejected_excessive": (0, 0, 0, 0, 0, 0, 0),
            "rejected_confirmation": (1, 0, 0, 0, 0, 0, 1),
            "other_no_correction": (67, 3, 0, 0, 1, 0, 71),
            "other_no_fee": (6, 0, 0, 0, 0, 0, 6),
            "other_misc": (108, 2, 0, 0, 0, 0, 110),
            "total_processed": (2932, 53, 0, 0, 61, 4, 3050),
            "carried_over": (103, 0, 0, 0, 0, 0, 103),
        }),
        "appeals": _appeals((72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20)),
    },
    "unmapped_contains": [],
}

TEMPLATE = {
    "meta": {"agency": None, "year": None, "edition": "2021"},
    "tables": {
        "active": {
            "regulations": {"issued": None, "repealed": None, "in_force": None},
            "normative_documents": {"issued": None, "repealed": None, "in_force": None},
            "licensing": {"decisions": None},
            "penalty": {"decisions": None},
            "enforcement": {"decisions": None},
            "fees": {"fee_amount": None},
        },
        "requests": {row: dict.fromkeys(REQUEST_COLUMNS) for row in request_rows("2021")},
        "appeals": {"count": dict.fromkeys(APPEALS)},
    },
    "unmapped_contains": [],
}

# case name (with extension) → (sample file, golden)
REAL = {
    "html_real_hangzhou_2025.html": ("hangzhou_style_2021ed_2025.html", HANGZHOU),
    "pdf_real_huaian_2024.pdf": ("huaian_city_2021ed_2024.pdf", HUAIAN),
    "docx_real_official_template.docx": ("official_template_2021ed.docx", TEMPLATE),
}
