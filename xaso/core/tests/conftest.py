"""Fixtures shared by the core tests: the indicator catalogue."""

from xaso.indicators.tests.conftest import catalog  # noqa: F401
