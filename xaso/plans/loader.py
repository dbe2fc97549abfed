"""Load plans written as data (the source documents' plans: seed 002, 003, 004) from YAML.

Plans are created as they were issued (status, number, signer), with targets, tasks, budget lines and
responsibilities. Idempotent: a plan whose unit and title already exist is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from xaso.geo.models import AdminUnit
from xaso.indicators.models import Indicator

from .models import BudgetLine, CoveredUnit, LegalBasis, Plan, Responsibility, Target, Task, UnitMatch

_TEXTS = (models.CharField, models.TextField, models.ForeignKey, models.FileField)
PLANS_PATH = Path(__file__).parent / "data" / "plans.yaml"
_TASK_FIELDS = (
    "item", "person", "lead_unit", "coordinating_units", "timeframe_kind", "due_date", "start_date", "recurrence",
    "timeframe_text", "deliverable", "approver", "method", "expected_effect", "duration", "status",
)  # fmt: skip
_BUDGET_FIELDS = (
    "invest_equipment", "invest_socialised", "invest_rented", "running_maintenance", "running_rented",
    "alloc_province", "alloc_district", "alloc_commune", "alloc_self", "notes",
)  # fmt: skip


@dataclass
class PlansResult:
    created: int
    skipped: int


def _date(value, where: str = "") -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(
            _("%(w)s: ngày “%(v)s” không hợp lệ (dùng dạng YYYY-MM-DD).") % {"w": where, "v": value}
        ) from None


def _checked(obj, where: str):
    """`obj` validated like a form would (years 2000–2100, dates, amounts, target values: `xaso.core.limits`), so
    a typo in the YAML stops the load with the plan and field named instead of storing a row no screen can show."""
    texts = [f.name for f in obj._meta.fields if isinstance(f, _TEXTS)]  # the source documents' own wording stays
    try:
        obj.full_clean(exclude=texts, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
        raise ValidationError(f"{where}: {problems}") from None
    return obj


def _covered(entry, where: str = "") -> dict:
    """A covered unit written as its code (`"legacy:17845"`) or with the name the document gives it and how surely
    that name was matched: `{unit: "legacy:17899", name_in_source: Nghi Hoa, match: uncertain}`."""
    if not isinstance(entry, dict):
        return {"unit": str(entry), "name_in_source": "", "match": UnitMatch.CERTAIN}
    match = entry.get("match", UnitMatch.CERTAIN)
    if match not in UnitMatch.values:
        raise ValidationError(
            _("%(w)s: mức khớp “%(m)s” không hợp lệ (dùng certain hoặc uncertain).") % {"w": where, "m": match}
        )
    return {"unit": str(entry["unit"]), "name_in_source": entry.get("name_in_source", ""), "match": match}


def _plan(entry: dict, units: dict[str, AdminUnit], indicators: dict[str, Indicator], by_key: dict[str, Plan]) -> Plan:
    where = entry.get("key", entry.get("title"))
    unit = units.get(str(entry["unit"]))
    if unit is None:
        raise ValidationError(_("Kế hoạch %(k)s: không có đơn vị “%(u)s”.") % {"k": where, "u": entry["unit"]})
    where = _("Kế hoạch %(k)s") % {"k": where}
    plan = Plan(
        unit=unit, title=entry["title"], year_from=entry["year_from"], year_to=entry.get("year_to", entry["year_from"]),
        status=entry.get("status", "draft"), number=entry.get("number", ""),
        issued_on=_date(entry.get("issued_on"), where),
        signer_name=entry.get("signer_name", ""), signer_title=entry.get("signer_title", ""),
        general_goal=entry.get("general_goal", ""), roadmap=entry.get("roadmap", ""),
        budget_text=entry.get("budget_text", ""), evaluation=entry.get("evaluation", ""),
        previous_plan=by_key.get(entry.get("previous_plan", "")), parent_plan=by_key.get(entry.get("parent_plan", "")),
    )  # fmt: skip
    _checked(plan, where).save()
    for b in entry.get("legal_bases", []):
        issued_on = _date(b.get("issued_on"), where)
        _checked(LegalBasis(number=b["number"], issuer=b["issuer"], title=b["title"], issued_on=issued_on), where)
        basis, _created = LegalBasis.objects.get_or_create(
            number=b["number"],
            issuer=b["issuer"],
            defaults={"title": b["title"], "issued_on": issued_on},
        )
        plan.legal_bases.add(basis)
    for c in entry.get("covered_units", []):
        link = _covered(c, where)
        if link["unit"] in units:
            link["unit"] = units[link["unit"]]
            _checked(CoveredUnit(plan=plan, **link), where).save()
    targets: dict[str, Target] = {}
    for order, t in enumerate(entry.get("targets", [])):
        indicator = indicators.get(t["indicator"])
        if indicator is None:
            raise ValidationError(_("Kế hoạch %(k)s: không có chỉ số “%(i)s”.") % {"k": where, "i": t["indicator"]})
        defaults = {
            "comparator": t.get("comparator", ">="), "value": t["value"], "stated_text": t.get("stated_text", ""),
            "is_vague": t.get("is_vague", False), "baseline_value": t.get("baseline_value"),
            "baseline_date": _date(t.get("baseline_date"), where), "source": t.get("source", ""), "sort_order": order,
        }  # fmt: skip
        _checked(Target(plan=plan, indicator=indicator, horizon_year=t["horizon_year"], **defaults), where)
        target, _created = Target.objects.update_or_create(
            plan=plan, indicator=indicator, horizon_year=t["horizon_year"], defaults=defaults
        )
        targets[f"{indicator.code}@{t['horizon_year']}"] = target
        targets.setdefault(indicator.code, target)
    for order, t in enumerate(entry.get("tasks", [])):
        fields = {k: t[k] for k in _TASK_FIELDS if t.get(k) not in (None, "")}
        for key in ("due_date", "start_date"):
            if key in fields:
                fields[key] = _date(fields[key], where)
        task = _checked(Task(plan=plan, area=t["area"], title=t["title"], sort_order=order, **fields), where)
        task.save()
        task.targets.set([targets[k] for k in t.get("targets", []) if k in targets])
    for order, b in enumerate(entry.get("budget_lines", [])):
        line = BudgetLine(plan=plan, area=b["area"], item=b["item"], sort_order=order,
                          **{k: b[k] for k in _BUDGET_FIELDS if k in b})  # fmt: skip
        _checked(line, where).save()
    for order, r in enumerate(entry.get("responsibilities", [])):
        Responsibility.objects.create(plan=plan, unit_name=r["unit_name"], duties=r["duties"], sort_order=order)
    return plan


@transaction.atomic
def plans_load(path: Path = PLANS_PATH) -> PlansResult:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    entries = data.get("plans", [])
    codes = {str(e["unit"]) for e in entries}
    codes |= {_covered(c)["unit"] for e in entries for c in e.get("covered_units", [])}
    units = {u.code: u for u in AdminUnit.objects.filter(code__in=codes)}
    indicators = {i.code: i for i in Indicator.objects.all()}
    by_key: dict[str, Plan] = {}
    created = skipped = 0
    for entry in entries:
        existing = Plan.objects.filter(unit__code=str(entry["unit"]), title=entry["title"]).first()
        if existing:
            by_key[entry.get("key", "")] = existing
            skipped += 1
            continue
        by_key[entry.get("key", "")] = _plan(entry, units, indicators, by_key)
        created += 1
    return PlansResult(created, skipped)
