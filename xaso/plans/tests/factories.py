"""Plans built the real way (through the services) for tests."""

from __future__ import annotations

from xaso.plans import services
from xaso.plans.models import Plan, PlanStatus


def plan_in_execution(unit, user, targets, year: int = 2026) -> Plan:
    """A plan of `unit` for `year` with `targets` [(indicator, value)], put in execution as an approved plan is."""
    plan = services.plan_create_from_template(user=user, unit=unit, year=year)
    for indicator, value in targets:
        services.target_save(user=user, plan=plan, indicator=indicator, value=value, horizon_year=year)
    plan.status = PlanStatus.IN_EXECUTION
    plan.save(update_fields=["status"])
    return plan
