"""The province view for the plans issue: "the province view for 100 communes stays under 300 ms at the median".

Run by `bench/run.py` once the synthetic province is loaded. Two pages are timed as a browser gets them,
through Django's test `Client` (URL routing, middleware, session, the view, its selectors, the template):

- the province table, `GET /coc/province/<code>/?year=<last year>&indicators=<10 generated indicators>`;
- the province scorecard, `GET /coc/province/<code>/scorecard/`: the communes × the key targets of a
  province-level plan in execution (10 targets "≥" on the generated indicators), scored and ranked.

The scorecard reads "this year, else last year" relative to today (the view takes `timezone.localdate()`),
and its key targets are those whose horizon is this year or later. The generator writes the last complete
calendar years, so the last generated year is always last year: the targets' horizon is this year and every
cell shows last year's figure.

Every request renders its page: the whole-page cache (decision 0058) is emptied before each, so the figures are
what a page's first reader after a write waits for (`bench/pages_bench.py` measures the cached pages). The table and
the scorecard show their first page of 50 communes, ranked over all of them. Each page is timed beside a baseline
run in the same loop: the same figures computed by the hand-written
SQL `GROUP BY` over the raw values of `run.group_by_sql` (the province table: the year's ratios per commune;
the scorecard: the key targets' ratios per commune for this year and last year). The baseline computes the
data only — no rendering, no province total, no status or score. The number of queries of each page is
counted once, outside the timed runs, and checked not to change with the number of indicators or targets.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass

#: how many indicators the province table shows and how many key targets the scorecard has
VIEW_INDICATORS = 10
AIM_S = 0.300


@dataclass
class ViewSetup:
    code: str
    codes: list[str]  # the province table's indicators
    targets: list  # the scorecard's key targets (plans.Target)
    today: object  # datetime.date the scorecard is read on
    table_url: str
    scorecard_url: str


def setup(prov, count: int = VIEW_INDICATORS) -> ViewSetup:
    """A province-level plan in execution with `count` key targets "≥" on the generated indicators, horizon this
    year; and the year periods the scorecard reads (this year has no values: the generator stops at last year)."""
    from django.urls import reverse
    from django.utils import timezone

    from xaso.core.models import periods_ensure
    from xaso.core.periods import year
    from xaso.plans.models import Comparator, Plan, PlanStatus, Target

    today = timezone.localdate()
    indicators = prov.indicators[:count]
    plan = Plan.objects.create(
        unit=prov.province,
        title="Kế hoạch chuyển đổi số tỉnh (mẫu đo hiệu năng)",
        year_from=prov.years[0],
        year_to=today.year,
        status=PlanStatus.IN_EXECUTION,
        created_by=prov.analyst,
    )
    Target.objects.bulk_create(
        Target(plan=plan, indicator=ind, comparator=Comparator.GE, value=40 + 4 * n, horizon_year=today.year,
               sort_order=n)
        for n, ind in enumerate(indicators)
    )  # fmt: skip
    periods_ensure([year(today.year), year(today.year - 1)])
    code = prov.province.code
    codes = [i.code for i in indicators]
    targets = list(Target.objects.filter(plan=plan).select_related("indicator", "plan").order_by("sort_order"))
    return ViewSetup(
        code=code,
        codes=codes,
        targets=targets,
        today=today,
        table_url=f"{reverse('coc:province', args=[code])}?year={prov.years[-1]}&indicators={','.join(codes)}",
        scorecard_url=reverse("coc:scorecard", args=[code]),
    )


def _get(client, url: str):
    """The page rendered, not served from the whole-page cache (decision 0058): what its first reader waits for."""
    from django.core.cache import caches

    caches["fragments"].clear()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return len(captured.captured_queries)


def _check_table(prov, view: ViewSetup, rows, html: str) -> None:
    """The page's figures (its selector, as the view calls it) are the GROUP BY's, and it shows its first page of
    communes (`xaso.coc.views.PAGE_SIZE`)."""
    from xaso.coc import selectors
    from xaso.coc.views import PAGE_SIZE
    from xaso.indicators.models import Indicator

    period = prov.year_periods[prov.years[-1]]
    indicators = list(Indicator.objects.filter(code__in=view.codes).order_by("sort_order"))
    table = selectors.province_table(user=prov.analyst, province=prov.province, indicators=indicators,
                                     year=prov.years[-1])  # fmt: skip
    expected = {(c, i): v for c, i, v in rows}
    assert len(expected) == len(prov.communes) * len(indicators), len(expected)
    for row in table.rows:
        for ind, value in row.cells:
            want = expected[(row.unit.id, ind.id)]
            assert value is not None and math.isclose(value, want, rel_tol=1e-12), (row.unit.code, ind.code, period)
    shown = min(len(prov.communes), PAGE_SIZE)  # the first page, as a user opens it (ranked over every commune)
    assert html.count("<tr data-unit=") == shown, "the page does not show its first page of communes"


def _check_scorecard(prov, view: ViewSetup, rows, html: str) -> None:
    """The scorecard's cells (its selector, read on the view's day) are the GROUP BY's figures of last year."""
    from xaso.coc.views import PAGE_SIZE
    from xaso.plans import scorecard

    key = scorecard.key_targets(user=prov.analyst, province=prov.province, horizon=view.today.year)
    assert {t.id for t in key} == {t.id for t in view.targets}, "the plan's targets are not the key targets"
    scores = scorecard.province_scorecard(user=prov.analyst, province=prov.province, targets=key, today=view.today)
    expected = {(c, i): v for c, i, v in rows}
    assert len(scores) == len(prov.communes)
    for score in scores:
        for cell in score.cells:
            want = expected[(score.unit.id, cell.target.indicator_id)]
            assert cell.value is not None and math.isclose(cell.value, want, rel_tol=1e-12), score.unit.code
    shown = min(len(prov.communes), PAGE_SIZE)
    assert html.count("<tr data-unit=") == shown, "the scorecard does not show its first page of communes"


def _timed(repeats: int, page, baseline) -> tuple[list[float], list[float]]:
    mine_s, base_s = [], []
    for _i in range(repeats):  # interleaved, so that both see the same machine
        t = time.perf_counter()
        page()
        mine_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        baseline()
        base_s.append(time.perf_counter() - t)
    return mine_s, base_s


def _summary(mine_s: list[float], base_s: list[float], percentile, **extra) -> dict:
    return {
        **extra,
        "repeats": len(mine_s),
        "median_s": statistics.median(mine_s),
        "p95_s": percentile(mine_s, 0.95),
        "baseline_median_s": statistics.median(base_s),
        "baseline_p95_s": percentile(base_s, 0.95),
        "samples_s": mine_s,
        "baseline_samples_s": base_s,
    }


def measure(prov, args, say, *, group_by_sql, percentile) -> dict:
    from django.db import connection
    from django.test import Client

    from xaso.core.models import Period
    from xaso.core.periods import YEAR
    from xaso.plans.models import Target

    view = setup(prov)
    last_year = prov.years[-1]
    client = Client(HTTP_HOST="localhost")  # ALLOWED_HOSTS; no test environment: templates are not instrumented
    client.force_login(prov.analyst)

    def run(sql_params):
        def baseline():
            out = []
            with connection.cursor() as cursor:
                for sql, params in sql_params:
                    cursor.execute(sql, params)
                    out += cursor.fetchall()
            return out

        return baseline

    by_code = {i.code: i for i in prov.indicators}
    table_indicators = [by_code[c] for c in view.codes]
    table_baseline = run([group_by_sql(prov, table_indicators, prov.year_periods[last_year])])
    read_years = (view.today.year, view.today.year - 1)  # the scorecard's "this year, else last year"
    years = {int(p.code): p for p in Period.objects.filter(type=YEAR, code__in=[str(y) for y in read_years])}
    key_indicators = [t.indicator for t in view.targets]
    scorecard_baseline = run([group_by_sql(prov, key_indicators, years[y]) for y in read_years])

    out = {
        "communes": len(prov.communes),
        "indicators": len(view.codes),
        "key_targets": len(view.targets),
        "today": view.today.isoformat(),
        "table_year": last_year,
        "table_url": view.table_url,
        "scorecard_url": view.scorecard_url,
    }
    # agreement first (also the warm-up run of each), then the query counts
    table_html = _get(client, view.table_url).content.decode()
    table_rows = table_baseline()
    _check_table(prov, view, table_rows, table_html)
    card_html = _get(client, view.scorecard_url).content.decode()
    card_rows = scorecard_baseline()
    _check_scorecard(prov, view, card_rows, card_html)
    say(f"province page and scorecard agree with the GROUP BY on {len(table_rows):,} + {len(card_rows):,} figures")

    half = view.codes[: len(view.codes) // 2]
    table_q = _queries(client, view.table_url)
    table_q_half = _queries(client, view.table_url.replace(",".join(view.codes), ",".join(half)))
    card_q = _queries(client, view.scorecard_url)
    dropped = [t.id for t in view.targets[len(view.targets) // 2 :]]
    Target.objects.filter(id__in=dropped).update(horizon_year=view.today.year + 5)  # a later horizon: not key
    card_q_half = _queries(client, view.scorecard_url)
    Target.objects.filter(id__in=dropped).update(horizon_year=view.today.year)
    assert table_q == table_q_half, ("province page queries", table_q, table_q_half)
    assert card_q == card_q_half, ("scorecard queries", card_q, card_q_half)
    say(
        f"queries per request: province page {table_q} ({len(view.codes)} indicators; {table_q_half} with {len(half)}),"
        f" scorecard {card_q} ({len(view.targets)} key targets; {card_q_half} with "
        f"{len(view.targets) - len(dropped)}, the others moved to a later horizon)"
    )

    mine, base = _timed(args.repeats, lambda: _get(client, view.table_url), table_baseline)
    out["table"] = _summary(mine, base, percentile, queries=table_q, bytes=len(table_html.encode()),
                            figures=len(table_rows))  # fmt: skip
    mine, base = _timed(args.repeats, lambda: _get(client, view.scorecard_url), scorecard_baseline)
    out["scorecard"] = _summary(mine, base, percentile, queries=card_q, bytes=len(card_html.encode()),
                                figures=len(card_rows))  # fmt: skip
    # the queries did not change over the runs either
    assert _queries(client, view.table_url) == table_q and _queries(client, view.scorecard_url) == card_q
    for name, label in (("table", "province page"), ("scorecard", "scorecard")):
        m = out[name]
        say(
            f"{label} (HTTP, {len(prov.communes)} communes): median {m['median_s'] * 1000:.1f} ms, "
            f"p95 {m['p95_s'] * 1000:.1f} ms, {m['queries']} queries, {m['bytes'] / 1024:.0f} KiB; "
            f"GROUP BY: median {m['baseline_median_s'] * 1000:.0f} ms, p95 {m['baseline_p95_s'] * 1000:.0f} ms"
        )
    return out


def _ratio(mine: float, base: float) -> str:
    return f"{base / mine:.0f}× faster" if base >= mine else f"{mine / base:.1f}× slower"


def table_rows(r: dict) -> list[tuple[str, str, str, str, str]]:
    """(figure, xaso, baseline, ratio, aim) rows of the province view, if the run measured it."""
    pv = r.get("province_view")
    if not pv:
        return []
    rows = []
    for name, label, what in (
        ("table", "province page", f"{pv['indicators']} indicators"),
        ("scorecard", "province scorecard", f"{pv['key_targets']} key targets"),
    ):
        m = pv[name]
        met = "met" if m["median_s"] < AIM_S else "NOT MET"
        rows.append((
            f"{label} (HTTP), median ({pv['communes']} communes × {what}, {m['repeats']} runs)",
            f"{m['median_s'] * 1000:.1f} ms",
            f"{m['baseline_median_s'] * 1000:,.0f} ms (GROUP BY)",
            _ratio(m["median_s"], m["baseline_median_s"]),
            f"< 300 ms — {met}",
        ))  # fmt: skip
        rows.append((
            f"{label} (HTTP), p95; queries per request",
            f"{m['p95_s'] * 1000:.1f} ms; {m['queries']} queries",
            f"{m['baseline_p95_s'] * 1000:,.0f} ms (GROUP BY)",
            _ratio(m["p95_s"], m["baseline_p95_s"]),
            "queries constant",
        ))  # fmt: skip
    return rows
