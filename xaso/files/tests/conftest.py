import pytest

from xaso.indicators.tests.conftest import catalog  # noqa: F401


@pytest.fixture
def private_root(settings, tmp_path):
    """Private files of this test only, in a folder the test can list."""
    root = tmp_path / "private"
    settings.XASO_PRIVATE_ROOT = root
    return root


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
