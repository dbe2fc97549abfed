"""Fixtures shared by the core tests (the indicator catalogue), and test ids for the schemathesis run.

schemathesis 4.32 names each generated item after its API operation (`test_api[GET /api/v1/units/]`), but
pytest 9 builds the node id from the function's original name, so all items would share one id (xdist and `-k`
could not tell them apart): give each its own.
"""

from __future__ import annotations

from xaso.indicators.tests.conftest import catalog  # noqa: F401


def pytest_collection_modifyitems(items):
    for item in items:
        if getattr(item, "operation_label", None) and "[" not in item.nodeid and hasattr(item, "_id"):
            item._id = item.parent.id.child(item.name)
