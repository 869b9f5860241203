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
# Whether `closest` searches (see `without_suggestions`).
_SEARCHING: ContextVar[bool] = ContextVar("kipu_closest_searching", default=True)


def normalise(text: object) -> str:
    """Lower-case, strip accents, and fold punctuation and runs of spaces into one space."""
    if text is None:
        return ""
    value = str(text)
    if value.isascii():  # NFKD leaves ASCII as it is, and no ASCII character is combining
        return _SEPARATORS.sub(" ", value.casefold()).strip()
    decomposed = unicodedata.normalize("NFKD", value)
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", without_accents.casefold()).strip()


def compact(text: object) -> str:
    """`normalise` without any spaces: for labels written with or without separators."""
    return normalise(text).replace(" ", "")


@contextlib.contextmanager
def without_suggestions() -> Iterator[None]:
    """Inside, `closest` answers None at once. A "did you mean" compares the value with every
    candidate (difflib: about 1 ms against a plan's indicators, 10 ms for long texts), and
    a column of 100,000 different unknown values (a column shifted by one) took 84 s to
    validate; callers bound how many values they suggest for."""
    token = _SEARCHING.set(False)
    try:
        yield
    finally:
        _SEARCHING.reset(token)


def closest(value: object, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most similar to `value`, or None; ties go to the first in sorted order.
    For suggestions only: None inside `without_suggestions`.

    Deterministic: the same inputs always give the same suggestion, whatever the order given.
    """
    key = normalise(value)
    if not key or not _SEARCHING.get():
        return None
    by_key: dict[str, str] = {}
    for candidate in sorted(set(candidates)):
        by_key.setdefault(normalise(candidate), candidate)
    if key in by_key:
        return by_key[key]
    best: tuple[float, str] | None = None
    for candidate_key in sorted(by_key):
        score = difflib.SequenceMatcher(None, key, candidate_key).ratio()
        if key in candidate_key or candidate_key in key:
            score = max(score, 0.8)
        if score >= cutoff and (best is None or score > best[0]):
            best = (score, candidate_key)
    return by_key[best[1]] if best else None
