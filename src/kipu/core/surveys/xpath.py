"""The part of XLSForm's XPath that `relevant` and `constraint` columns use, compiled to polars.

Supported: `.` (the answer itself), `${name}`, numbers, quoted strings, `= != < <= > >=`,
`+ - * div mod`, `and`, `or`, parentheses, and the functions `selected`, `not`,
`count-selected`, `string-length`, `number`, `regex`, `if`, `true`, `false`. Anything else
raises `UnsupportedExpression` when the form is loaded, so the form carries a warning naming
the check that is not made (never a check silently skipped).

Semantics follow XPath 1.0 as ODK Collect (JavaRosa) applies them (`_compare`): `=` with a
number compares numbers, where an empty or non-numeric value is NaN (NaN = x is false,
NaN != x true, NaN < x false); an unanswered question is the empty text, so `${q} != ''`
means "answered" for a number question too; otherwise texts are compared. `mod` truncates
(-5 mod 3 = -2) and `div` by zero gives Infinity or NaN, never an error; `selected(a, 'x')`
tests membership of a select_multiple answer (equality for select_one). Expressions are
compiled once into vectorised polars expressions: a check costs one pass over a column, not
a Python call per interview.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
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


_XPATH_NUMBER = r"^[ \t\r\n]*-?(?:\d+(?:\.\d*)?|\.\d+)[ \t\r\n]*$"  # XPath 1.0 §4.4 number()
_NAN = float("nan")


def _as_number(expression: pl.Expr, kind: str) -> pl.Expr:
    """XPath 1.0 number() (§4.4): a Float64 that is NaN (never null) for an empty or
    non-numeric value; a date is its days since 1970-01-01, as JavaRosa counts it."""
    if kind in (NUMBER, BOOL):
        number = expression.cast(pl.Float64)
    elif kind == DATE:
        number = expression.cast(pl.Int64).cast(pl.Float64)
    else:
        text = _as_text(expression, kind)
        shaped = text.str.contains(_XPATH_NUMBER)
        number = pl.when(shaped).then(
            text.str.strip_chars(" \t\r\n").cast(pl.Float64, strict=False)
        )
    return number.fill_null(_NAN)


def _as_text(expression: pl.Expr, kind: str) -> pl.Expr:
    """XPath 1.0 string() (§4.2): an unanswered question is the empty text."""
    if kind == LIST:
        return expression.list.join(" ").fill_null("")
    if kind == DATE:
        return expression.dt.strftime("%Y-%m-%d").fill_null("")
    if kind == NUMBER:
        number = expression.cast(pl.Float64)
        return (
            pl.when(number.is_nan())
            .then(pl.lit("NaN"))
            .when(number.is_infinite())
            .then(pl.when(number > 0).then(pl.lit("Infinity")).otherwise(pl.lit("-Infinity")))
            .when((number == number.floor()) & (number.abs() < 2.0**53))
            .then(number.cast(pl.Int64, strict=False).cast(pl.Utf8))
            .otherwise(number.cast(pl.Utf8))
            .fill_null("")
        )
    return expression.cast(pl.Utf8).fill_null("")


def _is_number(expression: pl.Expr, kind: str) -> pl.Expr:
    """Whether an operand is a number value, as JavaRosa unpacks it: a computed number (NaN
    included) or an answered number question; an unanswered one is the empty text ""."""
    return expression.is_not_null() if kind == NUMBER else pl.lit(False)


def _equal(left: tuple[pl.Expr, str], right: tuple[pl.Expr, str]) -> pl.Expr:
    """`=` of XPath 1.0 §3.4 as JavaRosa (ODK Collect) applies it: with a boolean operand,
    booleans; else with a number operand, numbers (NaN equals nothing, itself included;
    JavaRosa's tolerance of 1e-12); else texts. So `${age} = ''` holds when age is
    unanswered, and `${age} != ''` when it is answered."""
    if BOOL in (left[1], right[1]):
        return _truth(*left) == _truth(*right)
    a, b = _as_number(*left), _as_number(*right)
    close = (a == b) | ((a - b).abs() < 1e-12)
    numbers = (a.is_not_nan() & b.is_not_nan() & close).fill_null(False)
    texts = _as_text(*left) == _as_text(*right)
    numeric = _is_number(*left) | _is_number(*right)
    return pl.when(numeric).then(numbers).otherwise(texts).fill_null(False)


def _compare(op: str, left: tuple[pl.Expr, str], right: tuple[pl.Expr, str]) -> pl.Expr:
    """XPath 1.0 §3.4: `=` and `!=` (`_equal`; `!=` is its negation, so NaN != x holds);
    `< <= > >=` compare numbers (JavaRosa's XPathCmpExpr), false when either is NaN (an
    empty or non-numeric value). Dates compared with dates or texts ("2019-11-05") compare
    as ISO texts, false when either is empty. Polars orders NaN above every number and
    equal to itself: each comparison is guarded, never left to it."""
    if op in ("=", "!="):
        equal = _equal(left, right)
        return equal if op == "=" else ~equal
    kinds = (left[1], right[1])
    if DATE in kinds and NUMBER not in kinds and BOOL not in kinds:
        a, b = _as_text(*left), _as_text(*right)
        valid = (a != "") & (b != "")
    else:
        a, b = _as_number(*left), _as_number(*right)
        valid = a.is_not_nan() & b.is_not_nan()
    result = {
        "<": lambda: a < b,
        "<=": lambda: a <= b,
        ">": lambda: a > b,
        ">=": lambda: a >= b,
    }[op]()
    return (valid & result).fill_null(False)


def _mod(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    """XPath 1.0 §3.5 `mod`: the remainder of a truncating division, with the sign of the
    dividend (-5 mod 3 = -2; Java's %, C's fmod), NaN for x mod 0 and ±Infinity mod y.
    Polars' % is floored (-5 % 3 = 1) and inexact for large operands: numpy's fmod, one
    call per batch of rows (the row index makes literal operands a full column)."""

    def fmod(rows: pl.Series) -> pl.Series:
        x, y = rows.struct.field("a").to_numpy(), rows.struct.field("b").to_numpy()
        with np.errstate(all="ignore"):
            return pl.Series(np.fmod(x, y), dtype=pl.Float64)

    operands = pl.struct(a.alias("a"), b.alias("b"), pl.int_range(pl.len()).alias("_"))
    return operands.map_batches(fmod, return_dtype=pl.Float64)


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
    if op == "mod":
        return _mod(a, b), NUMBER
    # IEEE 754 as XPath 1.0 §3.5: x div 0 is ±Infinity, 0 div 0 NaN (never an error).
    arithmetic = {"+": a + b, "-": a - b, "*": a * b, "div": a / b}
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
