"""The formula language: what it accepts, what it refuses, and that it computes like arithmetic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xaso.indicators.formula import FormulaError, parse_formula


def test_ratio_formula_lists_its_elements_and_computes_seed_003_fibre_rate():
    formula = parse_formula("households_fibre / households_total * 100")
    assert formula.elements == {"households_fibre", "households_total"}
    assert round(formula.evaluate({"households_fibre": 1384, "households_total": 1961}), 1) == 70.6


def test_precedence_parentheses_and_unary_minus():
    assert parse_formula("2 + 3 * 4").evaluate({}) == 14
    assert parse_formula("(2 + 3) * 4").evaluate({}) == 20
    assert parse_formula("-a + 10").evaluate({"a": 4}) == 6
    assert parse_formula("10 - 4 - 3").evaluate({}) == 3  # left-associative
    assert parse_formula("100 / 10 / 5").evaluate({}) == 2


def test_division_by_zero_and_missing_element_give_no_data():
    assert parse_formula("a / b * 100").evaluate({"a": 5, "b": 0}) is None
    assert parse_formula("a / b * 100").evaluate({"a": 5}) is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "trống"),
        ("a +", "kết thúc đột ngột"),
        ("(a + b", "Thiếu dấu “)”"),
        ("a b", "Thừa “b”"),
        ("a ** 2", "Không mong đợi “*”"),
        ("__import__('os')", "ký tự không hợp lệ"),
        ("a; b", "ký tự không hợp lệ"),
    ],
)
def test_bad_syntax_is_refused_with_a_vietnamese_message(text, fragment):
    with pytest.raises(FormulaError) as exc:
        parse_formula(text)
    assert fragment in str(exc.value)


def test_unknown_element_is_named():
    with pytest.raises(FormulaError) as exc:
        parse_formula("households_fibre / households_totl", known_elements={"households_fibre", "households_total"})
    assert "households_totl" in str(exc.value)


# -- property-based: the parser agrees with Python arithmetic on generated expressions ---------------

names = st.sampled_from(["a", "b", "c"])
numbers = st.integers(min_value=0, max_value=1000)


@st.composite
def expressions(draw, depth=0):
    if depth > 3 or draw(st.booleans()):
        return str(draw(st.one_of(numbers, names)))
    op = draw(st.sampled_from(["+", "-", "*", "/"]))
    left = draw(expressions(depth=depth + 1))
    right = draw(expressions(depth=depth + 1))
    return f"({left} {op} {right})"


def _reference(text: str, env: dict[str, float]) -> float | None:
    # Reference semantics computed by a separate, trusted route: Python's own arithmetic on a copy
    # whose names are substituted; a zero division means "no data".
    import ast
    import operator

    ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return env[node.id]
        left, right = walk(node.left), walk(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Div) and right == 0:
            return None
        return ops[type(node.op)](left, right)

    return walk(ast.parse(text, mode="eval"))


@given(expressions(), st.fixed_dictionaries({"a": numbers, "b": numbers, "c": numbers}))
def test_parser_agrees_with_arithmetic(text, env):
    env = {k: float(v) for k, v in env.items()}
    got = parse_formula(text).evaluate(env)
    expected = _reference(text, env)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


@given(st.text(max_size=40))
def test_parser_never_crashes_on_arbitrary_text(text):
    # either a formula or a FormulaError with a message: never another exception
    try:
        formula = parse_formula(text)
    except FormulaError as exc:
        assert str(exc)
    else:
        assert formula.text == text.strip()
