"""Whether two names are one agency: the same name, or one with a region in front.

Reports of one agency in different years spell it differently: 淮安市洪泽区人民政府 one year,
洪泽区人民政府 the next; 江苏省淮安市 and 淮安市. Where reports are compared across years
(``validate --previous``, ``consolidate --previous``) such names are paired, and the pairing
is stated. Pure functions: no I/O, no pandas.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .spec import Spec, load_spec

__all__ = ["agency_key", "match_note", "same_agency"]

_SPACE = re.compile(r"\s+")


def agency_key(name: str | None) -> str:
    """How two spellings of one agency's name compare exactly: NFKC, no whitespace."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", name or ""))


@functools.cache
def _region_patterns(spec: Spec) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a run of region names, a name that begins with a region name), from the spec."""
    units = "|".join(re.escape(u) for u in sorted(spec.document["region_suffixes"], key=len, reverse=True))
    regions = re.compile(rf"(?:[\u4e00-\u9fff]{{1,12}}?(?:{units}))+")
    named = re.compile(rf"[\u4e00-\u9fff]{{1,12}}?(?:{units})")
    return regions, named


def same_agency(a: str | None, b: str | None, spec: Spec | None = None) -> bool:
    """True when ``a`` and ``b`` name one agency: equal after NFKC and whitespace, or one is
    the other with a region in front (淮安市洪泽区人民政府 / 洪泽区人民政府, 江苏省淮安市 / 淮安市).

    The shorter name must itself begin with a place name: 财政局 is not 淮安市财政局, since
    it could be any district's."""
    left, right = agency_key(a), agency_key(b)
    if not left or not right:
        return False
    if left == right:
        return True
    short, long = sorted((left, right), key=len)
    if not long.endswith(short):
        return False
    regions, named = _region_patterns(spec or load_spec())
    return bool(regions.fullmatch(long[: -len(short)]) and named.match(short))


def match_note(current: str | None, previous: str | None, spec: Spec | None = None) -> str | None:
    """The sentence that states a pairing of two differently written names of one agency, or
    None when they are written alike (or are not one agency)."""
    if agency_key(current) == agency_key(previous) or not same_agency(current, previous, spec):
        return None
    return f"按“{current}”与上年报告的“{previous}”匹配（同一单位的全称与简称）"
