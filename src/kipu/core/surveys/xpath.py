"""The part of XLSForm's XPath that `relevant` and `constraint` columns use, compiled to polars.

Supported: `.` (the answer itself), `${name}`, numbers, quoted strings, `= != < <= > >=`,
`+ - * div mod`, `and`, `or`, parentheses, and the functions `selected`, `not`,
`count-selected`, `string-length`, `number`, `regex`, `if`, `true`, `false`. Anything else
raises `UnsupportedExpression` when the form is loaded, so the form carries a warning naming
the check that is not made (never a check silently skipped).

Semantics follow XPath 1.0 as ODK Collect applies them: a comparison with a number compares
numbers (an empty or non-numeric text is NaN, so the comparison is false); otherwise texts
are compared; `selected(a, 'x')` tests membership of a select_multiple answer (equality for
select_one). Expressions are compiled once into vectorised polars expressions: a check costs
one pass over a column, not a Python call per interview.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

NUMBER, TEXT, LIST, BOOL, DATE = "number", "text", "list", "bool", "date"
_TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[^}]+\})|(?P<num>\d+(?:\.\d+)?|\.\d+)|(?P<str>'[^']*'|\"[^\"]*\")"
    r"|(?P<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)|(?P<dot>\.(?![\w.]))|(?P<name>[A-Za-z][\w-]*))"
)
_WORD_OPERATORS = {"and", "or", "div", "mod"}
_FUNCTIONS = {
    "selected": 2, "not": 1, "count-selected": 1, "string-length": 1, "number": 1,
    "regex": 2, "if": 3, "true": 0, "false": 0,
}  # fmt: skip
_LEVELS = (("or",), ("and",), ("=", "!="), ("<", "<=", ">", ">="), ("+", "-"), ("*", "div", "mod"))

Node = tuple[Any, ...]


class UnsupportedExpression(ValueError):
    """An expression outside the supported subset (the message says what)."""


def _tokens(text: str) -> list[tuple[str, str]]:
    found, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise UnsupportedExpression(f"cannot read “{text[position : position + 12]}”")
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "name" and value in _WORD_OPERATORS:
            kind = "op"
        found.append((kind, value))
        position = match.end()
    return found


@dataclass
class _Parser:
    tokens: list[tuple[str, str]]
    at: int = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise UnsupportedExpression(f"expected {value or 'more'}")
        self.at += 1
        return token

    def binary(self, level: int = 0) -> Node:
        if level == len(_LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while (
            (token := self.peek()) is not None and token[0] == "op" and token[1] in _LEVELS[level]
        ):
            self.take()
            node = ("bin", token[1], node, self.binary(level + 1))
        return node

    def unary(self) -> Node:
        token = self.peek()
        if token == ("op", "-"):
            self.take()
            return ("neg", self.unary())
        return self.primary()

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "num":
            return ("num", float(value))
        if kind == "str":
            return ("str", value[1:-1])
        if kind == "ref":
            return ("ref", value[2:-1].strip())
        if kind == "dot":
            return ("ref", None)
        if (kind, value) == ("op", "("):
            node = self.binary()
            self.take(")")
            return node
        if kind == "name":
            return self.call(value)
        raise UnsupportedExpression(f"unexpected “{value}”")

    def call(self, name: str) -> Node:
        if name not in _FUNCTIONS:
            raise UnsupportedExpression(f"function {name}() is not supported")
        self.take("(")
        arguments: list[Node] = []
        if self.peek() != ("op", ")"):
            arguments.append(self.binary())
            while self.peek() == ("op", ","):
                self.take()
                arguments.append(self.binary())
        self.take(")")
        if len(arguments) != _FUNCTIONS[name]:
            raise UnsupportedExpression(f"{name}() takes {_FUNCTIONS[name]} arguments")
        return ("call", name, *arguments)


def parse(text: str) -> Node:
    """The syntax tree of an expression; UnsupportedExpression outside the subset."""
    parser = _Parser(_tokens(text))
    node = parser.binary()
    if parser.peek() is not None:
        raise UnsupportedExpression(f"unexpected “{parser.peek()[1]}”")  # type: ignore[index]
    return node


# Resolver: a question name (None for `.`) → its column expression and kind.
Resolver = Callable[[str | None], tuple[pl.Expr, str]]


def compile_expression(text: str, resolve: Resolver) -> pl.Expr:
    """A boolean polars expression (never null) for a relevant or constraint expression."""
    expression, kind = _compile(parse(text), resolve)
    return _truth(expression, kind)


def _truth(expression: pl.Expr, kind: str) -> pl.Expr:
    if kind == BOOL:
        return expression.fill_null(False)
    if kind == NUMBER:
        return (expression.fill_nan(0).fill_null(0) != 0).fill_null(False)
    if kind == LIST:
        return (expression.list.len().fill_null(0) > 0).fill_null(False)
    return (expression.cast(pl.Utf8).fill_null("").str.len_chars() > 0).fill_null(False)


def _as_number(expression: pl.Expr, kind: str) -> pl.Expr:
    if kind == NUMBER:
        return expression.cast(pl.Float64)
    if kind == BOOL:
        return expression.cast(pl.Float64)
    if kind == LIST:
        return pl.lit(None, dtype=pl.Float64)
    return expression.cast(pl.Utf8).str.strip_chars().cast(pl.Float64, strict=False)


def _as_text(expression: pl.Expr, kind: str) -> pl.Expr:
    if kind == LIST:
        return expression.list.join(" ").fill_null("")
    if kind == DATE:
        return expression.dt.strftime("%Y-%m-%d").fill_null("")
    if kind == NUMBER:
        whole = expression.cast(pl.Int64, strict=False).cast(pl.Utf8)
        return (
            pl.when(expression == expression.floor())
            .then(whole)
            .otherwise(expression.cast(pl.Utf8))
            .fill_null("")
        )
    return expression.cast(pl.Utf8).fill_null("")


def _compare(op: str, left: tuple[pl.Expr, str], right: tuple[pl.Expr, str]) -> pl.Expr:
    if NUMBER in (left[1], right[1]) or (op not in ("=", "!=") and DATE not in (left[1], right[1])):
        a, b = _as_number(*left), _as_number(*right)
    else:
        a, b = _as_text(*left), _as_text(*right)
    result = {
        "=": lambda: a == b,
        "!=": lambda: a != b,
        "<": lambda: a < b,
        "<=": lambda: a <= b,
        ">": lambda: a > b,
        ">=": lambda: a >= b,
    }[op]()
    return result.fill_null(False)


def _compile(node: Node, resolve: Resolver) -> tuple[pl.Expr, str]:
    kind = node[0]
    if kind == "num":
        return pl.lit(node[1], dtype=pl.Float64), NUMBER
    if kind == "str":
        return pl.lit(node[1], dtype=pl.Utf8), TEXT
    if kind == "ref":
        return resolve(node[1])
    if kind == "neg":
        return -_as_number(*_compile(node[1], resolve)), NUMBER
    if kind == "bin":
        return _binary(node[1], _compile(node[2], resolve), _compile(node[3], resolve))
    if node[1] == "regex":
        return _regex(_as_text(*_compile(node[2], resolve)), node[3]), BOOL
    return _call(node[1], [_compile(a, resolve) for a in node[2:]])


def _binary(op: str, left: tuple[pl.Expr, str], right: tuple[pl.Expr, str]) -> tuple[pl.Expr, str]:
    if op == "and":
        return _truth(*left) & _truth(*right), BOOL
    if op == "or":
        return _truth(*left) | _truth(*right), BOOL
    if op in ("=", "!=", "<", "<=", ">", ">="):
        return _compare(op, left, right), BOOL
    a, b = _as_number(*left), _as_number(*right)
    arithmetic = {"+": a + b, "-": a - b, "*": a * b, "div": a / b, "mod": a % b}
    return arithmetic[op], NUMBER


def _call(name: str, arguments: list[tuple[pl.Expr, str]]) -> tuple[pl.Expr, str]:
    if name == "true":
        return pl.lit(True), BOOL
    if name == "false":
        return pl.lit(False), BOOL
    if name == "not":
        return ~_truth(*arguments[0]), BOOL
    if name == "number":
        return _as_number(*arguments[0]), NUMBER
    if name == "string-length":
        return _as_text(*arguments[0]).str.len_chars().cast(pl.Float64), NUMBER
    if name == "count-selected":
        value, kind = arguments[0]
        if kind == LIST:
            return value.list.len().fill_null(0).cast(pl.Float64), NUMBER
        return (_as_text(value, kind).str.len_chars() > 0).cast(pl.Float64), NUMBER
    if name == "selected":
        (value, kind), choice = arguments
        wanted = _as_text(*choice)
        if kind == LIST:
            return value.list.contains(wanted).fill_null(False), BOOL
        return (_as_text(value, kind) == wanted).fill_null(False), BOOL
    condition, then, otherwise = arguments  # if()
    if then[1] == otherwise[1] == NUMBER:
        return pl.when(_truth(*condition)).then(then[0]).otherwise(otherwise[0]), NUMBER
    shown = pl.when(_truth(*condition)).then(_as_text(*then)).otherwise(_as_text(*otherwise))
    return shown, TEXT


def _regex(text: pl.Expr, pattern: Node) -> pl.Expr:
    """regex(value, 'pattern'): a search, as JavaRosa's find(); the pattern must be a quoted
    text that both Python and polars (Rust regex) read."""
    if pattern[0] != "str":
        raise UnsupportedExpression("regex() needs a quoted pattern")
    try:
        re.compile(pattern[1])
        pl.Series([""]).str.contains(pattern[1])
    except (re.error, pl.exceptions.PolarsError) as error:
        raise UnsupportedExpression(f"regex pattern not understood ({error})") from None
    return text.str.contains(pattern[1]).fill_null(False)
