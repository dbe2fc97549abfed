"""The order of legal bases: by the rank of the issuing body, then by date; the same on the plan's page and in its
documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from xaso.plans.legal_bases import Rank, issuer_rank, legal_bases_ordered


@dataclass
class B:
    number: str
    issuer: str
    issued_on: date | None = None


# one real issuer per rank, highest first (the order a Vietnamese document lists its bases in)
BY_RANK = [
    (Rank.PARTY_CENTRAL, B("57-NQ/TW", "Bộ Chính trị", date(2024, 12, 22))),
    (Rank.NATIONAL_ASSEMBLY, B("20/2023/QH15", "Quốc hội", date(2023, 6, 22))),
    (Rank.GOVERNMENT, B("71/NQ-CP", "Chính phủ", date(2025, 4, 1))),
    (Rank.PRIME_MINISTER, B("749/QĐ-TTg", "Thủ tướng Chính phủ", date(2020, 6, 3))),
    (Rank.MINISTRY, B("405/QĐ-BKHCN", "Bộ Khoa học và Công nghệ", date(2025, 4, 3))),
    (Rank.PROVINCE_PARTY, B("09-NQ/TU", "Ban Chấp hành Đảng bộ tỉnh Nghệ An", date(2022, 8, 5))),
    (Rank.PROVINCE_COUNCIL, B("12/NQ-HĐND", "HĐND tỉnh Thanh Hóa", date(2023, 7, 1))),
    (Rank.PROVINCE_COMMITTEE, B("91/KH-UBND", "UBND tỉnh Đồng Nai", date(2026, 2, 12))),
    (Rank.PROVINCE_DEPARTMENT, B("1288/HD-STTTT", "Sở Thông tin và Truyền thông Nghệ An", date(2023, 6, 21))),
    (Rank.DISTRICT_PARTY, B("05-NQ/HU", "Ban Thường vụ Huyện ủy Nga Sơn", date(2023, 3, 1))),
    (Rank.DISTRICT_COMMITTEE, B("348/KH-UBND", "UBND huyện Nghi Lộc", date(2023, 12, 19))),
    (Rank.COMMUNE_PARTY, B("12-KH/ĐU", "Đảng ủy xã An Viễn", date(2025, 9, 1))),
    (Rank.COMMUNE_COUNCIL, B("03/NQ-HĐND", "Hội đồng nhân dân xã An Viễn", date(2025, 12, 20))),
    (Rank.COMMUNE_COMMITTEE, B("30/KH-UBND", "Ủy ban nhân dân xã Nga Điền", date(2023, 4, 24))),
]


@pytest.mark.parametrize(("rank", "basis"), BY_RANK, ids=[r.name for r, _b in BY_RANK])
def test_each_issuer_has_its_rank(rank, basis):
    assert issuer_rank(basis.issuer, basis.number) is rank


@pytest.mark.parametrize("i", range(len(BY_RANK) - 1), ids=[f"{BY_RANK[i][0].name}>{BY_RANK[i + 1][0].name}"
                                                            for i in range(len(BY_RANK) - 1)])  # fmt: skip
def test_a_higher_rank_comes_first_whatever_the_dates(i):
    """Each pair of neighbouring ranks, given in the wrong order and with the lower body's document the older one:
    the higher body's document still comes first (swapping two ranks fails one of these)."""
    higher, lower = BY_RANK[i][1], BY_RANK[i + 1][1]
    older_lower = B(lower.number, lower.issuer, date(2000, 1, 1))
    assert legal_bases_ordered([older_lower, higher]) == [higher, older_lower]


def test_within_a_rank_the_older_comes_first_and_the_undated_last():
    a = B("749/QĐ-TTg", "Thủ tướng Chính phủ", date(2020, 6, 3))
    b = B("942/QĐ-TTg", "Thủ tướng Chính phủ", date(2021, 6, 15))
    c = B("02/CT-TTg", "Thủ tướng Chính phủ", None)
    assert legal_bases_ordered([c, b, a]) == [a, b, c]


@pytest.mark.parametrize(
    ("number", "rank"),
    [("57-NQ/TW", Rank.PARTY_CENTRAL), ("13/2023/NĐ-CP", Rank.GOVERNMENT), ("11/NQ-CP", Rank.GOVERNMENT),
     ("02/CT-TTg", Rank.PRIME_MINISTER), ("09-NQ/TU", Rank.PROVINCE_PARTY), ("12-KH/ĐU", Rank.COMMUNE_PARTY),
     ("03-KH/BCĐ", Rank.OTHER), ("92/KH-UBND", Rank.OTHER)],
)  # fmt: skip
def test_without_an_issuer_the_symbol_decides(number, rank):
    assert issuer_rank("", number) is rank


def test_the_two_spellings_of_uy_and_hoa_are_one():
    assert issuer_rank("Ủy ban nhân dân tỉnh Thanh Hoá") is issuer_rank("Uỷ ban nhân dân tỉnh Thanh Hóa")
    assert issuer_rank("Uỷ ban nhân dân tỉnh Thanh Hoá") is Rank.PROVINCE_COMMITTEE
