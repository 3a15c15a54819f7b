"""A small, safe expression language for rule conditions — no ``eval``.

A condition is a Python-like expression over named figures and numbers, such as
``rr.institutional.low > 1 and disruption_in_tension.institutional.n >= 10``. It is parsed with
:mod:`ast` and walked here: only comparisons, ``and``/``or``/``not``, arithmetic (+ − × ÷),
numbers and dotted names are accepted; anything else (calls, subscripts, strings, lambdas …) is
refused when the rules are loaded, so a rules file cannot run code.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable

_COMPARE = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_ARITH = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


class ConditionError(ValueError):
    """A condition that is not in the accepted language."""


class Missing(Exception):
    """A figure the condition needs has no value (no data); carries the figure's name."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    raise ConditionError("only dotted figure names are allowed")


def parse(condition: str) -> ast.Expression:
    """Parse and check ``condition``; raise :class:`ConditionError` when it is not allowed."""
    try:
        tree = ast.parse(condition, mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"not a valid expression: {exc.msg}") from exc
    for node in ast.walk(tree):
        allowed = (
            ast.Expression,
            ast.BoolOp,
            ast.And,
            ast.Or,
            ast.UnaryOp,
            ast.Not,
            ast.USub,
            ast.BinOp,
            ast.Compare,
            ast.Name,
            ast.Attribute,
            ast.Load,
            ast.Constant,
            *_COMPARE,
            *_ARITH,
        )
        if not isinstance(node, allowed):
            raise ConditionError(f"'{type(node).__name__}' is not allowed in a condition")
        if isinstance(node, ast.Constant) and (
            isinstance(node.value, bool) or not isinstance(node.value, int | float)
        ):
            raise ConditionError("only numbers may appear as constants")
        if isinstance(node, ast.Attribute):
            dotted(node)
    return tree


def names(tree: ast.Expression) -> list[str]:
    """The figure names a condition uses, outermost dotted names only."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Name | ast.Attribute):
            found.append(dotted(node))
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return list(dict.fromkeys(found))


def evaluate(tree: ast.Expression, lookup: Callable[[str], float | None]) -> bool:
    """Evaluate a parsed condition; ``lookup`` gives a figure's value (None → :class:`Missing`)."""

    def value(node: ast.AST):
        if isinstance(node, ast.Expression):
            return value(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name | ast.Attribute):
            name = dotted(node)
            found = lookup(name)
            if found is None:
                raise Missing(name)
            return found
        if isinstance(node, ast.UnaryOp):
            operand = value(node.operand)
            return (not operand) if isinstance(node.op, ast.Not) else -operand
        if isinstance(node, ast.BinOp):
            right = value(node.right)
            if isinstance(node.op, ast.Div) and right == 0:
                raise Missing("division by zero")
            return _ARITH[type(node.op)](value(node.left), right)
        if isinstance(node, ast.BoolOp):
            is_and = isinstance(node.op, ast.And)
            for operand in node.values:  # short-circuit, as Python does
                if bool(value(operand)) is not is_and:
                    return not is_and
            return is_and
        if isinstance(node, ast.Compare):
            left = value(node.left)
            for op, comparator in zip(node.ops, node.comparators, strict=True):
                right = value(comparator)
                if not _COMPARE[type(op)](left, right):
                    return False
                left = right
            return True
        raise ConditionError(f"'{type(node).__name__}' is not allowed")

    return bool(value(tree))
