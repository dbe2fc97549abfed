import pytest

from xaso.indicators.tests.conftest import catalog  # noqa: F401


@pytest.fixture
def index(catalog, dong_nai, province_analyst):  # noqa: F811
    """The small index of test_index, loaded by the province (tests that define their own `index` override it)."""
    from xaso.dti.loader import index_load
    from xaso.dti.tests.test_index import small_index_data

    return index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
