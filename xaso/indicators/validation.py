"""Validation rules (`households_fibre <= households_total`) evaluated on entry and on demand."""

from __future__ import annotations

import operator as op
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from xaso.core.models import Period
from xaso.geo.models import AdminUnit

from .formula import Formula, parse_formula
from .models import DataValue, Operator, ValidationRule

_OPS = {Operator.LE: op.le, Operator.LT: op.lt, Operator.EQ: op.eq, Operator.GE: op.ge, Operator.GT: op.gt}
_EPSILON = 1e-9


@dataclass(frozen=True)
class Violation:
    rule: ValidationRule
    unit_id: int
    period_id: int
    left: float
    right: float

    @property
    def elements(self) -> frozenset[str]:
        return rule_formulas(self.rule)[0].elements | rule_formulas(self.rule)[1].elements


@cache
def _parse(text: str) -> Formula:
    return parse_formula(text)


def rule_formulas(rule: ValidationRule) -> tuple[Formula, Formula]:
    return _parse(rule.left), _parse(rule.right)


def rule_check(rule: ValidationRule, values: Mapping[str, float | None]) -> tuple[float, float] | None:
    """(left, right) when the rule is violated; None when it holds or lacks data."""
    left_f, right_f = rule_formulas(rule)
    left, right = left_f.evaluate(values), right_f.evaluate(values)
    if left is None or right is None:
        return None
    close = abs(left - right) <= _EPSILON
    holds = close if rule.operator == Operator.EQ else _OPS[Operator(rule.operator)](left, right)
    if rule.operator in (Operator.LE, Operator.GE):
        holds = holds or close
    return None if holds else (left, right)


def violations_for_states(
    states: Mapping[tuple[int, int], Mapping[str, float | None]], rules: Sequence[ValidationRule] | None = None
) -> list[Violation]:
    rules = list(rules if rules is not None else ValidationRule.objects.filter(is_active=True))
    found = []
    for (unit_id, period_id), values in states.items():
        for rule in rules:
            result = rule_check(rule, values)
            if result is not None:
                found.append(Violation(rule, unit_id, period_id, *result))
    return found


def rule_elements(rules: Iterable[ValidationRule]) -> frozenset[str]:
    """The element codes these rules read: the only stored figures a check of them needs."""
    codes: set[str] = set()
    for rule in rules:
        left, right = rule_formulas(rule)
        codes |= left.elements | right.elements
    return frozenset(codes)


def stored_states(
    pairs: Iterable[tuple[int, int]], *, codes: Iterable[str] | None = None
) -> dict[tuple[int, int], dict[str, float | None]]:
    """The stored values of each (unit, period), by element code, in one query; only the elements in `codes`
    when given (the elements the rules read: a province's year holds far more figures than its rules check)."""
    pairs = set(pairs)
    states: dict[tuple[int, int], dict[str, float | None]] = defaultdict(dict)
    if not pairs:
        return states
    unit_ids = {u for u, _p in pairs}
    period_ids = {p for _u, p in pairs}
    rows = DataValue.objects.filter(unit_id__in=unit_ids, period_id__in=period_ids)
    if codes is not None:
        rows = rows.filter(data_element__code__in=set(codes))
    rows = rows.values_list("unit_id", "period_id", "data_element__code", "value")
    for unit_id, period_id, code, value in rows:
        if (unit_id, period_id) in pairs:
            states[(unit_id, period_id)][code] = value
    return states


def violations_for(*, units: Sequence[AdminUnit], periods: Sequence[Period]) -> list[Violation]:
    """Every rule broken by stored values of these units (not their descendants) in these periods: only the
    figures of the elements the active rules read are loaded."""
    rules = list(ValidationRule.objects.filter(is_active=True))
    if not rules:
        return []
    pairs = [(u.id, p.id) for u in units for p in periods]
    return violations_for_states(stored_states(pairs, codes=rule_elements(rules)), rules)
