"""Answers as exports write them, read into typed values: numbers, dates, choices.

Each distinct text of a column is read once (a column of 100,000 interviews holds a few dozen
distinct choices), then the reading is applied to the whole column by polars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from kipu.core.read.values import shape
from kipu.core.surveys.form import Question
from kipu.core.text import closest, normalise

_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.+\-Z]*)?")
_TRUE = {"1", "true", "yes", "si", "sí", "verdadero"}
_FALSE = {"0", "false", "no", "falso", ""}


@dataclass(frozen=True)
class ChoiceReading:
    """One cell text of a select question: the choice names it holds, the texts that are
    no choice, and the suggestion for the first of those."""

    names: tuple[str, ...] | None
    unknown: tuple[str, ...] = ()
    suggestion: str | None = None


def number_of(text: pl.Expr) -> pl.Expr:
    """A number written plainly (`12`, `12.5`, or `12,5` from a Spanish spreadsheet); null
    for anything else. Exports never group thousands, so a comma is a decimal mark, except
    before exactly three digits: "1,500" is null here. "1.500" reads 1.5, as Kobo and ODK
    write decimals; validation flags it in a column of decimal commas (`ambiguous_number`),
    so such a round is not stored."""
    stripped = text.str.strip_chars()
    comma = stripped.str.contains(r"^[+-]?[1-9]\d{0,2},\d{3}$").fill_null(False)
    plain = stripped.str.contains(f"^{_NUMBER.pattern}$") & ~comma
    return (
        pl.when(plain)
        .then(stripped.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False))
        .otherwise(None)
    )


def ambiguous_number(text: pl.Expr) -> pl.Expr:
    """Whether a text is a number whose one mark may group thousands or mark decimals, as
    `kipu.core.read.values.shape` reads numbers: one to three digits (not a leading 0), a
    mark, three digits. A comma always ("1,500": exports write no comma, so a spreadsheet
    did: 1500 or 1.5); a point only in a column that writes decimals with a comma ("1,5"
    beside "1.500": a Spanish spreadsheet's 1500), since Kobo and ODK write decimals with a
    point ("1.125" is their 1.125). "0,125" and "1.25" are decimals. Each distinct text is
    read once."""

    def flags(texts: pl.Series) -> pl.Series:
        values = [t.strip() for t in texts.drop_nulls().unique().to_list()]
        commas = any(_DECIMAL_COMMA.fullmatch(t) for t in values)
        found = [t for t in values if _ambiguous(t, "," if not commas else ",.")]
        return texts.str.strip_chars().is_in(found).fill_null(False)

    return text.map_batches(flags, return_dtype=pl.Boolean)


# A comma followed by other than three digits: a decimal comma ("1,5", "12,75", "0,125").
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,(?:\d{1,2}|\d{4,})|[+-]?0,\d+")


def _ambiguous(text: str, marks: str) -> bool:
    read = shape(text)
    return (
        read is not None
        and read.grouping is not None
        and read.mark is not None
        and read.mark in marks
        and bool(_NUMBER.fullmatch(text))
    )


def date_of(text: pl.Expr) -> pl.Expr:
    """An ISO date, alone or at the start of an ISO date-time (Kobo writes both)."""
    stripped = text.str.strip_chars()
    shaped = stripped.str.contains(f"^{_DATE.pattern}$")
    return (
        pl.when(shaped)
        .then(stripped.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))
        .otherwise(None)
    )


def flag_of(text: pl.Expr) -> pl.Expr:
    """A split select_multiple cell (1/0, True/False; 1.0 and 0.0, or 1,0 and 0,0, as a CSV
    of floats writes them): true, false, or null when neither (`invalid-choice-flag`)."""
    key = (
        text.fill_null("").str.strip_chars().str.to_lowercase().str.replace(r"^([01])[.,]0*$", "$1")
    )
    return (
        pl.when(key.is_in(sorted(_TRUE)))
        .then(True)
        .when(key.is_in(sorted(_FALSE)))
        .then(False)
        .otherwise(None)
    )


class ChoiceReader:
    """Reads cells of one select question: choice names, or labels in any language."""

    def __init__(self, question: Question) -> None:
        self.question = question
        self.by_key: dict[str, str] = {}
        labels: dict[str, set[str]] = {}
        for choice in question.choices:
            for text in choice.labels.values():
                labels.setdefault(normalise(text), set()).add(choice.name)
        for key, names in labels.items():
            if len(names) == 1:  # a label two choices share names neither
                self.by_key[key] = next(iter(names))
        for choice in question.choices:  # names win over labels
            self.by_key[normalise(choice.name)] = choice.name
            self.by_key[choice.name] = choice.name
        self._label_keys = sorted(
            (k for k in self.by_key if k == normalise(k)), key=len, reverse=True
        )
        # Each text a cell may be close to → the choice name to type instead.
        self.named: dict[str, str] = {
            t: c.name
            for c in question.choices
            for t in c.labels.values()
            if len(labels[normalise(t)]) == 1  # a shared label suggests neither choice
        }
        self.named |= {c.name: c.name for c in question.choices}
        self.candidates = sorted(self.named)

    def suggest(self, text: str) -> str | None:
        """The choice value closest to `text`, as one would type it (`female` for "femme"),
        with the label that is close when it reads otherwise (`go_chile (Continue to Chile)`)."""
        found = closest(text, self.candidates)
        if found is None:
            return None
        name = self.named[found]
        return name if normalise(found) == normalise(name) else f"{name} ({found})"

    def one(self, text: str) -> ChoiceReading:
        name = self.by_key.get(text) or self.by_key.get(normalise(text))
        if name is not None:
            return ChoiceReading((name,))
        return ChoiceReading(None, (text,), self.suggest(text))

    def many(self, text: str) -> ChoiceReading:
        """Space-separated names ("food shelter"), or labels ("Food, Health care")."""
        tokens = text.split()
        names = [self.by_key.get(t) for t in tokens]
        if tokens and all(names):
            return ChoiceReading(tuple(dict.fromkeys(n for n in names if n)))
        labelled = self._labels(text)
        if labelled is not None:
            return ChoiceReading(labelled)
        unknown = tuple(t for t, n in zip(tokens, names, strict=True) if n is None)
        return ChoiceReading(None, unknown, self.suggest(unknown[0]))

    def _labels(self, text: str) -> tuple[str, ...] | None:
        """Labels joined by spaces, commas or semicolons, matched longest first."""
        rest, found = normalise(text), []
        while rest:
            for key in self._label_keys:
                if rest == key or rest.startswith(key + " "):
                    found.append(self.by_key[key])
                    rest = rest[len(key) :].strip()
                    break
            else:
                return None
        return tuple(dict.fromkeys(found)) or None
