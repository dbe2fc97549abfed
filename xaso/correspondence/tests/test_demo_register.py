"""The demo commune's register reproduces its document figures: rates computed from documents, not typed."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from xaso.accounts.models import User
from xaso.coc.tests.conftest import with_areas
from xaso.core.models import Period
from xaso.core.testing import wipe_committed_data
from xaso.correspondence.models import Document
from xaso.geo.models import AdminUnit
from xaso.indicators.models import ChangeSource, DataValue, DataValueChange, Indicator
from xaso.indicators.selectors import indicator_values

pytestmark = pytest.mark.django_db

# the figures the demo commune reports (xaso/correspondence/data/demo_register.yaml), July and December 2025
JULY = {
    "documents_sent_total": 195,
    "documents_sent_signed": 192,
    "documents_sent_electronic": 194,
    "documents_received_total": 608,
    "documents_received_online": 606,
    "documents_received_handled": 581,
}
DECEMBER = {
    "documents_sent_total": 236,
    "documents_sent_signed": 235,
    "documents_sent_electronic": 235,
    "documents_received_total": 736,
    "documents_received_online": 734,
    "documents_received_handled": 718,
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        for command in ("load_units", "load_catalog", "load_demo"):
            call_command(command, stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        wipe_committed_data()


def test_demo_figures_are_counted_from_the_register(demo):
    an_vien = AdminUnit.objects.get(code="26296")
    for period, expected in (("2025-07", JULY), ("2025-12", DECEMBER)):
        found = dict(DataValue.objects.filter(unit=an_vien, period__code=period, data_element__code__in=expected)
                     .values_list("data_element__code", "value"))  # fmt: skip
        assert found == expected
    sources = set(DataValueChange.objects.filter(unit=an_vien, data_element__code__startswith="documents_")
                  .values_list("source", flat=True))  # fmt: skip
    assert sources == {ChangeSource.REGISTER}
    # 195 + 205 + 199 + 213 + 217 + 236 outgoing, 608 + 640 + 621 + 666 + 678 + 736 incoming, 3 secret
    assert Document.objects.filter(unit=an_vien).count() == 1265 + 3949 + 3


def test_demo_rate_on_the_operations_centre_is_the_seed_rate(demo):
    admin = User.objects.get(username="admin")
    an_vien = AdminUnit.objects.get(code="26296")
    signed = Indicator.objects.get(code="documents_sent_signed_rate")
    handled = Indicator.objects.get(code="documents_received_handled_rate")
    july = Period.objects.get(code="2025-07")
    table = indicator_values(user=admin, indicators=[signed, handled], units=[an_vien], periods=[july])
    assert round(table[(an_vien.id, signed.id, july.id)].value, 1) == 98.5  # 192 / 195
    assert round(table[(an_vien.id, handled.id, july.id)].value, 1) == 95.6  # 581 / 608


def test_demo_drill_down_lists_the_192_signed_documents_of_july(demo, client):
    client.force_login(User.objects.get(username="anvien"))
    response = client.get(reverse("correspondence:list"),
                          {"unit": "26296", "period": "2025-07", "element": "documents_sent_signed"})  # fmt: skip
    assert response.status_code == 200 and response.context["page_obj"].paginator.count == 192


def test_demo_register_load_twice_changes_nothing(demo):
    from xaso.correspondence.demo import demo_register_load

    before = DataValueChange.objects.count()
    assert demo_register_load(user=User.objects.get(username="admin")) == 0
    assert DataValueChange.objects.count() == before


def test_operations_centre_links_the_signed_rate_to_its_documents(demo, client):
    client.force_login(User.objects.get(username="anvien"))
    response = client.get(reverse("coc:unit", kwargs={"code": "26296"}), {"year": 2025})
    link = "/documents/?unit=26296&amp;period=2025&amp;element=documents_sent_signed"
    assert link in with_areas(client, response)  # in its area's table, fetched when the area is opened
    listed = client.get("/documents/", {"unit": "26296", "period": "2025", "element": "documents_sent_signed"})
    # July–December 2025: 192 + 202 + 196 + 212 + 216 + 235 signed outgoing documents
    assert listed.context["page_obj"].paginator.count == 1253
