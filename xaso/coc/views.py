"""Operations centre screens: the home dispatch, a commune's indicators, a province's communes side by side."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_read_unit, can_write_unit, is_admin
from xaso.core import fragments, periods
from xaso.core.db_router import using_replica
from xaso.core.versions import province_version
from xaso.dossiers.service_index import service_index
from xaso.geo.hot import unit_and_version
from xaso.geo.models import AdminUnit, Level
from xaso.indicators.models import Area, Direction
from xaso.indicators.selectors import indicators_active
from xaso.plans import scorecard
from xaso.registers.selectors import drilldown_links

from . import public, selectors, services
from .forms import PublicationForm
from .models import Publication

COMMUNE_LEVELS = (Level.COMMUNE, Level.VILLAGE)
#: the longest unit code looked up (its field's length)
CODE_MAX = 40
PROVINCE_LEVELS = (Level.PROVINCE, Level.DISTRICT)


def _readable_unit(request, code: str, levels) -> AdminUnit:
    """The unit if the user may read it; otherwise 404, so that no page tells what lies outside one's scope."""
    return _readable_unit_version(request, code, levels)[0]


def _readable_unit_version(request, code: str, levels) -> tuple[AdminUnit, int]:
    """`_readable_unit` and the unit's page version (`unit_version`), read through the caller's routing: one query
    when the unit is already known to this process (`xaso.geo.hot`)."""
    unit, version = unit_and_version(code) if len(code) <= CODE_MAX else (None, 0)
    if unit is None or unit.level not in levels or not can_read_unit(request.user, unit):
        raise Http404(_("Không tìm thấy đơn vị “%(code)s” trong phạm vi bạn được xem.") % {"code": code[:CODE_MAX]})
    return unit, version


def _asked_year(request) -> tuple[int | None, str]:
    """The year asked for (`?year=2025`), else None; and an error for a bad year."""
    raw = (request.GET.get("year") or "").strip()
    last = timezone.localdate().year + 1
    if raw.isascii() and raw.isdigit() and len(raw) <= 4 and selectors.FIRST_YEAR <= int(raw) <= last:
        return int(raw), ""
    error = ""
    if raw:
        error = _("Năm “%(year)s” không hợp lệ: chọn một năm từ %(first)s đến %(last)s.") % {
            "year": raw,
            "first": selectors.FIRST_YEAR,
            "last": last,
        }
    return None, error


def _year(request, unit: AdminUnit) -> tuple[int, str]:
    """The year asked for (`?year=2025`), else the latest year with data; and an error for a bad year."""
    asked, error = _asked_year(request)
    return (asked if asked is not None else selectors.default_year(unit)), error


@login_required
def home(request):
    """Each user lands on their own unit: a commune (or village) on its indicators, a province on its communes."""
    user = request.user
    if not is_admin(user) and user.unit_id is not None:
        unit = user.unit
        name = "coc:unit" if unit.level in COMMUNE_LEVELS else "coc:province"
        return redirect(name, code=unit.code)
    return unit_picker(request)


@login_required
def unit_picker(request):
    """Search a unit to open (administrators land here); htmx swaps in the results as one types."""
    query = request.GET.get("q", "")
    units = list(selectors.units_search(user=request.user, query=query))
    context = {"query": query, "units": units, "has_scope": is_admin(request.user) or request.user.unit_id is not None}
    template = "coc/_unit_results.html" if request.htmx else "coc/unit_picker.html"
    return render(request, template, context)


@login_required
def unit_overview(request, code: str):
    """A commune's (or a village's) indicators for a year, by pillar, with the trend and the data gaps.

    The page below its heading is the same for every reader of the same scope: rendered once and kept in the
    fragments cache until the commune's next write (`unit_version`, read before the data, through the same
    routing), the day, the language or the code changes (docs/decisions/0024-page-cache.md). The entry also keeps
    what the heading needs and the data decides — the year shown when none is asked (the latest with data), the
    years of the picker, whether the commune has villages — so a page served from the cache asks the database for
    the session, the user, the unit and the version only. The scope is checked first (`_readable_unit`), so a
    reader never gets a fragment of a unit they may not read."""
    with using_replica():  # the version through the data's routing, read before the data
        unit, version = _readable_unit_version(request, code, COMMUNE_LEVELS)
    asked, year_error = _asked_year(request)
    area = _area(request.GET.get("area"))
    chosen = (request.GET.get("indicator") or "").strip()
    if chosen and not (unit.level == Level.COMMUNE and selectors.villages_of(unit).exists()):
        chosen = ""  # a village breakdown only where there are villages; the page is then the cached one

    def page() -> dict:
        year = asked if asked is not None else selectors.default_year(unit)
        villages = unit.level == Level.COMMUNE and selectors.villages_of(unit).exists()
        return {
            **_unit_body(request.user, unit, year, villages=villages, chosen=chosen, area=area),
            "year": year,
            "years": selectors.year_choices(selected=year),
        }

    def context(fragment: dict) -> dict:
        ancestors = [u for u in (unit.province, unit.district, unit.parent if unit.is_village else None) if u]
        return {
            "unit": unit,
            "year": fragment["year"],
            "year_error": year_error,
            "years": fragment["years"],
            "indicator_count": fragment["indicator_count"],
            "body": mark_safe(fragment["html"]),  # rendered by our own templates, escaped there  # noqa: S308
            "breadcrumbs": [
                (u, "coc:unit" if u.level in COMMUNE_LEVELS else "coc:province")
                for u in ancestors
                if can_read_unit(request.user, u)
            ],
            "can_publish": unit.level == Level.COMMUNE and can_write_unit(request.user, unit),
            # citizens' feedback owed an answer and overdue: loaded by the page (no query here, nothing cached)
            "feedback_flag": unit.level == Level.COMMUNE and not unit.is_legacy,
        }

    if chosen:  # a village breakdown asked for in the address: rendered each time, never stored
        return render(request, "coc/unit.html", context(page()))
    parts = (unit.id, asked or "latest", area, fragments.reader_scope(request.user), version)
    # the body is kept for every reader of the same scope, the whole page for this reader (decision 0058)
    return fragments.render_page(
        request, "coc-unit", parts, "coc/unit.html", lambda: context(fragments.cached("coc-unit", parts, page))
    )


def _area(raw: str | None) -> str:
    """An indicator area named in the address (`?area=economy`), else ""."""
    return raw if raw in Area.values else ""


def _register_links(user, unit: AdminUnit, year: int, overview) -> None:
    """A figure computed from a register links to the rows behind it (a commune's page only)."""
    if unit.level != Level.COMMUNE:
        return
    links = drilldown_links(user=user, unit=unit, year=year)
    for row in overview.rows:
        row.drill = links.get(row.indicator.code)


def _unit_body(user, unit: AdminUnit, year: int, *, villages: bool, chosen: str, area: str = "") -> dict:
    """The commune page below its heading, rendered (the expensive part: every indicator's figure and trend, every
    target's status), with the number of indicators the heading states. Of the indicator tables only the area's
    asked for (`area`, or the village breakdown's) is in the page; each other area's is fetched when it is opened
    (`unit_area`)."""
    overview = selectors.commune_overview(user=user, unit=unit, year=year)
    _register_links(user, unit, year, overview)
    breakdown = None
    if chosen:
        indicator = next((r.indicator for r in overview.rows if r.indicator.code == chosen), None)
        if indicator is not None:
            breakdown = selectors.village_breakdown(user=user, commune=unit, indicator=indicator, year=year)
            area = indicator.area
    context = {
        "unit": unit,
        "overview": overview,
        "year": year,
        "has_villages": villages,
        "breakdown": breakdown,
        "open_area": area,
        **(_plan_context(user, unit) if unit.level == Level.COMMUNE else {}),
    }
    if unit.level == Level.COMMUNE:  # the national service index from the dossier register (766/QĐ-TTg)
        score = service_index(user=user, unit=unit, period=periods.year(year))
        if score.has_data:
            context["service_index"] = score
            url = reverse("dossiers:service_index", kwargs={"code": unit.code})
            context["service_index_url"] = f"{url}?period={year}"
    return {"html": render_to_string("coc/_unit_body.html", context), "indicator_count": overview.indicator_count}


@login_required
def unit_area(request, code: str, area: str):
    """One area's indicator table of the commune page (an htmx fragment, fetched when the reader opens the area),
    cached like the page; without htmx, the page opened on that area."""
    with using_replica():
        unit, version = _readable_unit_version(request, code, COMMUNE_LEVELS)
    if _area(area) != area:
        raise Http404(_("Không có nhóm chỉ số “%(area)s”.") % {"area": area[:40]})
    asked, _error = _asked_year(request)
    if not request.htmx:
        query = {"year": asked, "area": area} if asked is not None else {"area": area}
        return redirect(reverse("coc:unit", args=[unit.code]) + "?" + urlencode(query) + f"#area-{area}")

    def table() -> dict:
        year = asked if asked is not None else selectors.default_year(unit)
        indicators = [i for i in selectors.catalog_indicators() if i.area == area]
        overview = selectors.commune_overview(user=request.user, unit=unit, year=year, indicators=indicators)
        _register_links(request.user, unit, year, overview)
        context = {
            "unit": unit,
            "overview": overview,
            "year": year,
            "has_villages": unit.level == Level.COMMUNE and selectors.villages_of(unit).exists(),
            "section": overview.sections[0] if overview.sections else None,
        }
        return {"html": render_to_string("coc/_unit_area.html", context) if context["section"] else ""}

    parts = (unit.id, asked or "latest", area, fragments.reader_scope(request.user), version)
    fragment = fragments.cached("coc-unit-area", parts, table)
    return HttpResponse(fragment["html"])


def _plan_context(user, unit: AdminUnit) -> dict:
    """The commune's plans in execution at a glance: targets by pillar and status, late and due tasks, data gaps."""
    summary = selectors.commune_plan_summary(user=user, unit=unit)
    return {"plan": summary, "plan_chart": summary.chart() if summary.pillars else None}


@login_required
def unit_villages(request, code: str):
    """The village breakdown of one indicator (an htmx fragment of the commune page)."""
    unit = _readable_unit(request, code, (Level.COMMUNE,))
    year, _error = _year(request, unit)
    chosen = (request.GET.get("indicator") or "").strip()
    if not request.htmx:
        return redirect(reverse("coc:unit", args=[unit.code]) + "?" + urlencode({"year": year, "indicator": chosen}))
    indicator = indicators_active().filter(code=chosen).first()
    if indicator is None:
        raise Http404(_("Không có chỉ số “%(code)s”.") % {"code": chosen})
    breakdown = selectors.village_breakdown(user=request.user, commune=unit, indicator=indicator, year=year)
    return render(request, "coc/_villages.html", {"unit": unit, "breakdown": breakdown})


#: communes per page of the province table and the scorecard (the ranking is computed over all of them)
PAGE_SIZE = 50
#: the longest commune-name search kept
SEARCH_MAX = 100


def _search(request) -> str:
    """`?q=`: part of a commune's name, with or without its accents."""
    return (request.GET.get("q") or "").strip()[:SEARCH_MAX]


def _page(request, rows: list):
    """One page of rows (`?page=`; a bad or too large number gives the first or the last page)."""
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _codes(request) -> list[str]:
    """`?indicators=a,b` (links) or `?indicators=a&indicators=b` (the chooser's checkboxes)."""
    return [c for raw in request.GET.getlist("indicators") for c in raw.split(",") if c.strip()]


def _columns(table: selectors.ProvinceTable, base: dict) -> list[dict]:
    """Header cells: the link that sorts by the column (again: the other way) and the current aria-sort."""

    def cell(key: str, label: str, indicator=None) -> dict:
        active = table.sort == key
        if active:
            direction = "asc" if table.direction == "desc" else "desc"
        elif indicator is not None and indicator.direction == Direction.HIGHER:
            direction = "desc"  # best first
        else:
            direction = "asc"
        aria = ("ascending" if table.direction == "asc" else "descending") if active else "none"
        return {
            "key": key,
            "label": label,
            "indicator": indicator,
            "query": urlencode({**base, "sort": key, "dir": direction}),
            "aria_sort": aria,
            "active": active,
            "direction": table.direction if active else "",
        }

    return [cell(selectors.SORT_NAME, _("Xã/Phường"))] + [cell(i.code, i.name, i) for i in table.indicators]


#: the longest query string a province page is kept for; a longer one is rendered without being stored
QUERY_KEY_MAX = 2000


def _province_parts(request, province: AdminUnit) -> tuple | None:
    """The key parts of a province page's body: the province, its version, the reader's scope, htmx or not, and
    the whole query string (the pagination links repeat it), or None when the query is too long to keep."""
    query = urlencode(sorted((k, v) for k, values in request.GET.lists() for v in values))
    if len(query) > QUERY_KEY_MAX:
        return None
    with using_replica():  # through the same routing as the data, read before it
        version = province_version(province)
    return (province.id, version, fragments.reader_scope(request.user), bool(request.htmx), query)


def _cached_body(request, page: str, province: AdminUnit, compute) -> str:
    """A province page's body from the fragments cache (docs/decisions/0024-page-cache.md), else `compute()`."""
    parts = _province_parts(request, province)
    if parts is None:
        return compute()
    return fragments.cached(page, parts, lambda: {"html": compute()})["html"]


def _province_page(request, page: str, province: AdminUnit, template: str, body) -> HttpResponse:
    """A province page: its body kept for every reader of the same scope and query, the whole page for this reader
    (decision 0058); an over-long query is rendered each time."""
    parts = _province_parts(request, province)

    def context() -> dict:
        if parts is None:
            html = body(request, province)
        else:
            html = fragments.cached(page, parts, lambda: {"html": body(request, province)})["html"]
        return {"province": province, "body": mark_safe(html)}  # our own templates, escaped there  # noqa: S308

    if parts is None:
        return render(request, template, context())
    return fragments.render_page(request, page, parts, template, context)


@login_required
def province_overview(request, code: str):
    """The communes of a province (or district) side by side for chosen indicators; sortable by any column.

    The body is kept in the fragments cache until a write changes what it shows (`province_version`: a figure of
    any of its communes, a province plan, a commune added), for the same reader scope and the same query."""
    province = _readable_unit(request, code, PROVINCE_LEVELS)
    if request.htmx:
        return HttpResponse(_cached_body(request, "coc-province", province, lambda: _province_body(request, province)))
    return _province_page(request, "coc-province", province, "coc/province.html", _province_body)


def _province_body(request, province: AdminUnit) -> str:
    year, year_error = _year(request, province)
    catalog = selectors.catalog_indicators()
    chosen, unknown = selectors.indicators_pick(catalog, _codes(request))
    if not chosen:
        chosen = selectors.province_default_indicators(user=request.user, province=province, year=year, catalog=catalog)
    only_with_data = request.GET.get("with_data") == "1"
    table = selectors.province_table(
        user=request.user,
        province=province,
        indicators=chosen,
        year=year,
        sort=request.GET.get("sort", selectors.SORT_NAME),
        direction=request.GET.get("dir", "asc"),
        only_with_data=only_with_data,
    )
    base = {"year": year, "indicators": ",".join(i.code for i in chosen)}
    if only_with_data:
        base["with_data"] = "1"
    query = _search(request)
    if query:
        base["q"] = query
    shown = [r for r in table.rows if selectors.name_matches(r.unit.name, query)]
    context = {
        "province": province,
        "table": table,
        "page": _page(request, shown),
        "query": query,
        "shown_count": len(shown),
        "columns": _columns(table, base),
        "year": year,
        "year_error": year_error,
        "unknown": unknown,
        "base_query": urlencode(base),
        "sort_query": urlencode({**base, "sort": table.sort, "dir": table.direction}),
    }
    if request.htmx:
        return render_to_string("coc/_province_table.html", context, request=request)
    chosen_codes = {i.code for i in chosen}
    chooser = [
        (str(label), [(i, i.code in chosen_codes) for i in catalog if i.area == area])
        for area, label in Area.choices
        if any(i.area == area for i in catalog)
    ]
    context.update({"years": selectors.year_choices(selected=year), "chooser": chooser})
    return render_to_string("coc/_province_body.html", context, request=request)


@login_required
def province_scorecard(request, code: str):
    """Communes × the province's key targets: status colours, composite score, ranking, drill-down.

    Communes with a score come first, ranked among themselves; a commune without any figure for the key targets
    is listed after them as "no data", never ranked and never scored 0. The body is cached as the province page's
    is (statuses are judged on today's date, which is part of every fragment's key).
    """
    province = _readable_unit(request, code, PROVINCE_LEVELS)
    return _province_page(request, "coc-scorecard", province, "coc/scorecard.html", _scorecard_body)


def _scorecard_body(request, province: AdminUnit) -> str:
    today = timezone.localdate()
    targets = scorecard.key_targets(user=request.user, province=province, horizon=today.year)
    rows = scorecard.province_scorecard(user=request.user, province=province, targets=targets, today=today)
    keys = {"rank", "name", "score", *(f"t{t.pk}" for t in targets)}
    sort = request.GET.get("sort", "rank")
    sort = sort if sort in keys else "rank"
    direction = "desc" if request.GET.get("dir") == "desc" else "asc"
    rows = scorecard.scorecard_sorted(rows, targets, sort=sort, descending=direction == "desc")
    ranked = sum(1 for r in rows if r.has_data)
    unranked = len(rows) - ranked
    only_with_data = request.GET.get("with_data") == "1"
    if only_with_data:
        rows = [r for r in rows if r.has_data]
    query = _search(request)
    rows = [r for r in rows if selectors.name_matches(r.unit.name, query)]
    columns = [("name", _("Xã/Phường"), None), ("rank", _("Hạng"), None), ("score", _("Điểm"), None)]
    columns += [(f"t{t.pk}", t.indicator.name, t) for t in targets]

    def next_direction(key: str) -> str:
        if key == sort:  # clicking the sorted column again reverses it
            return "asc" if direction == "desc" else "desc"
        return "asc" if key in ("rank", "name") else "desc"  # best values first

    base = {"with_data": "1"} if only_with_data else {}
    if query:
        base["q"] = query
    headers = [
        {"key": k, "label": label, "target": target, "active": k == sort,
         "query": urlencode({**base, "sort": k, "dir": next_direction(k)})}
        for k, label, target in columns
    ]  # fmt: skip
    context = {
        "province": province, "targets": targets, "page": _page(request, rows), "shown_count": len(rows),
        "query": query, "headers": headers, "direction": direction,
        "only_with_data": only_with_data, "sort": sort, "ranked_count": ranked,
        "unranked_count": unranked,
        "filter_query": urlencode(
            {"sort": sort, "dir": direction, **({} if only_with_data else {"with_data": "1"}),
             **({"q": query} if query else {})}
        ),
    }  # fmt: skip
    return render_to_string("coc/_scorecard_body.html", context, request=request)


#: how much of an unknown code the "not published" page repeats
CODE_SHOWN = 40


@login_required
def publication_edit(request, code: str):
    """A commune chooses which aggregate figures its public page shows, previews exactly what citizens will see
    (the public page's own template), then confirms.

    Two steps: "Xem trước" (action=preview) renders the choices without saving; the confirm form carries the
    previewed choices in hidden fields, so what is saved is what was previewed, not what was ticked since.
    """
    unit = _readable_unit(request, code, (Level.COMMUNE,))
    if not can_write_unit(request.user, unit):
        raise PermissionDenied(_("Bạn không có quyền thay đổi trang công khai của %(u)s.") % {"u": unit.name})
    publication = Publication.objects.filter(unit=unit).first()
    action = request.POST.get("action", "preview") if request.method == "POST" else ""
    form = PublicationForm(request.POST or None, instance=publication)
    context = {
        "unit": unit,
        "form": form,
        "published": bool(publication and publication.is_published),
        "public_url": request.build_absolute_uri(reverse("coc:public", args=[unit.code])),
    }
    if action and form.is_valid():
        choices = form.cleaned_data
        if action == "confirm":
            services.publication_save(user=request.user, unit=unit, **choices)
            if choices["is_published"]:
                messages.success(request, _("Đã lưu và công khai trang của %(u)s.") % {"u": unit.name})
            else:
                messages.success(request, _("Đã lưu: trang của %(u)s không công khai.") % {"u": unit.name})
            return redirect("coc:publication", code=unit.code)
        context["preview"] = _public_preview(unit, choices)
    return render(request, "coc/publication_form.html", context)


def _public_preview(unit: AdminUnit, choices: dict) -> dict:
    """What `public_page` would render for these choices: the page's data, or its "nothing published" state."""
    indicators = list(choices["indicators"])
    preview = {
        "published": choices["is_published"],
        "show_targets": choices["show_targets"],
        "indicator_ids": [i.pk for i in indicators],
    }
    if choices["is_published"]:
        preview["data"] = public.public_page_data(
            unit=unit, indicators=indicators, show_targets=choices["show_targets"]
        )
    return preview


def public_page(request, code: str):
    """The commune's public figures (no login): only what it chose to publish, aggregates only.

    Before the commune publishes (and for a code that names no commune) a Vietnamese page says that nothing is
    published, with status 404: never Django's debug page, whatever DEBUG says.
    """
    unit = AdminUnit.objects.filter(code=code[:64], level=Level.COMMUNE).first()
    publication = (
        Publication.objects.filter(unit=unit, is_published=True).prefetch_related("indicators").first()
        if unit
        else None
    )
    if publication is None:
        return render(request, "coc/public_unpublished.html", {"unit": unit, "code": code[:CODE_SHOWN]}, status=404)
    data = public.public_page_data(
        unit=unit, indicators=list(publication.indicators.all()), show_targets=publication.show_targets
    )
    return render(request, "coc/public.html", {"data": data, "year": data.year})
