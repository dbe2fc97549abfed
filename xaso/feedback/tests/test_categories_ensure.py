"""The default categories come back where a database lost them (a test server's flush), and an administrator's
changes to existing ones are kept."""

import pytest

from xaso.feedback.categories import DEFAULT_CATEGORIES, categories_ensure
from xaso.feedback.models import Category

pytestmark = pytest.mark.django_db


def test_missing_categories_are_created_and_changed_ones_kept():
    assert categories_ensure() == 0  # the migration loaded them all
    Category.objects.filter(code="moi-truong").delete()
    Category.objects.filter(code="ha-tang").update(deadline_days=3)
    assert categories_ensure() == 1
    assert Category.objects.count() == len(DEFAULT_CATEGORIES)
    assert Category.objects.get(code="moi-truong").deadline_days == 7
    assert Category.objects.get(code="ha-tang").deadline_days == 3
