"""The indicators file of a survey: which questions are counted, by what, with what weight.

A small TOML file kept next to the XLSForm (docs/surveys.md shows one):

    [survey]
    slug = "fms-tumbes"
    title_en = "Flow monitoring survey, CEBAF Tumbes"
    title_es = "Encuesta de monitoreo de flujo, CEBAF Tumbes"
    weight = "weight"                 # optional: a numeric or calculate question
    synthetic = true                  # optional: the data are made up (a demonstration)

    [disaggregations]                 # name = a select_one question, or a number in bins
    sex = "sex"
    age_group = { question = "age", bins = [18, 25, 60] }

    [[indicators]]
    question = "intention"            # a select_one or select_multiple question
    by = ["sex", "age_group"]

Every name is checked against the form when the file is read: a mistake is an
`IndicatorError` that lists the valid values, never an indicator quietly left out.
`title_es` and `synthetic` left out are "not said" (empty, None): re-loading a survey keeps
its Spanish title and its synthetic flag (`kipu.web.surveys.services.define_survey`).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kipu.core.surveys.form import CALCULATE, INTEGER, NUMERIC, SELECT_ONE, SurveyForm

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
# The disaggregations the issue names; others may be declared too.
ALL = "all"  # the dimension (and group) of the whole round in the results
STANDARD_DIMENSIONS = ("sex", "age_group", "nationality", "border_point", "department")


class IndicatorError(ValueError):
    """The indicators file does not fit the form; the message lists the valid values."""


@dataclass(frozen=True)
class Dimension:
    """A disaggregation: a select_one question, or a numeric one cut at `bins` (lower
    bounds: [18, 25, 60] gives 18-24, 25-59, 60+, and <18 below). `decimal`: the answers
    may hold fractions (a decimal or calculate question), so each range ends below the
    next bin, "500–<1000", never at `high - 1`: 999.5 is not in "500-999". So do bins that
    are not all whole numbers, [0, 1.5, 3]: <0, 0–<1.5, 1.5–<3, 3+."""

    name: str
    question: str
    bins: tuple[float, ...] = ()
    decimal: bool = False

    def groups(self) -> list[str]:
        """Bin labels in order (empty for a select_one: its choices are the groups)."""
        if not self.bins:
            return []
        whole = not self.decimal and all(float(b).is_integer() for b in self.bins)
        found = [f"<{_show(self.bins[0])}"]
        for low, high in zip(self.bins, self.bins[1:], strict=False):
            # "–<" reads the same in English and Spanish ("500–<1000": 500 up to, not
            # including, 1000); "18-24" holds whole answers 18 to 24.
            found.append(
                f"{_show(low)}-{_show(high - 1)}" if whole else f"{_show(low)}–<{_show(high)}"
            )
        return [*found, f"{_show(self.bins[-1])}+"]


@dataclass(frozen=True)
class Indicator:
    question: str
    by: tuple[str, ...] = ()


@dataclass
class IndicatorSpec:
    slug: str
    title_en: str = ""
    title_es: str = ""
    weight: str | None = None
    synthetic: bool | None = None  # None: the file does not say
    dimensions: dict[str, Dimension] = field(default_factory=dict)
    indicators: list[Indicator] = field(default_factory=list)

    def title(self, lang: str = "en") -> str:
        return (self.title_es if lang == "es" else self.title_en) or self.title_en or self.slug

    def indicator(self, question: str) -> Indicator:
        for found in self.indicators:
            if found.question == question:
                return found
        valid = ", ".join(i.question for i in self.indicators)
        raise KeyError(f"survey {self.slug!r} has no indicator {question!r}; indicators: {valid}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IndicatorSpec:
        return cls(
            slug=data["slug"],
            title_en=data.get("title_en", ""),
            title_es=data.get("title_es", ""),
            weight=data.get("weight"),
            synthetic=data.get("synthetic"),
            dimensions={
                n: Dimension(
                    d["name"], d["question"], tuple(d.get("bins", ())), d.get("decimal", False)
                )
                for n, d in data.get("dimensions", {}).items()
            },
            indicators=[
                Indicator(i["question"], tuple(i.get("by", ()))) for i in data["indicators"]
            ],
        )


def _show(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def load_indicators(source: Path | str, form: SurveyForm) -> IndicatorSpec:
    """Read an indicators file (a path, or its TOML text) and check it against `form`."""
    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise IndicatorError(f"not a TOML file: {error}") from None
    survey = data.get("survey") or {}
    slug = str(survey.get("slug", ""))
    if not SLUG.fullmatch(slug):
        raise IndicatorError(
            f"[survey] slug must be lower-case letters, digits and hyphens, not {slug!r}"
        )
    spec = IndicatorSpec(
        slug=slug,
        title_en=str(survey.get("title_en") or form.title),
        title_es=str(survey.get("title_es") or ""),  # `title` falls back to English
        weight=_weight(survey.get("weight"), form),
        synthetic=_flag(survey.get("synthetic"), "synthetic"),
        dimensions={
            n: _dimension(n, v, form) for n, v in (data.get("disaggregations") or {}).items()
        },
    )
    entries = data.get("indicators") or []
    if not entries:
        raise IndicatorError("no [[indicators]]: declare at least one question to count")
    spec.indicators = [_indicator(entry, spec, form) for entry in entries]
    seen: set[str] = set()
    for indicator in spec.indicators:  # a question counted twice would be output twice
        if indicator.question in seen:
            raise IndicatorError(
                f"indicator {indicator.question!r} is declared twice; declare each question "
                "once, with all its disaggregations in one `by`"
            )
        seen.add(indicator.question)
    return spec


def _flag(value: object, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise IndicatorError(f"[survey] {name} must be true or false, not {value!r}")


def _question(name: object, form: SurveyForm, what: str) -> str:
    try:
        return form.question(str(name)).path
    except KeyError:
        valid = ", ".join(q.name for q in form.answered())
        raise IndicatorError(
            f"{what}: no question {name!r} in the form; questions: {valid}"
        ) from None


def _weight(name: object, form: SurveyForm) -> str | None:
    if name in (None, ""):
        return None
    path = _question(name, form, "weight")
    question = form.question(path)
    if question.type not in (*NUMERIC, CALCULATE):
        raise IndicatorError(f"weight: {name!r} is not a number or calculate question")
    if question.repeat is not None:  # one weight per interview, not per repeat row
        raise IndicatorError(f"weight: {question.name!r} is inside a repeat")
    return path


def _dimension(name: str, value: object, form: SurveyForm) -> Dimension:
    if name == ALL:
        raise IndicatorError(f"disaggregation {name!r}: the name is kept for the whole round")
    settings = value if isinstance(value, Mapping) else {"question": value}
    path = _question(settings.get("question"), form, f"disaggregation {name!r}")
    question = form.question(path)
    bins = _bins(name, settings.get("bins", ()))
    if bins:
        if question.type not in (*NUMERIC, CALCULATE):
            raise IndicatorError(f"disaggregation {name!r}: bins need a number question")
        if list(bins) != sorted(set(bins)):
            raise IndicatorError(f"disaggregation {name!r}: bins must increase")
    elif question.type != SELECT_ONE:
        raise IndicatorError(
            f"disaggregation {name!r}: {question.name!r} is a {question.type} question; use a "
            "select_one question, or give bins for a number"
        )
    if question.repeat is not None:
        raise IndicatorError(f"disaggregation {name!r}: {question.name!r} is inside a repeat")
    # Only an integer's answers are whole: a calculate may compute 999.5 too.
    return Dimension(name, path, bins, decimal=bool(bins) and question.type != INTEGER)


def _bins(name: str, value: object) -> tuple[float, ...]:
    """The bins of a disaggregation: finite numbers (TOML also writes nan, inf and texts)."""
    items = value if isinstance(value, list) else [value] if value else []
    try:
        bins = tuple(
            float(b) for b in items if isinstance(b, int | float) and not isinstance(b, bool)
        )
    except (TypeError, ValueError):
        bins = ()
    if len(bins) != len(items) or not all(math.isfinite(b) for b in bins):
        raise IndicatorError(f"disaggregation {name!r}: bins must be a list of numbers")
    return bins


def _indicator(entry: Mapping[str, Any], spec: IndicatorSpec, form: SurveyForm) -> Indicator:
    path = _question(entry.get("question"), form, "indicator")
    if not form.question(path).is_select:
        raise IndicatorError(f"indicator {path!r}: only select_one and select_multiple are counted")
    by = tuple(str(b) for b in entry.get("by", ()))
    twice = sorted({b for b in by if by.count(b) > 1})
    if twice:
        raise IndicatorError(f"indicator {path!r}: {', '.join(twice)} is listed twice in `by`")
    unknown = [b for b in by if b not in spec.dimensions]
    if unknown:
        valid = ", ".join(spec.dimensions) or "(none declared)"
        raise IndicatorError(
            f"indicator {path!r}: unknown disaggregation {', '.join(unknown)}; declared: {valid}"
        )
    return Indicator(path, by)
