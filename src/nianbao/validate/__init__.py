"""Validation: the spec's arithmetic rules (勾稽关系) executed with pandera, findings as data.

    from nianbao.validate import validate
    result = validate(report)            # a ValidationReport: valid, counts, findings
    result.to_json()                     # {"valid": …, "findings": […]} as SPEC.md writes it

The same code validates one report or thousands stacked (``validate_many``). Importing this
package imports pandas and pandera; ``nianbao convert`` never does.
"""

from __future__ import annotations

from .annotate import RESULT_SHEET, annotate, annotate_workbook
from .findings import Finding, ValidationReport
from .read import is_workbook, read_for_validation
from .validator import previous_year, validate, validate_many, validate_path

__all__ = [
    "RESULT_SHEET",
    "Finding",
    "ValidationReport",
    "annotate",
    "annotate_workbook",
    "is_workbook",
    "previous_year",
    "read_for_validation",
    "validate",
    "validate_many",
    "validate_path",
]
