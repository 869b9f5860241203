"""Text normalisation and deterministic closest-match suggestions.

Every comparison of user-typed names (organisations, sectors, places, column labels) goes
through `normalise`, so "Junín", "JUNIN" and " junin. " are the same key everywhere.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_SEPARATORS = re.compile(r"[\s._\-/,;:()'\"’`]+")


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


def closest(value: object, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The candidate most similar to `value`, or None; ties go to the first in sorted order.

    Deterministic: the same inputs always give the same suggestion, whatever the order given.
    """
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
        if key in candidate_key or candidate_key in key:
            score = max(score, 0.8)
        if score >= cutoff and (best is None or score > best[0]):
            best = (score, candidate_key)
    return by_key[best[1]] if best else None
