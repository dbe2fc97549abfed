"""The order of a plan's legal bases (Căn cứ): by the rank of the issuing body, then by date.

Vietnamese administrative documents list their bases from the highest authority down: the Party Central
Committee and Politburo, the National Assembly, the Government, the Prime Minister, the ministries, then the
province (Party committee, People's Council, People's Committee, its departments), the district before 2025, and
the commune (Party committee, People's Council, People's Committee). Within one rank the older document comes
first. One function decides it, so the plan's screen and its printed documents list the bases in the same order.

The rank is read from the issuer's name; when the issuer is not recorded (a source that cites only a number), from
the document's symbol (`-NQ/TW` Party Central, `NĐ-CP` Government, `QĐ-TTg` Prime Minister, `-KH/TU` province
Party committee, `-KH/ĐU` commune Party committee...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from enum import IntEnum
from typing import Protocol


class Rank(IntEnum):
    PARTY_CENTRAL = 0  # Ban Chấp hành Trung ương, Bộ Chính trị, Ban Bí thư
    NATIONAL_ASSEMBLY = 1  # Quốc hội, Ủy ban Thường vụ Quốc hội: laws and resolutions
    GOVERNMENT = 2  # Chính phủ: decrees and resolutions
    PRIME_MINISTER = 3  # Thủ tướng Chính phủ: decisions, directives
    MINISTRY = 4  # Bộ, and the departments of a ministry (Cục ...)
    PROVINCE_PARTY = 5  # Tỉnh ủy / Thành ủy, Ban Chấp hành / Ban Thường vụ Đảng bộ tỉnh
    PROVINCE_COUNCIL = 6  # HĐND tỉnh
    PROVINCE_COMMITTEE = 7  # UBND tỉnh and its chairman
    PROVINCE_DEPARTMENT = 8  # Sở ... of the province
    DISTRICT_PARTY = 9  # Huyện ủy (before 1 July 2025)
    DISTRICT_COMMITTEE = 10  # UBND huyện, HĐND huyện (before 1 July 2025)
    COMMUNE_PARTY = 11  # Đảng ủy xã
    COMMUNE_COUNCIL = 12  # HĐND xã
    COMMUNE_COMMITTEE = 13  # UBND xã
    OTHER = 14  # an issuer that names no known body


class Basis(Protocol):
    number: str
    issuer: str
    issued_on: date | None


PROVINCE = r"(tỉnh|thành phố)"
# (rank, pattern on the issuer's name, lower case); the first match wins, so the specific come before the general
ISSUER_RULES: list[tuple[Rank, str]] = [
    (Rank.PARTY_CENTRAL, r"bộ chính trị|ban bí thư|ban chấp hành trung ương|trung ương đảng"),
    (Rank.NATIONAL_ASSEMBLY, r"quốc hội"),
    (Rank.PRIME_MINISTER, r"thủ tướng"),
    (Rank.GOVERNMENT, r"^chính phủ"),
    (Rank.PROVINCE_PARTY, rf"tỉnh ủy|thành ủy|đảng bộ {PROVINCE}"),
    (Rank.DISTRICT_PARTY, r"huyện ủy|thị ủy|quận ủy|đảng bộ (huyện|quận|thị xã)"),
    (Rank.COMMUNE_PARTY, r"đảng ủy|đảng bộ (xã|phường|thị trấn|đặc khu)"),
    (Rank.PROVINCE_COUNCIL, rf"(hđnd|hội đồng nhân dân) {PROVINCE}"),
    (Rank.PROVINCE_COMMITTEE, rf"(ubnd|ủy ban nhân dân) {PROVINCE}"),
    (Rank.PROVINCE_DEPARTMENT, r"^sở "),
    (Rank.DISTRICT_COMMITTEE, r"(ubnd|ủy ban nhân dân|hđnd|hội đồng nhân dân) (huyện|quận|thị xã)"),
    (Rank.COMMUNE_COUNCIL, r"(hđnd|hội đồng nhân dân) (xã|phường|thị trấn|đặc khu)"),
    (Rank.COMMUNE_COMMITTEE, r"(ubnd|ủy ban nhân dân) (xã|phường|thị trấn|đặc khu)"),
    (Rank.MINISTRY, r"^(bộ|bộ trưởng|cục|tổng cục) "),
]
# (rank, pattern on the document's symbol) when the issuer is not recorded
SYMBOL_RULES: list[tuple[Rank, str]] = [
    (Rank.PARTY_CENTRAL, r"-(NQ|CT|KL|QĐ|HD)/TW$"),
    (Rank.NATIONAL_ASSEMBLY, r"/(QH\d*|UBTVQH\d*)$"),
    (Rank.GOVERNMENT, r"/(NĐ|NQ)-CP$"),
    (Rank.PRIME_MINISTER, r"-TTg$"),
    (Rank.MINISTRY, r"-B[A-ZĐ]+$"),
    (Rank.PROVINCE_PARTY, r"/(TU|TƯ)$"),
    (Rank.DISTRICT_PARTY, r"/HU$"),
    (Rank.COMMUNE_PARTY, r"/ĐU$"),
]


def _normal(text: str) -> str:
    """Lower case with the two spellings of "ủy"/"uỷ", "hóa"/"hoá" made one."""
    return " ".join(text.lower().replace("uỷ", "ủy").replace("oá", "óa").split())


def issuer_rank(issuer: str, number: str = "") -> Rank:
    """The rank of the body that issued a document (see the module's docstring)."""
    name = _normal(issuer)
    if name:
        for rank, pattern in ISSUER_RULES:
            if re.search(pattern, name):
                return rank
    symbol = number.strip()
    for rank, pattern in SYMBOL_RULES:
        if re.search(pattern, symbol):
            return rank
    return Rank.OTHER


def legal_basis_key(basis: Basis) -> tuple[int, int, date, str]:
    """Rank, then date (oldest first; an undated document after the dated ones of its rank), then number."""
    undated = basis.issued_on is None
    return issuer_rank(basis.issuer, basis.number), int(undated), basis.issued_on or date.min, basis.number


def legal_bases_ordered[B: Basis](bases: Iterable[B]) -> list[B]:
    """The bases in the order a Vietnamese document lists them."""
    return sorted(bases, key=legal_basis_key)
