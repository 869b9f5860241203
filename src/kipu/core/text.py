"""Text normalisation and deterministic closest-match suggestions.

Every comparison of user-typed names (organisations, sectors, places, column labels) goes
through `normalise`, so "Junín", "JUNIN" and " junin. " are the same key everywhere.
"""

from __future__ import annotations

import contextlib
import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

_SEPARATORS = re.compile(r"[\s._\-/,;:()'\"’`]+")
# Searches `closest` may still make in this context (see `suggestions_up_to`); None: any.
_BUDGET: ContextVar[list[int] | None] = ContextVar("kipu_closest_budget", default=None)


def normalise(text: object) -> str:
    """Lower-case, strip accents and invisible characters (zero-width spaces, byte order
    marks, soft hyphens: Unicode's format characters), and fold punctuation and runs of
    spaces into one space. A zero-width space in a header label made its column unknown,
    under a message whose label looked the same as its suggestion."""
    if text is None:
        return ""
    value = str(text)
    if value.isascii():  # NFKD leaves ASCII as it is, and no ASCII character is combining
        return _SEPARATORS.sub(" ", value.casefold()).strip()
    decomposed = unicodedata.normalize("NFKD", value)
    without_accents = "".join(
        c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Cf"
    )
    return _SEPARATORS.sub(" ", without_accents.casefold()).strip()


def compact(text: object) -> str:
    """`normalise` without any spaces: for labels written with or without separators."""
    return normalise(text).replace(" ", "")


@contextlib.contextmanager
def suggestions_up_to(count: int) -> Iterator[None]:
    """Inside, the first `count` calls of `closest` search and the others answer None. A
    "did you mean" compares the value with every candidate (difflib: about 1 ms against a
    plan's indicators, 10 ms for long texts), and a column of 100,000 different unknown
    values (a column shifted by one) took 84 s to validate: callers ask for their values'
    suggestions most frequent first, within a bound."""
    token = _BUDGET.set([count])
    try:
        yield
    finally:
        _BUDGET.reset(token)


def closest(
    value: object, candidates: Iterable[str], cutoff: float = 0.6, *, contained: bool = True
) -> str | None:
    """The candidate most similar to `value`, or None; ties go to the first in sorted order.
    With `contained` (the default), a candidate inside the value, or the value inside a
    candidate, scores at least 0.8 when the shorter has three characters or more; callers
    whose candidates are short words turn it off ("si" is inside "asistencia"). For
    suggestions only: None past the bound of `suggestions_up_to`.

    Deterministic: the same inputs always give the same suggestion, whatever the order given.
    """
    budget = _BUDGET.get()
    if budget is not None:
        if budget[0] <= 0:
            return None
        budget[0] -= 1
    key = normalise(value)
    if not key:
        return None
    by_key: dict[str, str] = {}
    for candidate in sorted(set(candidates)):
        by_key.setdefault(normalise(candidate), candidate)
    if key in by_key:
        return by_key[key]
    best: tuple[float, str] | None = None
    for candidate_key in sorted(by_key):
        score = difflib.SequenceMatcher(None, key, candidate_key).ratio()
        # Containment counts from three characters: "0" is inside every registry id
        # (ORG001), "na" inside "International Organization for Migration".
        short = min(len(key), len(candidate_key)) >= 3
        if contained and short and (key in candidate_key or candidate_key in key):
            score = max(score, 0.8)
        if score >= cutoff and (best is None or score > best[0]):
            best = (score, candidate_key)
    return by_key[best[1]] if best else None
