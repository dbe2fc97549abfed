from xaso.indicators.tests.conftest import catalog  # noqa: F401
