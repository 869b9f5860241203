"""Live figures in the IM team's Markdown: `{{ partners(area="Protection") | words | capfirst }}`.

The narrative cites figures by name, so a number in the text always comes from the same
computation as the tables. The expression language is deliberately tiny and never evaluated:
`ast.parse` only gives the shape (a call or a name, piped through filters), every argument must
be a literal (`ast.literal_eval`), and names resolve only through a `FigureCatalogue` and the
fixed filter table below. Every argument is read through its parameter's `Domain`
(`kipu.core.report.arguments`): a value that names nothing, or several things, is an error
listing the valid values, never a figure of 0. Markdown is rendered with markdown-it-py, then
sanitised with nh3, so HTML in the narrative (a <script>, an onclick) never reaches the report.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import nh3
from markdown_it import MarkdownIt

from kipu.core import phrasing
from kipu.core.phrasing import DEFAULT_RULES, RoundingRules
from kipu.core.report.arguments import ArgumentError, Domain

Value = int | float | Decimal
EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.S)
MAX_EXPRESSION = 400  # characters; keeps ast.parse away from pathological input
POSITIONAL = "_positional"  # `figure("x")`: its first parameter (`survey("fms-tumbes")`)
FIELD = "field"  # `figure(…).name`: its `field` argument (`survey(…).interviews`)


class NarrativeError(ValueError):
    """A figure reference that cannot be rendered; the message says what would work."""


@dataclass(frozen=True)
class FigureSpec:
    name: str
    function: Callable[..., Any]
    doc: str = ""
    parameters: tuple[str, ...] = ()
    required: tuple[str, ...] = ()  # parameters without a default

    def signature(self) -> str:
        return f"{self.name}({', '.join(p + '=…' for p in self.parameters)})"


def _required(function: Callable[..., Any], parameters: Sequence[str]) -> tuple[str, ...]:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # a builtin without a signature: nothing is required
        return ()
    empty = inspect.Parameter.empty
    return tuple(
        p
        for p in parameters
        if p in signature.parameters and signature.parameters[p].default is empty
    )


def call_key(name: str, arguments: Mapping[str, Any]) -> str:
    """Canonical text of a call, arguments sorted: the key of a value in figures.json."""
    args = ", ".join(f"{k}={v!r}" for k, v in sorted(arguments.items()))
    return f"{name}({args})"


@dataclass
class FigureCatalogue:
    """The figures a narrative may cite, by name; records every value it returns.

    `domains` maps a parameter name ("area", "admin1" …) to the values it may take, shared by
    every figure with that parameter: each argument is resolved to its code before the call,
    and the call is recorded under the codes (`partners(area='AREA2')`, however it was
    written). A parameter without a domain is passed as written.
    """

    specs: dict[str, FigureSpec] = field(default_factory=dict)
    returned: dict[str, Value] = field(default_factory=dict)
    domains: dict[str, Domain] = field(default_factory=dict)

    def register(
        self,
        name: str,
        function: Callable[..., Any],
        doc: str = "",
        parameters: Sequence[str] = (),
    ) -> None:
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ValueError(f"figure names are identifiers, not {name!r}")
        self.specs[name] = FigureSpec(
            name, function, doc, tuple(parameters), _required(function, parameters)
        )

    def names(self) -> list[str]:
        return sorted(self.specs)

    def describe(self) -> str:
        """One line per figure, for error messages and the documentation."""
        lines = [f"- {s.signature()}" + (f": {s.doc}" if s.doc else "") for s in self._sorted()]
        return "\n".join(lines) or "(no figures registered)"

    def _sorted(self) -> list[FigureSpec]:
        return [self.specs[n] for n in self.names()]

    def call(self, name: str, **arguments: Any) -> Value:
        spec = self.specs.get(name)
        if spec is None:
            raise NarrativeError(f"unknown figure {name!r}; valid figures:\n{self.describe()}")
        unknown = sorted(set(arguments) - set(spec.parameters))
        if unknown:
            raise NarrativeError(
                f"{name}() takes no argument {', '.join(unknown)}; "
                f"usage: {spec.signature()}; valid figures:\n{self.describe()}"
            )
        arguments = self.resolve(name, arguments)
        try:
            value = spec.function(**arguments)
        except (TypeError, ValueError, KeyError, LookupError) as exc:
            raise NarrativeError(
                f"{call_key(name, arguments)} failed: {exc}; usage: {spec.signature()}"
            ) from exc
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            # A hole ("None people reached") is worse than no report: refuse it.
            raise NarrativeError(f"{call_key(name, arguments)} gave no number ({value!r})")
        self.returned[call_key(name, arguments)] = value
        return value

    def resolve(self, name: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """`arguments` with each value read through its parameter's domain (None stays None:
        it is the default, "all"). Raises NarrativeError naming the call and the valid values."""
        spec = self.specs.get(name)
        if POSITIONAL in arguments and spec is not None and spec.parameters:
            named = {k: v for k, v in arguments.items() if k != POSITIONAL}
            arguments = {spec.parameters[0]: arguments[POSITIONAL], **named}
        resolved = {}
        for parameter, value in arguments.items():
            # An unknown figure or parameter is left for `call` to name as such.
            domain = self.domains.get(parameter) if spec and parameter in spec.parameters else None
            if domain is None or value is None:
                resolved[parameter] = value
                continue
            try:
                resolved[parameter] = domain.resolve(value)
            except ArgumentError as exc:
                raise NarrativeError(f"{call_key(name, arguments)}: {exc}") from exc
        return resolved

    def picker(self, lang: str = "en") -> dict[str, Any]:
        """What the editor's figure picker offers: {"figures": [{"name", "doc", "parameters",
        "required"}], "arguments": {parameter: {"noun", "choices": [{"code", "label"}]}},
        "filters": [names]}; labels in `lang` (docs and nouns stay as registered)."""
        used = sorted({p for s in self.specs.values() for p in s.parameters})
        return {
            "figures": [
                {
                    "name": s.name,
                    "doc": s.doc,
                    "parameters": list(s.parameters),
                    "required": list(s.required),
                }
                for s in self._sorted()
            ],
            "arguments": {
                p: {
                    "noun": self.domains[p].noun,
                    "choices": [
                        {"code": c.code, "label": c.label(lang)} for c in self.domains[p].choices
                    ],
                }
                for p in used
                if p in self.domains
            },
            "filters": list(FILTER_PARAMETERS),
        }


# --- filters -----------------------------------------------------------------------------

FILTER_PARAMETERS: dict[str, tuple[str, ...]] = {
    "number": ("decimals",),
    "above": (),
    "some": ("gender",),
    "over": (),
    "more_than": (),
    "words": ("gender", "limit", "before_noun"),
    "capfirst": (),
    "lowerfirst": (),
    "percent": ("decimals",),
}


def is_share(figure: str) -> bool:
    """Whether a figure gives a share (0.25 for a quarter), by its name ("share",
    "share_…", "…_share": `survey_share`): `percent` phrases only those, as
    `reached() | percent` printed 10,874,100% for 108,741 people."""
    return figure == "share" or figure.startswith("share_") or figure.endswith("_share")


def _apply(name: str, value: Any, options: dict[str, Any], lang: str, rules: RoundingRules) -> str:
    if name == "capfirst":
        return phrasing.capfirst(value)
    if name == "lowerfirst":
        # "Some 60" mid-sentence: phrasing.some() capitalises for the headline panel.
        text = str(value) if isinstance(value, str) else phrasing.number(value, lang)
        return text[:1].lower() + text[1:]
    if isinstance(value, str):
        raise NarrativeError(f"filter {name!r} needs a number, got text {value!r}")
    if name in ("above", "some", "over", "more_than"):
        options = {"rules": rules, **options}
    function = getattr(phrasing, name)
    return str(function(value, lang, **options))


# --- expressions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Expression:
    text: str
    name: str
    arguments: dict[str, Any]
    filters: tuple[tuple[str, dict[str, Any]], ...]


def _keywords(node: ast.Call, what: str, positional: bool = False) -> dict[str, Any]:
    if node.args and not (positional and len(node.args) == 1):
        raise NarrativeError(f'{what}: write arguments as name=value, e.g. area="Protection"')
    found: dict[str, Any] = {}
    if node.args:  # figure("x"): the figure's first parameter (FigureCatalogue.resolve)
        try:
            found[POSITIONAL] = ast.literal_eval(node.args[0])
        except (ValueError, TypeError, SyntaxError) as exc:
            raise NarrativeError(f"{what}: the first argument must be a literal value") from exc
    for keyword in node.keywords:
        if keyword.arg is None:
            raise NarrativeError(f"{what}: ** arguments are not allowed")
        try:
            found[keyword.arg] = ast.literal_eval(keyword.value)
        except (ValueError, TypeError, SyntaxError) as exc:
            raise NarrativeError(f"{what}: {keyword.arg}= must be a literal value") from exc
    return found


def _callable(node: ast.expr, what: str, figure: bool = False) -> tuple[str, dict[str, Any]]:
    """`name` or `name(kw=literal, ...)`, nothing else; a figure may also be written
    `name("x", kw=…)` and `name(…).field` (`survey("fms-tumbes").interviews`)."""
    if figure and isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call):
        name, arguments = _callable(node.value, what, figure=True)
        return name, {**arguments, FIELD: node.attr}
    if isinstance(node, ast.Name):
        return node.id, {}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id, _keywords(node, what, positional=figure)
    raise NarrativeError(f"{what}: expected a figure name, a call or a filter")


def parse_expression(text: str) -> Expression:
    source = " ".join(text.split())
    shown = "{{ " + source + " }}"
    if len(source) > MAX_EXPRESSION:
        raise NarrativeError(f"{shown[:60]}…: expression too long")
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as exc:
        raise NarrativeError(f"{shown}: not a figure reference ({exc.msg})") from exc
    chain: list[ast.expr] = []
    while isinstance(tree, ast.BinOp) and isinstance(tree.op, ast.BitOr):
        chain.append(tree.right)
        tree = tree.left
    name, arguments = _callable(tree, shown, figure=True)
    filters = tuple(_callable(node, shown) for node in reversed(chain))
    for filter_name, options in filters:
        allowed = FILTER_PARAMETERS.get(filter_name)
        if allowed is None:
            raise NarrativeError(
                f"{shown}: unknown filter {filter_name!r}; filters: {', '.join(FILTER_PARAMETERS)}"
            )
        extra = sorted(set(options) - set(allowed))
        if extra:
            raise NarrativeError(f"{shown}: filter {filter_name!r} takes no {', '.join(extra)}")
    return Expression(shown, name, arguments, filters)


# --- rendering ---------------------------------------------------------------------------

ALLOWED_TAGS = {
    "p", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "br",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
# `start`: a list written "5. Lima" keeps its numbers (it read "1. Lima" without it).
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
URL_SCHEMES = {"mailto", "https", "http"}


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")


def markdown_to_html(text: str) -> str:
    """Markdown → sanitised HTML; headings shift to h3/h4 to sit under the report's own."""
    md = _markdown()
    tokens = md.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = "h3" if token.tag in ("h1", "h2", "h3") else "h4"
    html = md.renderer.render(tokens, md.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        filter_style_properties={"text-align"},
    ).strip()
    # WeasyPrint ignores `start` (the PDF read "1. Lima" for "5. Lima"): the counter says it.
    return _LIST_START.sub(
        lambda m: f'<ol start="{m[1]}" style="counter-reset: list-item {int(m[1]) - 1}">', clean
    )


_LIST_START = re.compile(r'<ol start="(-?\d{1,9})">')


@dataclass
class Rendered:
    markdown: str  # figures substituted, still Markdown
    html: str  # sanitised


@dataclass
class Narrative:
    """Renders narrative Markdown in one language; `shown` maps call → phrased texts used."""

    catalogue: FigureCatalogue
    lang: str = "en"
    rules: RoundingRules = DEFAULT_RULES
    shown: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lang = phrasing.language(self.lang)

    def evaluate(self, expression: Expression) -> str:
        # Recorded under the codes the arguments name, however they were written.
        arguments = self.catalogue.resolve(expression.name, expression.arguments)
        value: Any = self.catalogue.call(expression.name, **arguments)
        figure = value
        for name, options in expression.filters:
            if name == "percent" and not is_share(expression.name):
                raise NarrativeError(
                    f"{expression.text}: percent phrases a share (survey_share), and "
                    f"{expression.name} is a count"
                )
            try:
                value = _apply(name, value, options, self.lang, self.rules)
            except (TypeError, ValueError, KeyError) as exc:
                if isinstance(exc, NarrativeError):
                    raise NarrativeError(f"{expression.text}: {exc}") from exc
                raise NarrativeError(f"{expression.text}: filter {name!r}: {exc}") from exc
        text = value if isinstance(value, str) else phrasing.number(value, self.lang)
        record = self.shown.setdefault(
            call_key(expression.name, arguments), {"value": figure, "text": []}
        )
        if text not in record["text"]:
            record["text"].append(text)
        return text

    def substitute(self, source: str) -> str:
        """Every `{{ … }}` replaced by its phrased figure; a stray brace pair is an error."""
        out = EXPRESSION.sub(lambda m: self.evaluate(parse_expression(m.group(1))), source or "")
        if "{{" in out or "}}" in out:
            raise NarrativeError("unbalanced '{{' or '}}' in the narrative")
        return out

    def render(self, source: str) -> Rendered:
        text = self.substitute(source)
        return Rendered(text, markdown_to_html(text))


def check(source: str, catalogue: FigureCatalogue, lang: str = "en") -> list[str]:
    """Every problem in a narrative, one message each (for the editor's preview)."""
    problems = []
    narrative = Narrative(catalogue, lang)
    for match in EXPRESSION.finditer(source or ""):
        try:
            narrative.evaluate(parse_expression(match.group(1)))
        except NarrativeError as exc:
            problems.append(str(exc))
    stripped = EXPRESSION.sub("", source or "")
    if "{{" in stripped or "}}" in stripped:
        problems.append("unbalanced '{{' or '}}' in the narrative")
    return problems
