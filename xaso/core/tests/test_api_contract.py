"""The API keeps its published contract: schemathesis drives every operation of /api/schema/ in-process.

For each operation it sends valid and invalid requests (examples, boundary values, random data, bounded and
derandomised so CI is stable) as a commune officer and as a province analyst, and checks that no response is a
server error and that each one's status, content type and body are the ones the schema declares, errors
included. Writes land in the test database and are rolled back after each operation.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from xaso.accounts.services import api_key_issue
from xaso.indicators.services import ValueInput, values_write
from xaso.reports.tests.conftest import an_vien_draft, catalog  # noqa: F401

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# the schema as /api/schema/ serves it, with the app to call in-process (WSGI, no network)
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = WSGIHandler()


@pytest.fixture
def same_connection():
    """Keep the test's transaction across requests, as Django's test client does (the WSGI handler would close
    the connection at the end of each request). The cache holds the token endpoint's throttle: start and leave
    it empty, so neither this run nor the next test is refused for the other's requests."""
    cache.clear()
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
    cache.clear()


@pytest.fixture
def world(an_vien_draft, an_vien_officer, province_analyst, tri_an, nga_an, catalog):  # noqa: F811
    """What the API has to show: the An Viễn draft plan with targets, tasks and budget, figures with their
    history, provinces (no parent), old communes (absorbed), indicators with and without a stated rate."""
    rows = [("households_total", "26296", "2025", 1961), ("households_fibre", "26296", "2025", 1384),
            ("households_fibre", "26296", "2025", 1390)]  # fmt: skip
    for number, (element, unit, period, value) in enumerate(rows, start=1):
        values_write(user=an_vien_officer, rows=[ValueInput(element=element, unit=unit, period=period, value=value,
                                                            row=number)])  # fmt: skip
    plan = an_vien_draft
    # the object each path's {id} or {code} names when it names a stored one
    return {
        "/api/v1/plans/": plan.pk,
        "/api/v1/targets/": plan.targets.first().pk,
        "/api/v1/tasks/": plan.tasks.first().pk,
        "/api/v1/budget-lines/": plan.budget_lines.first().pk,
        "/api/v1/units/": "26296",
        "/api/v1/data-elements/": "households_total",
        "/api/v1/indicators/": "households_fibre_rate",
    }


def _call(case, user, world):
    token = api_key_issue(user=user)
    # Random ids and codes almost never name a stored object: half of the well-typed ones are pointed at one, so
    # real bodies (and writes on them) are checked as well as 404s. Deterministic: it depends on the value drawn.
    params = case.path_parameters or {}
    stored = next((v for prefix, v in world.items() if case.operation.path.startswith(prefix)), None)
    for name, value in params.items():
        # an int id (not a bool) or a str code of the same type as the stored one; even value or length: half of them
        drawn = value if type(value) is int else len(value) if type(value) is str else None
        if name in ("id", "code") and type(value) is type(stored) and drawn is not None and drawn % 2 == 0:
            params[name] = stored
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)


HYPOTHESIS = settings(
    max_examples=8, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


@schema.parametrize()
@HYPOTHESIS
def test_api_as_commune_officer(case, same_connection, world, an_vien_officer):
    _call(case, an_vien_officer, world)


# An analyst reads the whole province (more units, other plans' scope); the writes an analyst may not make are
# refused before any body is read, and the officer's run above already drives each write operation.
@schema.include(method="GET").parametrize()
@HYPOTHESIS
def test_api_reads_as_province_analyst(case, same_connection, world, province_analyst):
    _call(case, province_analyst, world)
