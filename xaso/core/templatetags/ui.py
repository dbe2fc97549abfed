"""Template tags of the design-system components (xaso/templates/components/).

{% breadcrumbs _("Kế hoạch") "plans:list" plan.title plan_url _("Sửa") %}
    label/target pairs; a target is a URL or a view name without arguments; an odd last label is the current page
{% query_with page=3 %}          the current query string with some parameters replaced (pagination, sorting)
{% pages_around page as n %}     page numbers to show around the current one, with "…" for the gaps
{% fieldset_groups form as g %}  a form's declared fieldsets with their bound fields (components/form.html)
{% main_nav %}                   the main menu with the current section marked (components/nav.html)
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _href(target: str) -> str:
    if target.startswith(("/", "?", "#", "http")):
        return target
    try:
        return reverse(target)
    except NoReverseMatch:
        return target


@register.simple_tag
def breadcrumbs(*items):
    """The design system's breadcrumb bar; collapses to the parent link on a phone (USWDS wraps it)."""
    pairs = [(str(items[i]), items[i + 1]) for i in range(0, len(items) - 1, 2)]
    current = str(items[-1]) if len(items) % 2 else ""
    links = format_html_join(
        "",
        '<li class="usa-breadcrumb__list-item"><a class="usa-breadcrumb__link" href="{}"><span>{}</span></a></li>',
        ((_href(str(target)), label) for label, target in pairs),
    )
    last = (
        format_html(
            '<li class="usa-breadcrumb__list-item usa-current" aria-current="page"><span>{}</span></li>', current
        )
        if current
        else ""
    )
    return format_html(
        '<nav class="usa-breadcrumb usa-breadcrumb--wrap xaso-breadcrumb" aria-label="{}">'
        '<ol class="usa-breadcrumb__list">{}{}</ol></nav>',
        _("Đường dẫn"),
        links,
        last,
    )


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag
def pages_around(page, around: int = 2):
    """1 … 4 5 [6] 7 8 … 20: the first, the last and `around` pages either side of the current one."""
    last = page.paginator.num_pages
    keep = {1, last, *range(max(1, page.number - around), min(last, page.number + around) + 1)}
    numbers: list = []
    for n in sorted(keep):
        if numbers and n - numbers[-1] > 1:
            numbers.append("…")
        numbers.append(n)
    return numbers


@register.simple_tag
def fieldset_groups(form):
    """[(legend, hint, folded, [bound fields])] from form.fieldsets, or None when the form declares none."""
    declared = getattr(form, "fieldsets", None)
    if not declared:
        return None
    return [
        (legend, hint, folded, [form[name] for name in names if name in form.fields])
        for legend, hint, folded, names in declared
    ]


@register.filter
def shows_codes(user) -> bool:
    """Internal codes (element, indicator, unit codes) are for administrators; officials read names only."""
    from xaso.accounts.permissions import is_admin

    return is_admin(user)


def nav_section(namespace: str, url_name: str) -> str:
    """The main menu's item a view belongs to ("" for none)."""
    if url_name in ("import", "violations") and namespace == "indicators":
        return url_name
    if namespace in ("indicators", "geo"):
        return "entry"
    if namespace == "teams":
        return "census"
    sections = (
        "coc",
        "plans",
        "correspondence",
        "reportforms",
        "reports",
        "exchange",
        "census",
        "dti",
        "steering",
        "feedback",
        "notify",
    )
    return namespace if namespace in sections else ""


# the menu's groups (components/nav.html) and the sections each holds
NAV_GROUPS = {
    **dict.fromkeys(("entry", "import", "reportforms", "correspondence", "violations"), "data"),
    **dict.fromkeys(("census", "feedback", "notify"), "people"),
    **dict.fromkeys(("dti", "steering"), "judge"),
    **dict.fromkeys(("reports", "exchange"), "out"),
}


def offers_exchange(user) -> bool:
    """The exchange screens are in the menu of administrators and province analysts (xaso.exchange.views)."""
    if not user.is_authenticated:
        return False
    unit = user.unit if user.unit_id else None
    return bool(user.is_admin or (user.role == "analyst" and unit is not None and unit.level == "province"))


@lru_cache(maxsize=16)
def _head_assets(prefix: str) -> str:
    return render_to_string("components/head_assets.html")


@register.simple_tag
def head_assets():
    """The layout's stylesheet and script tags, rendered once per process and script prefix: their hashed static
    URLs do not change while a process runs (collectstatic comes with a restart); seven `{% static %}` lookups a
    request otherwise (decision 0037)."""
    if settings.DEBUG:
        return mark_safe(_head_assets.__wrapped__(get_script_prefix()))  # noqa: S308
    return mark_safe(_head_assets(get_script_prefix()))  # noqa: S308


@lru_cache(maxsize=256)
def _main_nav(language: str, prefix: str, current: str, exchange: bool) -> str:
    return render_to_string(
        "components/nav.html", {"current": current, "group": NAV_GROUPS.get(current, ""), "exchange": exchange}
    )


@register.simple_tag(takes_context=True)
def main_nav(context):
    """The main menu, the same for every signed-in user of a language: rendered once per process for each language,
    script prefix and current section (its links and labels were most of the layout's rendering time)."""
    match = getattr(context.get("request"), "resolver_match", None)
    current = nav_section(match.namespace, match.url_name or "") if match else ""
    key = (translation.get_language(), get_script_prefix(), current, offers_exchange(context["user"]))
    if settings.DEBUG:  # a template being edited shows at once
        return mark_safe(_main_nav.__wrapped__(*key))  # noqa: S308
    return mark_safe(_main_nav(*key))  # noqa: S308
