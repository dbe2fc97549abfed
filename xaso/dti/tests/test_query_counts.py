"""The ranking page and a commune's assessment page make the same number of queries whatever the number of
communes ranked (2 or 12) — the ranking is aggregated in SQL, never a query per commune or per criterion."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xaso.conftest import make_unit
from xaso.dti.loader import index_load
from xaso.dti.models import Assessment, CriterionScore, RuleKind
from xaso.dti.tests.test_index import small_index_data
from xaso.geo.models import Level

pytestmark = pytest.mark.django_db


def publish(index, communes, year=2025):
    leaves = list(index.criteria.exclude(rule_kind=RuleKind.GROUP))
    for n, commune in enumerate(communes):
        a = Assessment.objects.create(index=index, commune=commune, year=year, status="published")
        CriterionScore.objects.bulk_create(
            CriterionScore(assessment=a, criterion=leaf, points=min(leaf.points, n + 1)) for leaf in leaves
        )


def counts(client, index, assessment_pk):
    out = []
    for url in (reverse("dti:ranking", args=[index.pk, 2025]), reverse("dti:assessment", args=[assessment_pk])):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        out.append(len(ctx.captured_queries))
    return out


def test_page_queries_do_not_grow_with_the_communes_ranked(
    client, catalog, dong_nai, an_vien, tri_an, province_analyst
):
    index = index_load(user=province_analyst, data=small_index_data(), province=dong_nai)
    publish(index, [an_vien, tri_an])
    client.force_login(province_analyst)
    first = Assessment.objects.get(commune=an_vien).pk
    small = counts(client, index, first)
    publish(index, [make_unit(f"9{i:04d}", f"Xã {i}", Level.COMMUNE, dong_nai) for i in range(10)])
    large = counts(client, index, first)
    assert large == small
    assert small[0] <= 12 and small[1] <= 20
