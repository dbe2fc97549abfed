"""The "6 rõ" of seed 004, one condition at a time: each missing part is named, and only that one."""

from __future__ import annotations

from datetime import date

import pytest

from xaso.plans.models import Task
from xaso.plans.six import task_missing_six

COMPLETE = {
    "person": "Nguyễn Văn An",
    "title": "Số hóa kết quả giải quyết thủ tục hành chính",
    "timeframe_kind": "date",
    "due_date": date(2026, 6, 30),
    "lead_unit": "Văn phòng HĐND và UBND xã",
    "deliverable": "100% kết quả được số hóa",
    "approver": "Chủ tịch UBND xã",
}


def missing(**changes) -> list[str]:
    return task_missing_six(Task(**{**COMPLETE, **changes}))


def test_a_complete_task_misses_nothing():
    assert missing() == []


@pytest.mark.parametrize(
    ("field", "named"),
    [
        ("person", "rõ người"),
        ("title", "rõ việc"),
        ("lead_unit", "rõ trách nhiệm"),
        ("deliverable", "rõ sản phẩm"),
        ("approver", "rõ thẩm quyền"),
    ],
)
@pytest.mark.parametrize("blank", ["", "   "])
def test_each_missing_part_is_named_alone(field, named, blank):
    [only] = missing(**{field: blank})
    assert only.startswith(named)


@pytest.mark.parametrize(
    ("timeframe", "has_time"),
    [
        ({"timeframe_kind": "date", "due_date": date(2026, 6, 30)}, True),
        ({"timeframe_kind": "date", "due_date": None}, False),
        ({"timeframe_kind": "quarter", "due_date": date(2026, 9, 30)}, True),
        ({"timeframe_kind": "quarter", "due_date": None}, False),
        ({"timeframe_kind": "recurring", "recurrence": "quarterly", "start_date": date(2026, 1, 1)}, True),
        ({"timeframe_kind": "recurring", "recurrence": "", "start_date": date(2026, 1, 1)}, False),
        ({"timeframe_kind": "recurring", "recurrence": "quarterly", "start_date": None}, False),
        ({"timeframe_kind": "ongoing", "due_date": None}, True),  # "thường xuyên" needs no date
        ({"timeframe_kind": "", "due_date": date(2026, 6, 30)}, False),
    ],
)
def test_the_time_is_clear_by_its_kind(timeframe, has_time):
    found = missing(**timeframe)
    assert found == ([] if has_time else [found[0]])
    assert has_time or found[0].startswith("rõ thời gian")
