"""Fields of the reference-data edit pages that read a value as its file's loader does, with
the loader's own function: a target of "48.000" is refused as ambiguous (Django's
IntegerField read it as 48, its trailing ".000" stripped), a negative budget as negative
(DecimalField has no minimum), a period ending before it starts as such, each with the
loader's message (`kipu.core.loaders.Problem`) in the page's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kipu.core.loaders import LoadError, Problem, read_date
from kipu.core.phrasing import Note

# Each rule of the loaders' `Problem`s, in the words of `kipu.core.loaders.VALUE_RULES` and
# `kipu.core.loaders.plan.LEVEL_RULES` (tests/web/reference/test_edit_values.py holds the
# English to them).
PROBLEM_WORDS: dict[str, Promise] = {
    "scaled": _("%(said)s is not a number: write the whole number, without M, K or mil"),
    "currency": _("%(said)s is in another currency than the US dollar: convert it"),
    "not-a-number": _("%(said)s is not a number"),
    "ambiguous": _(
        "%(said)s could be %(grouping)s or %(fraction)s: write it without a thousands separator"
    ),
    "too-large": _("%(said)s is too large (at most %(digits)s digits)"),
    "negative": _("%(said)s is negative"),
    "not-whole": _("%(said)s is not a whole number (people are counted whole)"),
    "decimals": _("%(said)s has more than %(decimals)s decimals, which are not kept"),
    "attendance-too-large": _("%(said)s is too large for an attendance"),
    "not-a-date": _("%(said)s is not a date (YYYY-MM-DD)"),
    "period-reversed": _("the period ends before it starts"),
    "own-parent": _("sector %(code)s cannot be its own parent"),
    "third-level": _(
        "parent sector %(parent)s is itself a sub-sector of %(above)s: a plan has sectors and "
        "their sub-sectors, two levels; give the top-level sector"
    ),
}


def problem_text(problem: str) -> str:
    """A loader's message in the page's language; as the loader says it when it is no
    `Problem` of a known rule."""
    if isinstance(problem, Problem) and problem.rule in PROBLEM_WORDS:
        return str(PROBLEM_WORDS[problem.rule]) % problem.params
    return str(problem)


def said(error: LoadError) -> Note:
    """A loader's error or warning in English and Spanish, for a page shown in either: a
    `Problem` of a known rule in the words above, a `Note` (the plan loaders') as it is;
    others in English."""
    if isinstance(error.message, Problem) and error.message.rule in PROBLEM_WORDS:
        with translation.override("es"):
            return Note(str(error), error.text("es", problem_text(error.message)))
    return Note(str(error), error.text("es"))


NumberReader = Callable[[str], tuple[float | None, str | None]]


class LoaderNumberField(forms.CharField):
    """A number read by `read` (a loader's function: `kipu.core.loaders.targets.target_number`
    …), refused with its message; empty is None. `decimals`: the cents the store keeps
    (a Decimal), else an int."""

    def __init__(self, read: NumberReader, *, decimals: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.read, self.decimals = read, decimals

    def prepare_value(self, value: Any) -> Any:
        # A stored Decimal('1500.00') shows as the loader reads it back; a float never shows.
        return str(value) if isinstance(value, Decimal | int) else value

    def to_python(self, value: Any) -> int | Decimal | None:  # type: ignore[override]
        text = str(super().to_python(value) or "").strip()
        if not text:
            return None
        number, problem = self.read(text)
        if problem or number is None:
            raise forms.ValidationError(problem_text(problem or ""), code="loader")
        if self.decimals is None:
            return int(number)
        return Decimal(f"{number:.{self.decimals}f}")


class LoaderDateField(forms.CharField):
    """A date as files write it (`kipu.core.loaders.read_date`: YYYY-MM-DD): Django's
    DateField also read "11/30/2019" and "2019-11-30 (preliminar)" would be refused by a
    file but not here."""

    def __init__(self, **kwargs: Any) -> None:
        widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        kwargs.setdefault("widget", widget)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        if isinstance(value, date):
            return value
        text = str(super().to_python(value) or "").strip()
        if not text:
            return None
        when, problem = read_date(text)
        if problem or when is None:
            raise forms.ValidationError(problem_text(problem or ""), code="loader")
        return when


class WholeNumberField(forms.IntegerField):
    """An integer written in digits only: IntegerField read "1.000" as 1 (it strips a
    trailing ".000"), which a person may have meant as a thousand."""

    def to_python(self, value: Any) -> int | None:
        text = str(value if value is not None else "").strip()
        if text and not (text.isascii() and text.isdigit()):
            raise forms.ValidationError(_("Write a whole number in digits only."), code="invalid")
        return super().to_python(text)
