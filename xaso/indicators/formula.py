"""A small, safe formula language for indicators and validation rules.

Grammar (precedence from low to high)::

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := "-" unary | atom
    atom   := NUMBER | ELEMENT_CODE | "(" expr ")"

ELEMENT_CODE is a data element's code (`households_fibre`). Numbers use a dot for decimals.
Nothing is ever passed to `eval`: the text is tokenised and parsed by hand into a tree that
can only add, subtract, multiply and divide. Division by zero, or a missing element,
evaluates to None ("no data"), never to an exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*/()]))")
MAX_LENGTH = 500


class FormulaError(ValueError):
    """A formula that cannot be read; the message says where and why, in Vietnamese."""


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Ref:
    code: str


@dataclass(frozen=True)
class Neg:
    operand: Node


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Node
    right: Node


Node = Num | Ref | Neg | BinOp


def _tokenise(text: str) -> list[tuple[str, str, int]]:
    tokens = []
    pos = 0
    stripped_end = len(text.rstrip())
    while pos < stripped_end:
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise FormulaError(
                _("Công thức có ký tự không hợp lệ “%(char)s” ở vị trí %(pos)s.")
                % {"char": text[pos:].strip()[:1], "pos": pos + 1}
            )
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind), match.start(kind) + 1))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokenise(text)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise FormulaError(_("Công thức kết thúc đột ngột: thiếu toán hạng hoặc dấu “)”."))
        self.i += 1
        return tok

    def parse(self) -> Node:
        if not self.tokens:
            raise FormulaError(_("Công thức trống."))
        node = self.expr()
        tok = self.peek()
        if tok is not None:
            raise FormulaError(_("Thừa “%(tok)s” ở vị trí %(pos)s.") % {"tok": tok[1], "pos": tok[2]})
        return node

    def expr(self) -> Node:
        node = self.term()
        while (tok := self.peek()) and tok[1] in "+-" and tok[0] == "op":
            self.take()
            node = BinOp(tok[1], node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while (tok := self.peek()) and tok[1] in "*/" and tok[0] == "op":
            self.take()
            node = BinOp(tok[1], node, self.unary())
        return node

    def unary(self) -> Node:
        tok = self.peek()
        if tok and tok == ("op", "-", tok[2]):
            self.take()
            return Neg(self.unary())
        return self.atom()

    def atom(self) -> Node:
        kind, value, pos = self.take()
        if kind == "num":
            return Num(float(value))
        if kind == "name":
            return Ref(value)
        if value == "(":
            node = self.expr()
            closing = self.peek()
            if closing is None or closing[1] != ")":
                raise FormulaError(_("Thiếu dấu “)” cho dấu “(” ở vị trí %(pos)s.") % {"pos": pos})
            self.take()
            return node
        raise FormulaError(_("Không mong đợi “%(tok)s” ở vị trí %(pos)s.") % {"tok": value, "pos": pos})


@dataclass(frozen=True)
class Formula:
    text: str
    tree: Node

    @cached_property
    def elements(self) -> frozenset[str]:
        found: set[str] = set()
        stack: list[Node] = [self.tree]
        while stack:
            node = stack.pop()
            if isinstance(node, Ref):
                found.add(node.code)
            elif isinstance(node, Neg):
                stack.append(node.operand)
            elif isinstance(node, BinOp):
                stack.extend((node.left, node.right))
        return frozenset(found)

    @cached_property
    def _compiled(self) -> Callable[[Mapping[str, float | None]], float | None]:
        return _compile(self.tree)

    def evaluate(self, values: Mapping[str, float | None]) -> float | None:
        """The formula's value, or None when an element has no value or a denominator is zero."""
        return self._compiled(values)


def _compile(node: Node) -> Callable[[Mapping[str, float | None]], float | None]:
    """The tree as nested closures, built once per formula: a province's table evaluates each formula for every
    commune, and walking the tree with type tests each time was most of that."""
    if isinstance(node, Num):
        constant = node.value
        return lambda values: constant
    if isinstance(node, Ref):
        code = node.code

        def ref(values):
            v = values.get(code)
            return None if v is None else float(v)

        return ref
    if isinstance(node, Neg):
        operand = _compile(node.operand)

        def neg(values):
            inner = operand(values)
            return None if inner is None else -inner

        return neg
    left, right, op = _compile(node.left), _compile(node.right), node.op

    def binop(values):
        a = left(values)
        b = right(values)
        if a is None or b is None:
            return None
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        return None if b == 0 else a / b

    return binop


def parse_formula(text: str, known_elements: Iterable[str] | None = None) -> Formula:
    """Parse `text`; with `known_elements`, every referenced code must be one of them."""
    if text is None:
        raise FormulaError(_("Công thức trống."))
    if len(text) > MAX_LENGTH:
        raise FormulaError(_("Công thức dài quá %(n)s ký tự.") % {"n": MAX_LENGTH})
    formula = Formula(text=text.strip(), tree=_Parser(text).parse())
    if known_elements is not None:
        unknown = sorted(formula.elements - set(known_elements))
        if unknown:
            raise FormulaError(
                _("Công thức dùng chỉ tiêu dữ liệu chưa khai báo: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
    return formula
